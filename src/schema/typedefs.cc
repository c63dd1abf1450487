// Kong: kong/db/schema/typedefs.lua
//
// Each typedef mirrors Kong's definition attribute by attribute; the string checks live in
// net.h / pem.h so their messages can be tested on their own.
#include "kongdb/schema/typedefs.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "schema/net.h"
#include "schema/pem.h"
#include "schema/regex.h"
#include "schema/vault_reference.h"

namespace kongdb::schema::typedefs {
namespace {

using CheckFn = std::optional<std::string> (*)(std::string_view);

// Adapts a net/pem check (nullopt = fine, else Kong's message) to a custom validator. The
// schema type check runs first, so a non-string never reaches here in practice.
CustomValidator string_check(CheckFn check) {
  return [check](const Value& v, std::string& err) {
    if (!v.is_string()) return true;
    if (auto msg = check(v.as_string())) {
      err = std::move(*msg);
      return false;
    }
    return true;
  };
}

// constants.DATABASE.DAO_MAX_TTL
constexpr double k_dao_max_ttl = 1e8;

// PROTOCOLS_WITH_SUBSYSTEM entries whose subsystem is "http", sorted.
std::vector<Value> http_protocol_values() { return {"grpc", "grpcs", "http", "https"}; }

Value http_protocols_default() {
  return Value(Array{Value("grpc"), Value("grpcs"), Value("http"), Value("https")});
}

std::vector<Value> protocol_values() {
  std::vector<Value> out;
  for (const auto& p : all_protocols()) out.emplace_back(p);
  return out;
}

// tools.http.validate_header_name: PCRE "^[a-zA-Z0-9-_]+$" (PCRE's `$` also matches before
// a final newline, so one trailing "\n" is accepted as in Kong).
std::optional<std::string> check_header_name(std::string_view name) {
  if (name.empty()) return std::string("no header name provided");
  std::string_view body = name;
  if (body.back() == '\n') body.remove_suffix(1);
  bool ok = !body.empty();
  for (char c : body) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_';
    if (!allowed) ok = false;
  }
  if (ok) return std::nullopt;
  return "bad header name '" + std::string(name) +
         "', allowed characters are A-Z, a-z, 0-9, '_', and '-'";
}

// tools.http.validate_http_token: controls, high-bit bytes and RFC 2616 separators refused.
std::optional<std::string> check_http_token(std::string_view token) {
  if (token.empty()) return std::string("no token provided");
  static constexpr std::string_view separators = " \t()<>@,;:\\\"/?={}[]";
  for (char ch : token) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x1F || c >= 0x7F || separators.find(ch) != std::string_view::npos) {
      return std::string(
          "contains one or more invalid characters. ASCII control characters (0-31;127), "
          "space, tab and the characters ()<>@,;:\\\"/?={}[] are not allowed.");
    }
  }
  return std::nullopt;
}

// Router paths: regexes are dry-run through PCRE like the router does.
std::optional<std::string> check_router_path_with_regex(std::string_view path) {
  return net::check_router_path(path, [](std::string_view re) { return pcre_compile_error(re); });
}

// routes' hosts elements: '*' stands in as a label before host normalisation.
std::optional<std::string> check_host_with_wildcards(std::string_view host) {
  std::string mock;
  mock.reserve(host.size());
  for (char c : host) {
    if (c == '*') {
      mock += "abc";
    } else {
      mock += c;
    }
  }
  return net::check_host_with_optional_port(mock);
}

bool is_vault_reference(const Value* v) { return v && v->is_string() && schema::is_vault_reference(v->as_string()); }

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Kong hands OpenSSL no passphrase; never let it fall back to prompting on a terminal.
int no_passphrase(char*, int, int, void*) { return -1; }

PkeyPtr load_pem_pkey(const std::string& text, bool is_private) {
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (!bio) return nullptr;
  EVP_PKEY* k = is_private ? PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr)
                           : PEM_read_bio_PUBKEY(bio, nullptr, no_passphrase, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  return PkeyPtr(k);
}

