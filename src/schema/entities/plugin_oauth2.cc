// oauth2 plugin; behaviour from Kong's kong/plugins/oauth2/{schema,daos,secret}.lua and
// daos/oauth2_tokens.lua.
#include "schema/entities/entities.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <string>

#include "kongdb/core/base64.h"
#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {
namespace {

// The hashed form of a client secret: PBKDF2-HMAC-SHA512 in PHC string format
// ($pbkdf2-sha512$i=<iterations>,l=<length>$<salt>$<hash>, unpadded base64), the one scheme
// Kong 3.9 enables, so either side verifies the other's hashes.
constexpr int kPbkdf2Iterations = 10000;
constexpr int kPbkdf2HashLength = 32;
constexpr int kPbkdf2SaltLength = 16;

// LuaSocket's url.parse, as far as the redirect URI check needs it: the scheme, the host of
// the authority, and whether a fragment was given.
struct ParsedUri {
  bool fragment = false;
  std::string scheme, host;
};

bool is_scheme_char(char c, bool first) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return first ? alnum : alnum || c == '+' || c == '-' || c == '.';
}

ParsedUri parse_uri(std::string_view uri) {
  ParsedUri out;
  if (size_t hash = uri.find('#'); hash != std::string_view::npos) {
    out.fragment = true;
    uri = uri.substr(0, hash);
  }
  size_t i = 0;
  while (i < uri.size() && is_scheme_char(uri[i], i == 0)) ++i;
  if (i > 0 && i < uri.size() && uri[i] == ':') {
    out.scheme = std::string(uri.substr(0, i));
    uri.remove_prefix(i + 1);
  }
  if (!uri.starts_with("//")) return out;
  uri.remove_prefix(2);
  std::string_view authority = uri.substr(0, uri.find('/'));
  if (size_t at = authority.find('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  // A trailing ":port" (no ':' or ']' in it) is not part of the host.
  if (size_t colon = authority.rfind(':'); colon != std::string_view::npos &&
      authority.find(']', colon) == std::string_view::npos) {
    authority = authority.substr(0, colon);
  }
  if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  out.host = std::string(authority);
  return out;
}

bool validate_redirect_uri(const Value& v, std::string& err) {
  if (!v.is_string()) return true;
  const std::string& uri = v.as_string();
  const ParsedUri parsed = parse_uri(uri);
  if (uri.empty() || parsed.host.empty() || parsed.scheme.empty()) {
    err = "cannot parse '" + uri + "'";
    return false;
  }
  if (parsed.fragment) {
    err = "fragment not allowed in '" + uri + "'";
    return false;
  }
  return true;
}

// At least one grant flow must be on.
bool validate_flows(const Value& config, std::string& err) {
  for (const char* flow : {"enable_authorization_code", "enable_implicit_grant",
                           "enable_client_credentials", "enable_password_grant"}) {
    const Value* on = config.find(flow);
    if (on && on->is_boolean() && on->as_boolean()) return true;
  }
  err = "at least one of these fields must be true: enable_authorization_code, "
        "enable_implicit_grant, enable_client_credentials, enable_password_grant";
  return false;
}

std::optional<std::string> pbkdf2_sha512(std::string_view secret, std::string_view salt, int iterations,
                                         int length) {
  std::string out(static_cast<size_t>(length), '\0');
  if (PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha512(), length, reinterpret_cast<unsigned char*>(out.data())) != 1) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<std::string> oauth2_hash_secret(std::string_view secret, std::string_view salt) {
  auto hash = pbkdf2_sha512(secret, salt, kPbkdf2Iterations, kPbkdf2HashLength);
  if (!hash) return std::nullopt;
  return "$pbkdf2-sha512$i=" + std::to_string(kPbkdf2Iterations) + ",l=" + std::to_string(kPbkdf2HashLength) +
         "$" + base64::encode(salt) + "$" + base64::encode(*hash);
}

std::optional<std::string> oauth2_hash_secret(std::string_view secret) {
  std::string salt(kPbkdf2SaltLength, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), kPbkdf2SaltLength) != 1) return std::nullopt;
  return oauth2_hash_secret(secret, salt);
}

