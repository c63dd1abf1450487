// Provenance: Kong HEAD kong/db/schema/entities/upstreams.lua (behaviour only).
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/net.h"

namespace kongdb::schema::entities {

namespace {

Field string_check(std::optional<std::string> (*check)(std::string_view)) {
  return Field::string().custom_validator([check](const Value& v, std::string& err) {
    if (!v.is_string()) return true;
    auto e = check(v.as_string());
    if (e) err = *e;
    return !e;
  });
}

// RFC 2616 token (kong.tools.http validate_cookie_name): no CTLs, high-bit bytes or separators.
std::optional<std::string> check_cookie_name(std::string_view name) {
  if (name.empty()) return "no token provided";
  for (unsigned char c : name) {
    if (c <= 0x1F || c >= 0x7F || std::string_view(" \t()<>@,;:\\\"/?={}[]").find(static_cast<char>(c)) != std::string_view::npos) {
      return "contains one or more invalid characters. ASCII control characters (0-31;127), "
             "space, tab and the characters ()<>@,;:\\\"/?={}[] are not allowed.";
    }
  }
  return std::nullopt;
}

Field hash_on() {
  return Field::string().def("none").one_of(
      {"none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture"});
}

Field simple_param() { return Field::string().len_min(1); }

// --- healthchecks building blocks ---
Field http_statuses(std::initializer_list<Value> def) {
  return Field::array(Field::integer().between(100, 999)).def(Value::array(def));
}
Field seconds(double def) { return Field::number().between(0, 65535).def(def); }
Field one_byte_integer() { return Field::integer().between(0, 255).def(0); }
Field check_type() {
  return Field::string().one_of({"tcp", "http", "https", "grpc", "grpcs"}).def("http");
}

// A nested record whose default is the full set of its sub-defaults, as Kong generates them.
Field defaulted_record(Fields fields, Value def) { return Field::record(std::move(fields)).def(std::move(def)); }

// Active probing is off (interval 0) and every counter disabled (0) until configured.
const Value& active_healthy_default() {
  static const Value v = Value::object(
      {{"interval", 0}, {"http_statuses", Value::array({200, 302})}, {"successes", 0}});
  return v;
}
const Value& active_unhealthy_default() {
  static const Value v = Value::object(
      {{"interval", 0},
       {"http_statuses", Value::array({429, 404, 500, 501, 502, 503, 504, 505})},
       {"tcp_failures", 0},
       {"timeouts", 0},
       {"http_failures", 0}});
  return v;
}
const Value& active_default() {
  static const Value v = Value::object({{"type", "http"},
                                        {"timeout", 1},
                                        {"concurrency", 10},
                                        {"http_path", "/"},
                                        {"https_verify_certificate", true},
                                        {"healthy", active_healthy_default()},
                                        {"unhealthy", active_unhealthy_default()}});
  return v;
}
const Value& passive_healthy_default() {
  static const Value v = Value::object(
      {{"http_statuses", Value::array({200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301,
                                       302, 303, 304, 305, 306, 307, 308})},
       {"successes", 0}});
  return v;
}
const Value& passive_unhealthy_default() {
  static const Value v = Value::object({{"http_statuses", Value::array({429, 500, 503})},
                                        {"tcp_failures", 0},
                                        {"timeouts", 0},
                                        {"http_failures", 0}});
  return v;
}
const Value& passive_default() {
  static const Value v = Value::object({{"type", "http"},
                                        {"healthy", passive_healthy_default()},
                                        {"unhealthy", passive_unhealthy_default()}});
  return v;
}

Field healthchecks() {
  Field active = defaulted_record(
      {
          {"type", check_type()},
          {"timeout", seconds(1)},
          {"concurrency", Field::integer().between(1, 2147483648.0).def(10)},
          {"http_path", typedefs::path().def("/")},
          {"https_sni", typedefs::sni().required(false)},
          {"https_verify_certificate", Field::boolean().def(true).required()},
          // typedefs.headers: header name -> list of values; no default (probes send none).
          {"headers", Field::map(typedefs::header_name(), Field::array(Field::string())).required(false)},
          {"healthy", defaulted_record({{"interval", seconds(0)},
                                        {"http_statuses", http_statuses({200, 302})},
                                        {"successes", one_byte_integer()}},
                                       active_healthy_default())},
          {"unhealthy",
           defaulted_record({{"interval", seconds(0)},
                             {"http_statuses", http_statuses({429, 404, 500, 501, 502, 503, 504, 505})},
                             {"tcp_failures", one_byte_integer()},
                             {"timeouts", one_byte_integer()},
                             {"http_failures", one_byte_integer()}},
                            active_unhealthy_default())},
      },
      active_default());
  Field passive = defaulted_record(
      {
          {"type", check_type()},
          {"healthy", defaulted_record({{"http_statuses",
                                         http_statuses({200, 201, 202, 203, 204, 205, 206, 207, 208,
                                                        226, 300, 301, 302, 303, 304, 305, 306, 307,
                                                        308})},
                                        {"successes", one_byte_integer()}},
                                       passive_healthy_default())},
          {"unhealthy", defaulted_record({{"http_statuses", http_statuses({429, 500, 503})},
                                          {"tcp_failures", one_byte_integer()},
                                          {"timeouts", one_byte_integer()},
                                          {"http_failures", one_byte_integer()}},
                                         passive_unhealthy_default())},
      },
      passive_default());

  // threshold (percentage of healthy targets for the upstream to count as healthy) is not
  // part of the record's default table, only of its fields.
  return Field::record({{"active", std::move(active)},
                        {"passive", std::move(passive)},
                        {"threshold", Field::number().def(0).between(0, 100)}})
      .def(Value::object({{"active", active_default()}, {"passive", passive_default()}}));
}

// hash input `field` must be given when `if_field` hashes on `kind`.
EntityCheck requires_when(std::string if_field, const std::string& kind, std::string then_field) {
  return EntityCheck::conditional(std::move(if_field), Field::partial().match("^" + kind + "$"),
                                  std::move(then_field), Field::partial().required());
}

EntityCheck fallback_one_of(const std::string& kind, std::vector<Value> allowed) {
  return EntityCheck::conditional("hash_on", Field::partial().match("^" + kind + "$"),
                                  "hash_fallback", Field::partial().one_of(std::move(allowed)));
}

// Shorthands: keep algorithm and hash_on coherent for clients that set only one of them.
Value algorithm_shorthand(const Value& value) {
  if (value.is_string() &&
      (value.as_string() == "least-connections" || value.as_string() == "latency")) {
    return Value::object({{"algorithm", value}, {"hash_on", Value()}});
  }
  return Value::object({{"algorithm", value}});
}

Value hash_on_shorthand(const Value& value) {
  if (value.is_null()) return Value::object({{"hash_on", "none"}});
  if (value.is_string() && value.as_string() == "none") {
    return Value::object({{"hash_on", value}, {"algorithm", "round-robin"}});
  }
  return Value::object({{"hash_on", value}, {"algorithm", "consistent-hashing"}});
}

}  // namespace

Schema upstreams() {
  Schema s;
  s.name = "upstreams";
  s.primary_key = {"id"};
  s.endpoint_key = "name";
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      // The name is what services use as their host, so it must be a plain hostname.
      {"name", string_check(net::check_upstream_name).required().unique()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"algorithm", Field::string().def("round-robin").one_of(
                        {"consistent-hashing", "least-connections", "round-robin", "latency"})},
      {"hash_on", hash_on()},
      {"hash_fallback", hash_on()},
      {"hash_on_header", typedefs::header_name()},
      {"hash_fallback_header", typedefs::header_name()},
      {"hash_on_cookie", string_check(check_cookie_name)},
      {"hash_on_cookie_path", typedefs::path().def("/")},
      {"hash_on_query_arg", simple_param()},
      {"hash_fallback_query_arg", simple_param()},
      {"hash_on_uri_capture", simple_param()},
      {"hash_fallback_uri_capture", simple_param()},
      {"slots", Field::integer().def(10000).between(10, 65536)},
      {"healthchecks", healthchecks()},
      {"tags", typedefs::tags()},
      {"host_header", typedefs::host_with_optional_port()},
      {"client_certificate", Field::foreign("certificates")},
      {"use_srv_name", Field::boolean().def(false)},
  };
  s.entity_checks = {
      requires_when("hash_on", "header", "hash_on_header"),
      requires_when("hash_fallback", "header", "hash_fallback_header"),
      // Both primary and fallback cookie hashing read the one cookie name.
      requires_when("hash_on", "cookie", "hash_on_cookie"),
      requires_when("hash_fallback", "cookie", "hash_on_cookie"),
      // Nothing to fall back from when not hashing; a cookie is always there (Kong sets it).
      fallback_one_of("none", {"none"}),
      fallback_one_of("cookie", {"none"}),
      // Falling back to the same input would hash identically.
      fallback_one_of("consumer", {"none", "ip", "header", "cookie", "path", "query_arg", "uri_capture"}),
      fallback_one_of("ip", {"none", "consumer", "header", "cookie", "path", "query_arg", "uri_capture"}),
      fallback_one_of("path", {"none", "consumer", "header", "cookie", "query_arg", "ip", "uri_capture"}),
      EntityCheck::distinct({"hash_on_header", "hash_fallback_header"}),
      requires_when("hash_on", "query_arg", "hash_on_query_arg"),
      requires_when("hash_fallback", "query_arg", "hash_fallback_query_arg"),
      EntityCheck::distinct({"hash_on_query_arg", "hash_fallback_query_arg"}),
      requires_when("hash_on", "uri_capture", "hash_on_uri_capture"),
      requires_when("hash_fallback", "uri_capture", "hash_fallback_uri_capture"),
      EntityCheck::distinct({"hash_on_uri_capture", "hash_fallback_uri_capture"}),
  };
  s.shorthand_fields = {
      ShorthandField{"algorithm", Field::string(), algorithm_shorthand},
      ShorthandField{"hash_on", Field::string(), hash_on_shorthand},
  };
  return s;
}

}  // namespace kongdb::schema::entities
