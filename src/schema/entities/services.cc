// Provenance: Kong HEAD kong/db/schema/entities/services.lua (behaviour only).
#include <cmath>

#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/net.h"

namespace kongdb::schema::entities {

namespace {

// Upstream timeouts: 0 would mean "no time at all", so the range starts at 1.
Field nonzero_timeout() { return Field::integer().between(1, 2147483646.0); }

// A Lua number as Kong would hand it over: integral values become integers.
Value lua_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.007199254740992e15) {
    return Value(static_cast<long long>(d));
  }
  return Value(d);
}

// The `url` shorthand: "https://host:port/path" spread over protocol/host/port/path.
Value expand_url(const Value& url) {
  if (!url.is_string()) return Value();
  auto parsed = net::expand_service_url(url.as_string());
  if (!parsed) return Value();  // unparseable: set nothing, validation reports the rest
  Object out;
  out.set("protocol", parsed->protocol);
  out.set("host", parsed->host ? Value(*parsed->host) : Value());
  if (parsed->port) {
    out.set("port", lua_number(*parsed->port));
  } else if (parsed->port_string) {
    out.set("port", *parsed->port_string);  // rejected later as "expected an integer"
  } else {
    out.set("port", Value());
  }
  out.set("path", parsed->path ? Value(*parsed->path) : Value());
  return Value(std::move(out));
}

// TLS-only settings must stay null unless the service speaks https or tls.
EntityCheck null_unless_tls(std::string field) {
  return EntityCheck::conditional("protocol", Field::partial().not_one_of({"https", "tls"}),
                                  std::move(field), Field::partial().eq(Value()));
}

}  // namespace

Schema services() {
  Schema s;
  s.name = "services";
  s.primary_key = {"id"};
  s.workspaceable = true;
  s.endpoint_key = "name";
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"name", typedefs::utf8_name()},
      {"retries", Field::integer().def(5).between(0, 32767)},
      {"protocol", typedefs::protocol().required().def("http")},
      {"host", typedefs::host().required()},
      {"port", typedefs::port().required().def(80)},
      {"path", typedefs::path()},
      {"connect_timeout", nonzero_timeout().def(60000)},
      {"write_timeout", nonzero_timeout().def(60000)},
      {"read_timeout", nonzero_timeout().def(60000)},
      {"tags", typedefs::tags()},
      {"client_certificate", Field::foreign("certificates")},
      {"tls_verify", Field::boolean()},
      {"tls_verify_depth", Field::integer().def(Value()).between(0, 64)},
      {"ca_certificates", Field::array(Field::string().uuid())},
      {"enabled", Field::boolean().required().def(true)},
  };
  s.entity_checks = {
      // Stream and gRPC services have no request path to rewrite.
      EntityCheck::conditional("protocol",
                               Field::partial().one_of({"tcp", "tls", "udp", "grpc", "grpcs"}),
                               "path", Field::partial().eq(Value())),
      null_unless_tls("client_certificate"),
      null_unless_tls("tls_verify"),
      null_unless_tls("tls_verify_depth"),
      null_unless_tls("ca_certificates"),
  };
  s.shorthand_fields = {
      ShorthandField{"url", Field::string(), expand_url},
  };
  return s;
}

}  // namespace kongdb::schema::entities
