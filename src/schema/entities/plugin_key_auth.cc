// key-auth plugin; behaviour from Kong's kong/plugins/key-auth/schema.lua and daos.lua.
#include "schema/entities/entities.h"

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {

Schema key_auth_plugin() {
  Schema s;
  s.name = "key-auth";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"key_names", Field::array(typedefs::header_name())
                             .required()
                             .def(Value::array({"apikey"}))
                             .description("Describes an array of parameter names where the plugin "
                                          "will look for a key. The key names may only contain "
                                          "[a-z], [A-Z], [0-9], [_] underscore, and [-] hyphen.")},
           {"hide_credentials", Field::boolean().required().def(false).description(
                                    "An optional boolean value telling the plugin to show or hide "
                                    "the credential from the upstream service. If `true`, the "
                                    "plugin strips the credential from the request.")},
           {"anonymous", Field::string().description(
                             "An optional string (consumer UUID or username) value to use as an "
                             "“anonymous” consumer if authentication fails. If empty (default "
                             "null), the request will fail with an authentication failure `4xx`.")},
           {"key_in_header", Field::boolean().required().def(true).description(
                                 "If enabled (default), the plugin reads the request header and "
                                 "tries to find the key in it.")},
           {"key_in_query", Field::boolean().required().def(true).description(
                                "If enabled (default), the plugin reads the query parameter in the "
                                "request and tries to find the key in it.")},
           {"key_in_body", Field::boolean().required().def(false).description(
                               "If enabled, the plugin reads the request body. Supported MIME "
                               "types: `application/www-form-urlencoded`, `application/json`, and "
                               "`multipart/form-data`.")},
           {"run_on_preflight", Field::boolean().required().def(true).description(
                                    "A boolean value that indicates whether the plugin should run "
                                    "(and try to authenticate) on `OPTIONS` preflight requests. If "
                                    "set to `false`, then `OPTIONS` requests are always allowed.")},
           {"realm", Field::string().required(false).description(
                         "When authentication fails the plugin sends `WWW-Authenticate` header "
                         "with `realm` attribute value.")},
       })},
  };
  return s;
}

// The credentials the plugin authenticates against (daos.lua).
Schema keyauth_credentials() {
  Schema s;
  s.name = "keyauth_credentials";
  s.primary_key = {"id"};
  s.ttl = true;
  s.endpoint_key = "key";
  s.cache_key = {"key"};
  s.workspaceable = true;
  s.admin_api_name = "key-auths";
  s.admin_api_nested_name = "key-auth";
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"consumer", Field::foreign("consumers").required().on_delete("cascade")},
      // auto: a random key is generated when none is given.
      {"key", Field::string().required(false).unique().auto_fill()},
      {"tags", typedefs::tags()},
  };
  return s;
}

namespace {
constexpr BundledPluginEntity kKeyAuthEntities[] = {
    {"keyauth_credentials", &keyauth_credentials, "000_base_key_auth"},
};
}  // namespace

// Priority: Kong's handler.lua PRIORITY.
const BundledPlugin key_auth_descriptor = {"key-auth", 1250, &key_auth_plugin, kKeyAuthEntities};

}  // namespace kongdb::schema::entities