// typedefs.pem's record validator: each PEM must load as its kind, and a pair must match.
bool validate_pem_keys(const Value& v, std::string& err) {
  if (!v.is_object()) return true;
  const Value* pub = v.find("public_key");
  const Value* priv = v.find("private_key");
  if (is_vault_reference(priv) || is_vault_reference(pub)) return true;
  PkeyPtr pub_key, priv_key;
  if (pub && pub->is_string()) {
    pub_key = load_pem_pkey(pub->as_string(), false);
    if (!pub_key) {
      err = "could not load public key";
      return false;
    }
  }
  if (priv && priv->is_string()) {
    priv_key = load_pem_pkey(priv->as_string(), true);
    if (!priv_key) {
      // Kong appends lua-resty-openssl's loader error; pem::check_key renders the same text.
      err = "could not load private key";
      if (auto msg = pem::check_key(priv->as_string())) {
        constexpr std::string_view prefix = "invalid key: ";
        err += msg->rfind(prefix, 0) == 0 ? msg->substr(prefix.size()) : *msg;
      }
      return false;
    }
  }
  if (pub_key && priv_key && EVP_PKEY_eq(pub_key.get(), priv_key.get()) != 1) {
    ERR_clear_error();
    err = "public key does not match private key";
    return false;
  }
  ERR_clear_error();
  return true;
}

// sources / destinations elements: {ip, port} records needing at least one of the two.
Field ip_port_set() {
  Schema rec;
  rec.fields = {{"ip", ip_or_cidr()}, {"port", port()}};
  rec.entity_checks = {EntityCheck::at_least_one_of({"ip", "port"})};
  return Field::set(Field::record(std::move(rec)));
}

Field optional_string() { return Field::string().required(false); }

}  // namespace

const std::vector<std::string>& all_protocols() {
  // constants.PROTOCOLS: the keys of PROTOCOLS_WITH_SUBSYSTEM, sorted.
  static const std::vector<std::string> protocols = {
      "grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp"};
  return protocols;
}

Field http_method() {
  return Field::string().match("^%u+$").description(
      "A string representing an HTTP method, such as GET, POST, PUT, or DELETE. The string must "
      "contain only uppercase letters.");
}

Field protocol() {
  return Field::string().one_of(protocol_values()).description(
      "A string representing a protocol, such as HTTP or HTTPS.");
}

Field host() {
  return Field::string()
      .custom_validator(string_check(net::check_host))
      .description("A string representing a host name, such as example.com.");
}

Field redis_host() {
  return Field::string()
      .custom_validator(string_check(net::check_host))
      .description(
          "When using the `redis` policy, this property specifies the address to the Redis "
          "server.");
}

Field host_with_optional_port() {
  return Field::string()
      .custom_validator(string_check(net::check_host_with_optional_port))
      .description(
          "A string representing a host name with an optional port number, such as example.com "
          "or example.com:8080.");
}

Field wildcard_host() {
  return Field::string()
      .custom_validator(string_check(net::check_wildcard_host))
      .description("A string representing a wildcard host name, such as *.example.com.");
}

Field ip() {
  return Field::string()
      .custom_validator(string_check(net::check_ip))
      .description("A string representing an IP address, such as 192.168.1.1.");
}

Field ip_or_cidr() {
  return Field::string()
      .custom_validator(string_check(net::check_ip_or_cidr))
      .description(
          "A string representing an IP address or CIDR block, such as 192.168.1.1 or "
          "192.168.0.0/16.");
}

Field cidr_v4() {
  return Field::string()
      .custom_validator(string_check(net::check_cidr_v4))
      .description(
          "A string representing a CIDR block for IPv4 addresses, such as 192.168.0.0/16.");
}

Field port() {
  return Field::integer().between(0, 65535).description(
      "An integer representing a port number between 0 and 65535, inclusive.");
}

Field path() {
  // net::check_path repeats starts_with/match_none; they are kept as attributes so that
  // the metaschema output and validator order match Kong.
  return Field::string()
      .starts_with("/")
      .match_none({{"//", "must not have empty segments"}})
      .custom_validator(string_check(net::check_path))
      .description(
          "A string representing a URL path, such as /path/to/resource. Must start with a forward "
          "slash (/) and must not contain empty segments (i.e., two consecutive forward "
          "slashes).");
}

