// jwt plugin; behaviour from Kong's kong/plugins/jwt/{schema,daos}.lua.
#include "schema/entities/entities.h"

#include "kongdb/schema/typedefs.h"
#include "schema/pem.h"

namespace kongdb::schema::entities {

Schema jwt_plugin() {
  Schema s;
  s.name = "jwt";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"uri_param_names", Field::set(Field::string()).def(Value::array({"jwt"}))},
           {"cookie_names", Field::set(Field::string()).def(Value::array({}))},
           // The claim naming the jwt_secrets key that signed the token.
           {"key_claim_name", Field::string().def("iss")},
           {"secret_is_base64", Field::boolean().required().def(false)},
           {"claims_to_verify", Field::set(Field::string().one_of({"exp", "nbf"}))},
           {"anonymous", Field::string()},
           {"run_on_preflight", Field::boolean().required().def(true)},
           // Longest accepted token lifetime in seconds (0: unlimited), at most a year.
           {"maximum_expiration", Field::number().def(0).between(0, 31536000)},
           {"header_names", Field::set(Field::string()).def(Value::array({"authorization"}))},
           {"realm", Field::string().required(false)},
       })},
  };
  // A lifetime limit needs the exp claim verified.
  s.entity_checks = {
      EntityCheck::conditional("config.maximum_expiration", Field::partial().gt(0),
                               "config.claims_to_verify", Field::partial().contains("exp")),
  };
  return s;
}

// The consumer's signing secrets: `key` identifies it in the token, `secret` signs HS*
// tokens, `rsa_public_key` verifies asymmetric ones. Key and secret are generated when absent.
Schema jwt_secrets() {
  Schema s;
  s.name = "jwt_secrets";
  s.primary_key = {"id"};
  s.cache_key = {"key"};
  s.endpoint_key = "key";
  s.workspaceable = true;
  s.admin_api_name = "jwts";
  s.admin_api_nested_name = "jwt";
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"consumer", Field::foreign("consumers").required().on_delete("cascade")},
      {"key", Field::string().required(false).unique().auto_fill()},
      {"secret", Field::string().auto_fill()},
      {"rsa_public_key", Field::string()},
      {"algorithm", Field::string().def("HS256").one_of({"HS256", "HS384", "HS512", "RS256", "RS384",
                                                         "RS512", "ES256", "ES384", "ES512", "PS256",
                                                         "PS384", "PS512", "EdDSA"})},
      {"tags", typedefs::tags()},
  };
  // The RSA, RSA-PSS and EdDSA algorithms need a key OpenSSL can load (Kong leaves ES* out).
  Field key_loads = Field::partial().required().custom_validator([](const Value& v, std::string& err) {
    if (!v.is_string() || pem::check_key(v.as_string())) {
      err = "invalid key";
      return false;
    }
    return true;
  });
  s.entity_checks = {
      EntityCheck::conditional(
          "algorithm",
          Field::partial().match_any(MatchAny{{"^RS256$", "^RS384$", "^RS512$", "^PS256$", "^PS384$",
                                               "^PS512$", "^EdDSA$"},
                                              ""}),
          "rsa_public_key", std::move(key_loads)),
  };
  return s;
}

namespace {
constexpr BundledPluginEntity kJwtEntities[] = {
    {"jwt_secrets", &jwt_secrets, "000_base_jwt"},
};
}  // namespace

// Priority: Kong's handler.lua PRIORITY.
const BundledPlugin jwt_descriptor = {"jwt", 1450, &jwt_plugin, kJwtEntities};

}  // namespace kongdb::schema::entities