Schema oauth2_plugin() {
  Schema config;
  config.fields = {
      {"scopes", Field::array(Field::string())},
      {"mandatory_scope", Field::boolean().def(false).required()},
      // Generated per plugin; the authorization endpoint's caller proves itself with it.
      {"provision_key", Field::string().unique().auto_fill().required().encrypted()},
      {"token_expiration", Field::number().def(7200).required()},
      {"enable_authorization_code", Field::boolean().def(false).required()},
      {"enable_implicit_grant", Field::boolean().def(false).required()},
      {"enable_client_credentials", Field::boolean().def(false).required()},
      {"enable_password_grant", Field::boolean().def(false).required()},
      {"hide_credentials", Field::boolean().def(false).required()},
      {"accept_http_if_already_terminated", Field::boolean().def(false).required()},
      {"anonymous", Field::string()},
      {"global_credentials", Field::boolean().def(false).required()},
      {"auth_header_name", Field::string().def("authorization")},
      {"refresh_token_ttl", typedefs::ttl().def(1209600).required()},
      {"reuse_refresh_token", Field::boolean().def(false).required()},
      {"pkce", Field::string().def("lax").required(false).one_of({"none", "lax", "strict"})},
      {"realm", Field::string().required(false)},
  };
  // Mandatory scopes need the list of scopes.
  config.entity_checks = {
      EntityCheck::conditional("mandatory_scope", Field::partial().eq(true), "scopes",
                               Field::partial().required()),
  };
  Field config_field = Field::record(std::move(config));
  config_field.custom_validator(validate_flows);

  Schema s;
  s.name = "oauth2";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", std::move(config_field)},
  };
  return s;
}

// The client applications of a consumer. client_id and client_secret are generated when
// absent; with hash_secret the secret is stored only as its PBKDF2 hash.
Schema oauth2_credentials() {
  Schema s;
  s.name = "oauth2_credentials";
  s.primary_key = {"id"};
  s.cache_key = {"client_id"};
  s.endpoint_key = "client_id";
  s.workspaceable = true;
  s.admin_api_name = "oauth2";
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"consumer", Field::foreign("consumers").required().on_delete("cascade")},
      {"name", Field::string().required()},
      {"client_id", Field::string().required(false).unique().auto_fill()},
      {"client_secret", Field::string().required(false).auto_fill().encrypted()},
      {"hash_secret", Field::boolean().required().def(false)},
      {"redirect_uris", Field::array(Field::string().custom_validator(validate_redirect_uri)).required(false)},
      {"tags", typedefs::tags()},
      {"client_type", Field::string().required().def("confidential").one_of({"confidential", "public"})},
  };
  Transformation hash_secret;
  hash_secret.input = {"hash_secret"};
  hash_secret.needs = {"client_secret"};
  hash_secret.on_write = [](const std::vector<Value>& args) -> tl::expected<Value, std::string> {
    if (!args[0].is_boolean() || !args[0].as_boolean()) return Value::object();
    auto hashed = oauth2_hash_secret(args[1].to_lua_string());
    if (!hashed) return tl::unexpected(std::string("cannot hash the client secret"));
    return Value::object({{"client_secret", std::move(*hashed)}});
  };
  s.transformations = {std::move(hash_secret)};
  return s;
}

// Codes of the authorization code flow; short-lived (ttl), internal: no Admin API, no export.
Schema oauth2_authorization_codes() {
  Schema s;
  s.name = "oauth2_authorization_codes";
  s.primary_key = {"id"};
  s.ttl = true;
  s.workspaceable = true;
  s.generate_admin_api = false;
  s.db_export = false;
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"service", Field::foreign("services").def(Value()).on_delete("cascade")},
      {"credential", Field::foreign("oauth2_credentials").required().on_delete("cascade")},
      {"code", Field::string().required(false).unique().auto_fill()},
      {"authenticated_userid", Field::string().required(false)},
      {"scope", Field::string()},
      {"challenge", Field::string().required(false)},
      {"challenge_method", Field::string().required(false).one_of({"S256"})},
      {"plugin", Field::foreign("plugins").def(Value()).on_delete("cascade")},
  };
  return s;
}

// Issued tokens, addressed by their access token; they expire through ttl (the plugin sets it
// from expires_in).
Schema oauth2_tokens() {
  Schema s;
  s.name = "oauth2_tokens";
  s.primary_key = {"id"};
  s.endpoint_key = "access_token";
  s.cache_key = {"access_token"};
  s.ttl = true;
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"service", Field::foreign("services").def(Value()).on_delete("cascade")},
      {"credential", Field::foreign("oauth2_credentials").required().on_delete("cascade")},
      {"token_type", Field::string().required().one_of({"bearer"}).def("bearer")},
      {"expires_in", Field::integer().required()},
      {"access_token", Field::string().required(false).unique().auto_fill()},
      {"refresh_token", Field::string().required(false).unique()},
      {"authenticated_userid", Field::string().required(false)},
      {"scope", Field::string()},
  };
  return s;
}

namespace {
constexpr BundledPluginEntity kOauth2Entities[] = {
    {"oauth2_credentials", &oauth2_credentials, "000_base_oauth2"},
    {"oauth2_authorization_codes", &oauth2_authorization_codes, "000_base_oauth2"},
    {"oauth2_tokens", &oauth2_tokens, "000_base_oauth2"},
};
}  // namespace

// Priority: Kong's handler.lua PRIORITY.
const BundledPlugin oauth2_descriptor = {"oauth2", 1400, &oauth2_plugin, kOauth2Entities};

}  // namespace kongdb::schema::entities
