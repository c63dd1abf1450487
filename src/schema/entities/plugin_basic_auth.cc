// basic-auth plugin; behaviour from Kong's kong/plugins/basic-auth/{schema,daos,crypto}.lua.
#include "schema/entities/entities.h"

#include <openssl/sha.h>

#include <string>

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {

Schema basic_auth_plugin() {
  Schema s;
  s.name = "basic-auth";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"anonymous", Field::string().description(
                             "An optional string (Consumer UUID or username) value to use as an "
                             "“anonymous” consumer if authentication fails. If empty (default "
                             "null), the request will fail with an authentication failure `4xx`. "
                             "Please note that this value must refer to the Consumer `id` or "
                             "`username` attribute, and **not** its `custom_id`.")},
           {"hide_credentials", Field::boolean().required().def(false).description(
                                    "An optional boolean value telling the plugin to show or hide "
                                    "the credential from the upstream service. If `true`, the "
                                    "plugin will strip the credential from the request (i.e. the "
                                    "`Authorization` header) before proxying it.")},
           {"realm", Field::string().required().def("service").description(
                         "When authentication fails the plugin sends `WWW-Authenticate` header "
                         "with `realm` attribute value.")},
       })},
  };
  return s;
}

std::string basic_auth_password_hash(std::string_view password, std::string_view consumer_id) {
  // Salted with the consumer id appended, so one password hashes differently per consumer.
  std::string salted;
  salted.reserve(password.size() + consumer_id.size());
  salted.append(password).append(consumer_id);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(salted.data()), salted.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * SHA_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 0x0f];
  }
  return hex;
}

// The credentials the plugin checks requests against. The password is stored only as its
// salted hash, written whenever a password is given (insert, update, upsert).
Schema basicauth_credentials() {
  Schema s;
  s.name = "basicauth_credentials";
  s.primary_key = {"id"};
  s.cache_key = {"username"};
  s.endpoint_key = "username";
  s.workspaceable = true;
  s.admin_api_name = "basic-auths";
  s.admin_api_nested_name = "basic-auth";
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"consumer", Field::foreign("consumers").required().on_delete("cascade")},
      {"username", Field::string().required().unique()},
      {"password", Field::string().required().encrypted()},
      {"tags", typedefs::tags()},
  };
  Transformation hash_password;
  hash_password.input = {"password"};
  hash_password.needs = {"consumer.id"};
  hash_password.on_write = [](const std::vector<Value>& args) -> tl::expected<Value, std::string> {
    const std::string consumer_id = args[1].to_lua_string();
    return Value::object({{"password", basic_auth_password_hash(args[0].to_lua_string(), consumer_id)}});
  };
  s.transformations = {std::move(hash_password)};
  return s;
}

namespace {
constexpr BundledPluginEntity kBasicAuthEntities[] = {
    {"basicauth_credentials", &basicauth_credentials, "000_base_basic_auth"},
};
}  // namespace

// Priority: Kong's handler.lua PRIORITY.
const BundledPlugin basic_auth_descriptor = {"basic-auth", 1100, &basic_auth_plugin, kBasicAuthEntities};

}  // namespace kongdb::schema::entities