Field url() {
  return Field::string()
      .custom_validator(string_check(net::check_url))
      .description(
          "A string representing a URL, such as https://example.com/path/to/resource?q=search.");
}

Field cookie_name() {
  return Field::string()
      .custom_validator(string_check(check_http_token))
      .description("A string representing an HTTP token defined by RFC 2616.");
}

Field header_name() {
  return Field::string()
      .custom_validator(string_check(check_header_name))
      .description("A string representing an HTTP header name.");
}

Field timeout() {
  return Field::integer().between(0, 2147483646.0).description(
      "An integer representing a timeout in milliseconds. Must be between 0 and 2^31-2.");
}

Field uuid() {
  return Field::string().uuid().auto_fill().description(
      "A string representing a UUID (universally unique identifier).");
}

Field auto_timestamp_s() {
  return Field::integer().timestamp().auto_fill().description(
      "An integer representing an automatic Unix timestamp in seconds.");
}

Field auto_timestamp_ms() {
  return Field::number().timestamp().auto_fill().description(
      "A number representing an automatic Unix timestamp in milliseconds.");
}

Field no_route() {
  return Field::foreign("routes").eq(Value()).description(
      "A reference to the 'routes' table with a null value allowed.");
}

Field no_service() {
  return Field::foreign("services").eq(Value()).description(
      "A reference to the 'services' table with a null value allowed.");
}

Field no_consumer() {
  return Field::foreign("consumers").eq(Value()).description(
      "Custom type for representing a foreign key with a null value allowed.");
}

Field name() {
  return Field::string()
      .unique()
      .custom_validator(string_check(net::check_name))
      .description("A unique string representing a name.");
}

Field utf8_name() {
  return Field::string()
      .unique()
      .custom_validator(string_check(net::check_utf8_name))
      .description("A unique string representing a UTF-8 encoded name.");
}

Field sni() {
  return Field::string()
      .custom_validator(string_check(net::check_sni))
      .description("A string representing an SNI (server name indication) value for TLS.");
}

Field redis_server_name() {
  return Field::string()
      .custom_validator(string_check(net::check_sni))
      .description(
          "When using the `redis` policy with `redis_ssl` set to `true`, this property specifies "
          "the server name for the TLS extension Server Name Indication (SNI).");
}

Field certificate() {
  return Field::string()
      .custom_validator(string_check(pem::check_certificate))
      .description("A string representing a certificate.");
}

Field key() {
  return Field::string()
      .custom_validator(string_check(pem::check_key))
      .description("A string representing a key.");
}

Field tag() {
  return Field::string()
      .required()
      .custom_validator(string_check(net::check_tag))
      .description("A string representing a tag.");
}

Field tags() {
  return Field::set(tag()).description("A set of strings representing tags.");
}

Field capability() {
  return Field::string().description("A string representing an RPC capability.");
}

Field protocols() {
  return Field::set(protocol())
      .required()
      .def(http_protocols_default())
      .description("A set of strings representing protocols.");
}

Field protocols_http() {
  return Field::set(Field::string().one_of(http_protocol_values()))
      .required()
      .def(http_protocols_default())
      .description("A set of strings representing HTTP protocols.");
}

Field sources() {
  return ip_port_set().description(
      "A set of sources, each of which is a record with at least one of 'ip' or 'port'.");
}

Field no_sources() {
  return sources().eq(Value()).description("A null value representing no sources.");
}

Field destinations() {
  return ip_port_set().description(
      "A set of destinations, each of which is a record with at least one of 'ip' or 'port'.");
}

Field no_destinations() {
  return destinations().eq(Value()).description("A null value representing no destinations.");
}

Field methods() {
  return Field::set(http_method())
      .description(
          "A set of strings representing HTTP methods. Each method must be a valid HTTP "
          "method.");
}

