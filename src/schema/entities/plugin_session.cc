// session plugin; behaviour from Kong's kong/plugins/session/{schema,daos}.lua.
#include "schema/entities/entities.h"

#include <openssl/rand.h>

#include <string>

#include "kongdb/core/base64.h"
#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {
namespace {

unsigned char random_byte() {
  unsigned char b = 0;
  while (RAND_bytes(&b, 1) != 1) {
  }
  return b;
}

// The default cookie secret: 32 random bytes in base64 (44 characters) with '/', '+' and '='
// each replaced by one random digit, upper-case and lower-case letter, as Kong makes it. One
// per process, like Kong's module-level default.
std::string random_session_secret() {
  unsigned char bytes[32];
  while (RAND_bytes(bytes, sizeof bytes) != 1) {
  }
  std::string text = base64::encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  text.resize(44, '=');  // padded length: Kong's encoding keeps the padding
  const char digit = static_cast<char>('0' + random_byte() % 10);
  const char upper = static_cast<char>('A' + random_byte() % 26);
  const char lower = static_cast<char>('a' + random_byte() % 26);
  for (char& c : text) {
    if (c == '/') c = digit;
    if (c == '+') c = upper;
    if (c == '=') c = lower;
  }
  return text;
}

const std::string& session_secret_default() {
  static const std::string secret = random_session_secret();
  return secret;
}

Field session_headers() {
  return Field::set(Field::string().one_of({"id", "audience", "subject", "timeout", "idling-timeout",
                                            "rolling-timeout", "absolute-timeout"}));
}

// The pre-3.3 cookie settings, accepted and moved to their new names.
ShorthandField renamed_to(std::string old_name, Field type, std::string new_name) {
  return {std::move(old_name), std::move(type),
          [new_name = std::move(new_name)](const Value& v) { return Value::object({{new_name, v}}); },
          std::nullopt};
}

}  // namespace

Schema session_plugin() {
  Schema config;
  config.fields = {
      {"secret", Field::string().required(false).def(session_secret_default()).encrypted().referenceable()},
      {"storage", Field::string().one_of({"cookie", "kong"}).def("cookie")},
      {"audience", Field::string().def("default")},
      {"idling_timeout", Field::number().def(900)},
      {"rolling_timeout", Field::number().def(3600)},
      {"absolute_timeout", Field::number().def(86400)},
      {"stale_ttl", Field::number().def(10)},
      {"cookie_name", Field::string().def("session")},
      {"cookie_path", Field::string().def("/")},
      {"cookie_domain", Field::string()},
      {"cookie_same_site", Field::string().def("Strict").one_of({"Strict", "Lax", "None", "Default"})},
      {"cookie_http_only", Field::boolean().def(true)},
      {"cookie_secure", Field::boolean().def(true)},
      {"remember", Field::boolean().def(false)},
      {"remember_cookie_name", Field::string().def("remember")},
      {"remember_rolling_timeout", Field::number().def(604800)},
      {"remember_absolute_timeout", Field::number().def(2592000)},
      {"response_headers", session_headers()},
      {"request_headers", session_headers()},
      {"read_body_for_logout", Field::boolean().def(false)},
      {"logout_methods", Field::set(Field::string().one_of({"GET", "POST", "DELETE"}))
                             .def(Value::array({"POST", "DELETE"}))},
      {"logout_query_arg", Field::string().def("session_logout")},
      {"logout_post_arg", Field::string().def("session_logout")},
  };
  config.shorthand_fields = {
      renamed_to("cookie_lifetime", Field::number(), "rolling_timeout"),
      {"cookie_idletime", Field::number(),
       [](const Value& v) { return Value::object({{"idling_timeout", v.is_null() ? Value(0) : v}}); },
       std::nullopt},
      // Computed by the session library since 3.3: accepted and dropped.
      {"cookie_renew", Field::number(), [](const Value&) { return Value(); }, std::nullopt},
      renamed_to("cookie_discard", Field::number(), "stale_ttl"),
      {"cookie_samesite", Field::string(),
       [](const Value& v) {
         const bool off = v.is_string() && v.as_string() == "off";
         return Value::object({{"cookie_same_site", off ? Value("Lax") : v}});
       },
       std::nullopt},
      renamed_to("cookie_httponly", Field::boolean(), "cookie_http_only"),
      renamed_to("cookie_persistent", Field::boolean(), "remember"),
  };

  Schema s;
  s.name = "session";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols()},
      {"config", Field::record(std::move(config))},
  };
  return s;
}

// Server-side session data for `storage = kong`; expires through ttl. Not exported.
Schema sessions() {
  Schema s;
  s.name = "sessions";
  s.primary_key = {"id"};
  s.endpoint_key = "session_id";
  s.cache_key = {"session_id"};
  s.ttl = true;
  s.db_export = false;
  s.fields = {
      {"id", typedefs::uuid()},
      {"session_id", Field::string().unique().required()},
      {"expires", Field::integer()},
      {"data", Field::string()},
      {"created_at", typedefs::auto_timestamp_s()},
  };
  return s;
}

namespace {
constexpr BundledPluginEntity kSessionEntities[] = {
    {"sessions", &sessions, "000_base_session"},
};
}  // namespace

// Priority: Kong's handler.lua PRIORITY.
const BundledPlugin session_descriptor = {"session", 1900, &session_plugin, kSessionEntities};

}  // namespace kongdb::schema::entities
