// hmac-auth plugin; behaviour from Kong's kong/plugins/hmac-auth/{schema,daos}.lua.
#include "schema/entities/entities.h"

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {
namespace {

std::vector<Value> hmac_algorithms() {
  return {"hmac-sha1", "hmac-sha256", "hmac-sha384", "hmac-sha512"};
}

}  // namespace

Schema hmac_auth_plugin() {
  Schema s;
  s.name = "hmac-auth";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"hide_credentials", Field::boolean().required().def(false)},
           // Seconds a request's Date may differ from the server's clock (replay window).
           {"clock_skew", Field::number().def(300).gt(0)},
           {"anonymous", Field::string()},
           {"validate_request_body", Field::boolean().required().def(false)},
           {"enforce_headers", Field::array(Field::string()).def(Value::array({}))},
           {"algorithms", Field::array(Field::string().one_of(hmac_algorithms()))
                              .def(Value(Array(hmac_algorithms())))},
           {"realm", Field::string().required(false)},
       })},
  };
  return s;
}

// The credentials: a username and the shared secret (generated when not given).
Schema hmacauth_credentials() {
  Schema s;
  s.name = "hmacauth_credentials";
  s.primary_key = {"id"};
  s.endpoint_key = "username";
  s.cache_key = {"username"};
  s.workspaceable = true;
  s.admin_api_name = "hmac-auths";
  s.admin_api_nested_name = "hmac-auth";
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"consumer", Field::foreign("consumers").required().on_delete("cascade")},
      {"username", Field::string().required().unique()},
      {"secret", Field::string().auto_fill()},
      {"tags", typedefs::tags()},
  };
  return s;
}

namespace {
constexpr BundledPluginEntity kHmacAuthEntities[] = {
    {"hmacauth_credentials", &hmacauth_credentials, "000_base_hmac_auth"},
};
}  // namespace

// Priority: Kong's handler.lua PRIORITY.
const BundledPlugin hmac_auth_descriptor = {"hmac-auth", 1030, &hmac_auth_plugin, kHmacAuthEntities};

}  // namespace kongdb::schema::entities