Field no_methods() {
  return methods().eq(Value()).description("A null value representing no methods.");
}

Field hosts() {
  Field element = Field::string()
                      .match_all({{"^[^*]*%*?[^*]*$",
                                   "invalid wildcard: must have at most one wildcard"}})
                      .match_any({{"^%*%.", "%.%*$", "^[^*]*$"},
                                  "invalid wildcard: must be placed at leftmost or rightmost "
                                  "label"})
                      .custom_validator(string_check(check_host_with_wildcards));
  return Field::array(std::move(element))
      .description(
          "An array of strings representing hosts. A valid host is a string containing one or "
          "more labels separated by periods, with at most one wildcard label ('*')");
}

Field no_hosts() {
  return hosts().eq(Value()).description("A null value representing no hosts.");
}

Field router_path() {
  return Field::string()
      .match_any({{"^/", "^~/"}, "should start with: / (fixed path) or ~/ (regex path)"})
      .match_none({{"//", "must not have empty segments"}})
      .custom_validator(string_check(check_router_path_with_regex))
      .description(
          "A string representing a router path. It must start with a forward slash ('/') for a "
          "fixed path, or the sequence '~/' for a regex path. It must not have empty "
          "segments.");
}

Field router_paths() {
  return Field::array(router_path())
      .description("An array of strings representing router paths.");
}

Field no_paths() {
  return router_paths().eq(Value()).description("A null value representing no router paths.");
}

Field headers() {
  return Field::map(header_name(), Field::array(Field::string()))
      .description("A map of header names to arrays of header values.");
}

Field no_headers() {
  return headers().eq(Value()).description("A null value representing no headers.");
}

Field semantic_version() {
  return Field::string()
      .match_any({{"^%d+[%.%d]*$", "^%d+[%.%d]*%-?.*$"},
                  "invalid version number: must be in format of X.Y.Z"})
      .match_none({{"%.%.", "must not have empty version segments"}})
      .description(
          "A string representing a semantic version number in the format X.Y.Z(-build), where "
          "X, Y, and Z are integers, plus an optional hyphen-separated build identifier.");
}

Field pem() {
  Schema rec;
  rec.fields = {
      {"private_key", Field::string().required(false).referenceable().encrypted()},
      {"public_key", Field::string().referenceable().required(false)},
  };
  rec.entity_checks = {EntityCheck::at_least_one_of({"private_key", "public_key"})};
  return Field::record(std::move(rec))
      .required(false)
      .custom_validator(validate_pem_keys)
      .description(
          "A pair of PEM-encoded public and private keys, which can be either a string or a "
          "reference to a credential in Kong Vault. If provided as strings, they must be valid "
          "PEM-encoded keys.");
}

Field jwk() {
  // Kong also loads the record as a JWK through lua-resty-openssl ("could not load JWK,
  // likely not a valid key"); JWK parsing is not supported here, so no validator is set.
  Fields fields;
  for (const char* f : {"issuer", "kty", "use"}) fields.emplace_back(f, optional_string());
  fields.emplace_back("key_ops", Field::array(optional_string()).required(false));
  fields.emplace_back("alg", optional_string());
  fields.emplace_back("kid", Field::string().required());
  fields.emplace_back("x5u", optional_string());
  fields.emplace_back("x5c", Field::array(optional_string()).required(false));
  for (const char* f : {"x5t", "x5t#S256", "k", "x", "y", "crv", "n", "e", "d", "p", "q", "dp",
                        "dq", "qi", "oth", "r", "t"}) {
    fields.emplace_back(f, optional_string());
  }
  return Field::record(std::move(fields))
      .required(false)
      .description("Custom type for representing a JSON Web Key (JWK).");
}

Field lua_code() {
  // Kong compiles each value in its sandbox (validate_safe); Lua is not embedded here, so
  // only the shape and lengths are checked.
  return Field::map(Field::string().len_min(1), Field::string().len_min(1))
      .description("Lua code as a key-value map");
}

