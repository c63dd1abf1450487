// Provenance: Kong HEAD kong/db/schema/entities/routes.lua and routes_subschemas.lua
// (behaviour only), router_flavor = "traditional_compatible".
#include <memory>

#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/net.h"

namespace kongdb::schema::entities {

namespace {

// --- the route-matching typedefs (typedefs.sources/methods/hosts/router_paths/headers) ---

// An L4 endpoint to match on: an IP (or CIDR), a port, or both.
Field endpoints() {
  Schema endpoint;
  endpoint.fields = {{"ip", typedefs::ip_or_cidr()}, {"port", typedefs::port()}};
  endpoint.entity_checks = {EntityCheck::at_least_one_of({"ip", "port"})};
  return Field::set(Field::record(std::move(endpoint)));
}

Field methods() { return Field::set(typedefs::http_method()); }

// Hosts may carry one '*' label at either end ("*.example.com", "example.*") and a port.
Field hosts() {
  Field host = Field::string()
                   .match_all({{"^[^*]*%*?[^*]*$", "invalid wildcard: must have at most one wildcard"}})
                   .match_any({{"^%*%.", "%.%*$", "^[^*]*$"},
                               "invalid wildcard: must be placed at leftmost or rightmost label"})
                   .custom_validator([](const Value& v, std::string& err) {
                     if (!v.is_string()) return true;
                     auto e = net::check_route_host(v.as_string());
                     if (e) err = *e;
                     return !e;
                   });
  return Field::array(std::move(host));
}

Field router_paths() { return Field::array(typedefs::router_path()); }

Field headers() {
  return Field::map(typedefs::header_name(), Field::array(Field::string()));
}

// The "no_*" typedefs: the field exists but must be null for this protocol family.
Field must_be_null(Field f, std::string err) { return f.eq(Value()).err(std::move(err)); }

// if_match for a set field: every element must satisfy `element`.
Field every_element(Field element) {
  Field f = Field::partial();
  f.elements_ = std::make_shared<Field>(std::move(element));
  return f;
}

EntityCheck at_least_one_of_when(Field if_match, std::vector<std::string> fields,
                                 std::string err) {
  return EntityCheck::conditional_at_least_one_of("protocols", std::move(if_match),
                                                  std::move(fields), std::move(err));
}

// Same, with a fallback rule when `if_match` fails but `else_match` holds.
EntityCheck at_least_one_of_when_else(Field if_match, std::vector<std::string> fields,
                                      std::string err, Field else_match,
                                      std::vector<std::string> else_fields,
                                      std::string else_err) {
  EntityCheck c = at_least_one_of_when(std::move(if_match), std::move(fields), std::move(err));
  c.else_match = std::move(else_match);
  c.else_then_at_least_one_of = std::move(else_fields);
  c.else_then_err = std::move(else_err);
  return c;
}

// --- protocol subschemas ---

// http/https: matched by L7 attributes; L4 endpoints are meaningless.
Schema http_subschema() {
  Schema s;
  s.name = "http";
  s.fields = {
      {"sources", must_be_null(endpoints(), "cannot set 'sources' when 'protocols' is 'http' or 'https'")},
      {"destinations",
       must_be_null(endpoints(), "cannot set 'destinations' when 'protocols' is 'http' or 'https'")},
  };
  s.entity_checks = {at_least_one_of_when_else(
      Field::partial().contains("https"), {"methods", "hosts", "headers", "paths", "snis"},
      "must set one of %s when 'protocols' is 'https'", Field::partial().contains("http"),
      {"methods", "hosts", "headers", "paths"}, "must set one of %s when 'protocols' is 'http'")};
  return s;
}

// tcp/tls/udp/tls_passthrough: matched by L4 endpoints or SNI; no L7 attributes.
Schema stream_subschema() {
  const std::string stream = "when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'";
  Schema s;
  s.name = "tcp";
  s.fields = {
      {"methods", must_be_null(methods(), "cannot set 'methods' " + stream)},
      {"hosts", must_be_null(hosts(), "cannot set 'hosts' " + stream)},
      {"paths", must_be_null(router_paths(), "cannot set 'paths' " + stream)},
      {"headers", must_be_null(headers(), "cannot set 'headers' " + stream)},
  };
  s.entity_checks = {
      at_least_one_of_when(every_element(Field::string().one_of({"tcp", "tls", "udp"})),
                           {"sources", "destinations", "snis"},
                           "must set one of %s when 'protocols' is 'tcp', 'tls' or 'udp'"),
      // Passthrough never terminates TLS, so SNI is the only thing it can match on.
      at_least_one_of_when(every_element(Field::string().one_of({"tls_passthrough"})), {"snis"},
                           "must set snis when 'protocols' is 'tls_passthrough'"),
  };
  return s;
}

// grpc/grpcs: L7 like http but without methods, and the path is the gRPC method name,
// so it can never be stripped.
Schema grpc_subschema() {
  Schema s;
  s.name = "grpc";
  s.fields = {
      {"strip_path", Field::boolean().required().def(false).ne(true).err(
                         "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'")},
      {"methods", must_be_null(methods(), "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'")},
      {"sources", must_be_null(endpoints(), "cannot set 'sources' when 'protocols' is 'grpc' or 'grpcs'")},
      {"destinations",
       must_be_null(endpoints(), "cannot set 'destinations' when 'protocols' is 'grpc' or 'grpcs'")},
  };
  s.entity_checks = {at_least_one_of_when_else(
      Field::partial().contains("grpcs"), {"hosts", "headers", "paths", "snis"},
      "must set one of %s when 'protocols' is 'grpcs'", Field::partial().contains("grpc"),
      {"hosts", "headers", "paths"}, "must set one of %s when 'protocols' is 'grpc'")};
  return s;
}

}  // namespace

Schema routes() {
  Schema s;
  s.name = "routes";
  s.primary_key = {"id"};
  s.endpoint_key = "name";
  s.workspaceable = true;
  s.subschema_key = "protocols";  // the first protocol with a subschema picks it
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"name", typedefs::utf8_name()},
      {"protocols", Field::set(typedefs::protocol())
                        .len_min(1)
                        .required()
                        .mutually_exclusive_subsets(
                            {{"http", "https"}, {"tcp", "tls", "udp"}, {"tls_passthrough"}, {"grpc", "grpcs"}})
                        .def(Value::array({"http", "https"}))},
      {"https_redirect_status_code",
       Field::integer().one_of({426, 301, 302, 307, 308}).def(426).required()},
      {"strip_path", Field::boolean().required().def(true)},
      {"preserve_host", Field::boolean().required().def(false)},
      {"request_buffering", Field::boolean().required().def(true)},
      {"response_buffering", Field::boolean().required().def(true)},
      {"tags", typedefs::tags()},
      {"service", Field::foreign("services")},
      // traditional_compatible uses wildcard hosts for SNIs (traditional would use typedefs.sni).
      {"snis", Field::set(typedefs::wildcard_host())},
      {"sources", endpoints()},
      {"destinations", endpoints()},
      {"methods", methods()},
      {"hosts", hosts()},
      {"paths", router_paths()},
      // The Host header is matched through `hosts`, which knows about wildcards and ports.
      {"headers", Field::map(typedefs::header_name().match_none(
                                 {{"^[Hh][Oo][Ss][Tt]$",
                                   "cannot contain 'host' header, which must be specified in the "
                                   "'hosts' attribute"}}),
                             Field::array(Field::string()))},
      {"regex_priority", Field::integer().def(0)},
      {"path_handling", Field::string().def("v0").one_of({"v0", "v1"})},
  };
  s.entity_checks = {
      // SNIs only exist on TLS-terminated (or passed-through) connections.
      EntityCheck::conditional(
          "protocols",
          every_element(Field::string().not_one_of({"grpcs", "https", "tls", "tls_passthrough"})),
          "snis", Field::partial().len_eq(0),
          "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"),
      // Kong also logs a deprecation for path_handling = "v1" and, for the
      // traditional_compatible flavor, dry-runs the generated ATC expression; neither is
      // reproduced here (see the entities report).
  };

  const std::pair<const char*, Schema (*)()> subschemas[] = {
      {"http", http_subschema},  {"https", http_subschema},
      {"tcp", stream_subschema}, {"tls", stream_subschema},
      {"udp", stream_subschema}, {"tls_passthrough", stream_subschema},
      {"grpc", grpc_subschema},  {"grpcs", grpc_subschema},
  };
  for (const auto& [key, make] : subschemas) {
    auto added = s.new_subschema(key, make());
    (void)added;  // the definitions above only specialise existing fields
  }
  return s;
}

}  // namespace kongdb::schema::entities