Field queue() {
  // Kong's kong/tools/queue_schema.lua: the batching queue of the log plugins.
  return Field::record({
      {"max_batch_size", Field::integer().def(1).between(1, 1000000).description(
                             "Most entries handled in one batch.")},
      {"max_coalescing_delay", Field::number().def(1).between(0, 3600).description(
                                   "Seconds to wait for more entries after the first one is queued.")},
      {"max_entries", Field::integer().def(10000).between(1, 1000000).description(
                          "Most entries waiting in the queue.")},
      {"max_bytes", Field::integer().description("Most bytes waiting in the queue (string entries).")},
      {"max_retry_time", Field::number().def(60).description(
                             "Seconds before a failing batch is given up.")},
      {"initial_retry_delay", Field::number().def(0.01).between(0.001, 1000000).description(
                                  "Seconds before the first retry of a failing batch.")},
      {"max_retry_delay", Field::number().def(60).between(0.001, 1000000).description(
                              "Longest wait between retries, in seconds.")},
      {"concurrency_limit", Field::integer().def(1).one_of({-1, 1}).description(
                                "Delivery timers: 1, or -1 for unlimited.")},
  });
}

Field ttl() {
  return Field::number().between(0, k_dao_max_ttl).description("Time-to-live value for data");
}

// Not Kong typedefs (Kong declares these inline in keys.lua and elsewhere); kept for
// entity definitions that want them.
Field key_set() { return Field::foreign("key_sets"); }

Field no_key_set() { return Field::foreign("key_sets").eq(Value()); }

Field regex_or_plain_pattern() {
  // A "~"-prefixed value is a PCRE regex (checked like router regex paths); otherwise plain.
  return Field::string().custom_validator([](const Value& v, std::string& err) {
    if (!v.is_string()) return true;
    const std::string& s = v.as_string();
    if (s.empty() || s[0] != '~') return true;
    std::string re = s.substr(1);
    if (auto e = pcre_compile_error(re)) {
      err = "invalid regex: '" + re + "' (PCRE returned: " + *e + ")";
      return false;
    }
    return true;
  });
}

std::optional<Field> by_name(std::string_view typedef_name) {
  using Maker = Field (*)();
  static const std::unordered_map<std::string_view, Maker> makers = {
      {"http_method", http_method},
      {"protocol", protocol},
      {"host", host},
      {"redis_host", redis_host},
      {"host_with_optional_port", host_with_optional_port},
      {"wildcard_host", wildcard_host},
      {"ip", ip},
      {"ip_or_cidr", ip_or_cidr},
      {"cidr_v4", cidr_v4},
      {"cidr", cidr_v4},  // Kong's deprecated alias
      {"port", port},
      {"path", path},
      {"url", url},
      {"cookie_name", cookie_name},
      {"header_name", header_name},
      {"timeout", timeout},
      {"uuid", uuid},
      {"auto_timestamp_s", auto_timestamp_s},
      {"auto_timestamp_ms", auto_timestamp_ms},
      {"no_route", no_route},
      {"no_service", no_service},
      {"no_consumer", no_consumer},
      {"name", name},
      {"utf8_name", utf8_name},
      {"sni", sni},
      {"redis_server_name", redis_server_name},
      {"certificate", certificate},
      {"key", key},
      {"tag", tag},
      {"tags", tags},
      {"capability", capability},
      {"protocols", protocols},
      {"protocols_http", protocols_http},
      {"queue", queue},
      {"sources", sources},
      {"no_sources", no_sources},
      {"destinations", destinations},
      {"no_destinations", no_destinations},
      {"methods", methods},
      {"no_methods", no_methods},
      {"hosts", hosts},
      {"no_hosts", no_hosts},
      {"router_path", router_path},
      {"router_paths", router_paths},
      {"no_paths", no_paths},
      {"headers", headers},
      {"no_headers", no_headers},
      {"semantic_version", semantic_version},
      {"pem", pem},
      {"jwk", jwk},
      {"lua_code", lua_code},
      {"ttl", ttl},
  };
  auto it = makers.find(typedef_name);
  if (it == makers.end()) return std::nullopt;
  return it->second();
}

}  // namespace kongdb::schema::typedefs
