// Core entity schemas checked against Kong's own unit specs
// (spec/01-unit/01-db/01-schema/{05-services,06-routes,08-targets,09-upstreams,11-snis,
// 14-consumers,15-workspaces}_spec.lua), messages verbatim.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kongdb/core/json.h"
#include "kongdb/schema/registry.h"
#include "kongdb/schema/schema.h"
#include "schema/entities/entities.h"

namespace kongdb::schema {
namespace {

Value J(std::string_view text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? *v : Value();
}

std::string show(const std::optional<Value>& v) { return v ? json::encode(*v) : "<none>"; }

// The core schemas with their foreign references wired up, as the registry would.
struct Core {
  Schema certificates = entities::certificates();
  Schema services = entities::services();
  Schema routes = entities::routes();
  Schema upstreams = entities::upstreams();
  Schema targets = entities::targets();
  Schema snis = entities::snis();
  Schema consumers = entities::consumers();
  Schema workspaces = entities::workspaces();
  Schema tags = entities::tags();
  Schema ca_certificates = entities::ca_certificates();

  Core() {
    services.field("client_certificate")->foreign_schema_ = &certificates;
    routes.field("service")->foreign_schema_ = &services;
    upstreams.field("client_certificate")->foreign_schema_ = &certificates;
    targets.field("upstream")->foreign_schema_ = &upstreams;
    snis.field("certificate")->foreign_schema_ = &certificates;
  }
};

const Core& core() {
  static const Core c;
  return c;
}

Value processed(const Schema& s, const Value& input, Context ctx = Context::Insert) {
  auto p = s.process_auto_fields(input, ctx);
  EXPECT_TRUE(p.has_value()) << "process_auto_fields failed: " << (p ? "" : json::encode(p.error()));
  return p ? p->data : Value();
}

// Kong's `validate(process_auto_fields(input, "insert"))`.
std::optional<Value> insert_errors(const Schema& s, const Value& input) {
  return s.validate(processed(s, input));
}

#define EXPECT_VALID(errs) EXPECT_FALSE(errs.has_value()) << show(errs)
#define EXPECT_ERRORS(errs, expected_json)                        \
  do {                                                            \
    auto e_ = (errs);                                             \
    ASSERT_TRUE(e_.has_value()) << "expected " << expected_json;  \
    EXPECT_TRUE(*e_ == J(expected_json))                          \
        << json::encode(*e_) << "\n  vs " << expected_json;      \
  } while (0)

const char* kServiceRef = R"({"id":"a4fbd24e-6a52-4937-bd78-2536713072d2"})";

// ---------------------------------------------------------------------------
// services
// ---------------------------------------------------------------------------

TEST(Services, ProducesDefaults) {
  Value s = processed(core().services, J(R"({"host":"www.example.com"})"));
  EXPECT_VALID(core().services.validate(s));
  EXPECT_TRUE(s.find("id")->is_string());
  EXPECT_TRUE(s.find("name")->is_null());
  EXPECT_EQ(*s.find("protocol"), Value("http"));
  EXPECT_EQ(*s.find("port"), Value(80));
  EXPECT_TRUE(s.find("path")->is_null());
  EXPECT_EQ(*s.find("retries"), Value(5));
  EXPECT_EQ(*s.find("connect_timeout"), Value(60000));
  EXPECT_EQ(*s.find("write_timeout"), Value(60000));
  EXPECT_EQ(*s.find("read_timeout"), Value(60000));
  EXPECT_EQ(*s.find("enabled"), Value(true));
  EXPECT_TRUE(s.find("tls_verify_depth")->is_null());
}

TEST(Services, ValidService) {
  EXPECT_VALID(insert_errors(core().services, J(R"({"id":"cbb297c0-a956-486d-ad1d-f9b42df9465a",
      "name":"my_service","protocol":"http","host":"example.com","port":80,"path":"/foo",
      "connect_timeout":50,"write_timeout":100,"read_timeout":100})")));
}

TEST(Services, ProtocolAndHostAndRetries) {
  auto e = insert_errors(core().services, J(R"({"protocol":null})"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->find("protocol"));
  auto u = core().services.validate_update(processed(core().services, J(R"({"protocol":null})"), Context::Update));
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->find("protocol"));
  e = insert_errors(core().services, J(R"({"protocol":"ftp","host":"x.y"})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("protocol"),
            Value("expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp"));
  e = insert_errors(core().services, J("{}"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("host"), Value("required field missing"));
  EXPECT_ERRORS(insert_errors(core().services, J(R"({"host":"x.y","retries":-1})")),
                R"({"retries":"value should be between 0 and 32767"})");
  EXPECT_ERRORS(insert_errors(core().services, J(R"({"host":"x.y","retries":10000000000})")),
                R"({"retries":"value should be between 0 and 32767"})");
}

TEST(Services, TimeoutsMustBeNonZero) {
  auto e = core().services.validate(J(R"({"host":"example.com","port":80,"protocol":"https",
      "connect_timeout":0,"read_timeout":0,"write_timeout":0})"));
  ASSERT_TRUE(e);
  for (const char* f : {"connect_timeout", "read_timeout", "write_timeout"}) {
    EXPECT_EQ(*e->find(f), Value("value should be between 1 and 2147483646")) << f;
  }
  EXPECT_VALID(core().services.validate(J(R"({"host":"example.com","port":80,"protocol":"https",
      "connect_timeout":1,"read_timeout":10,"write_timeout":100,"enabled":true})")));
}

TEST(Services, HostAttribute) {
  auto e = core().services.validate(J(R"({"host":""})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("host"), Value("length must be at least 1"));
  for (const char* h : {"/example", ".example", "example:", "mock;bin", "example.com/org",
                        "example-.org", "example.org-", "hello..example.com", "hello-.example.com",
                        "*example.com", "www.example*", "mock*bin.com"}) {
    Value in = Value::object({{"host", h}});
    auto err = core().services.validate(in);
    ASSERT_TRUE(err) << h;
    EXPECT_EQ(*err->find("host"), Value(std::string("invalid value: ") + h)) << h;
  }
  for (const char* h : {"example.com:80", "example.com:1000000"}) {
    auto err = core().services.validate(Value::object({{"host", h}}));
    ASSERT_TRUE(err) << h;
    EXPECT_EQ(*err->find("host"), Value("must not have a port")) << h;
  }
  for (const char* h : {"hello.com", "1991.io", "HELLO.com", "example.123", "example_api.com",
                        "localhost", "example.test.", "3B-ww4c5e180e575a65lsy2b", "d9juau41awczczp"}) {
    EXPECT_VALID(core().services.validate(
        Value::object({{"protocol", "http"}, {"host", h}, {"port", 80}, {"enabled", true}})));
  }
}

TEST(Services, NameAttribute) {
  auto e = core().services.validate(J(R"({"name":false})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("name"), Value("expected a string"));
  e = core().services.validate(J(R"({"name":""})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("name"), Value("length must be at least 1"));
  e = core().services.validate(J(R"({"name":"examp:le","host":"x.y"})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("name"),
            Value("invalid value 'examp:le': the only accepted ascii characters are alphanumerics "
                  "or ., -, _, and ~"));
  for (const char* n : {"example", "~3..x4~.M-p~1__3_", "孔", "Конг", "🦍"}) {
    EXPECT_VALID(core().services.validate(Value::object(
        {{"protocol", "http"}, {"host", "example.com"}, {"port", 80}, {"name", n}, {"enabled", true}})));
  }
}

TEST(Services, StreamAndGrpcProtocolsHaveNoPath) {
  for (const char* p : {"tcp", "tls", "udp", "grpc", "grpcs"}) {
    EXPECT_VALID(core().services.validate(
        Value::object({{"protocol", p}, {"host", "x.y"}, {"port", 80}, {"enabled", true}})));
    EXPECT_ERRORS(core().services.validate(Value::object(
                      {{"protocol", p}, {"host", "x.y"}, {"port", 80}, {"path", "/"}, {"enabled", true}})),
                  R"({"path":"value must be null",
                      "@entity":["failed conditional validation given value of field 'protocol'"]})");
  }
}

TEST(Services, TlsFieldsOnlyWithHttpsOrTls) {
  for (const char* f : {"tls_verify", "tls_verify_depth", "ca_certificates", "client_certificate"}) {
    Value v = std::string(f) == "tls_verify"         ? Value(true)
              : std::string(f) == "tls_verify_depth" ? Value(3)
              : std::string(f) == "ca_certificates"
                  ? Value::array({"cbb297c0-a956-486d-ad1d-f9b42df9465a"})
                  : J(R"({"id":"cbb297c0-a956-486d-ad1d-f9b42df9465a"})");
    Value http = processed(core().services, Value::object({{"host", "x.y"}, {f, v}}));
    auto e = core().services.validate(http);
    ASSERT_TRUE(e) << f;
    EXPECT_EQ(*e->find(f), Value("value must be null")) << f;
    EXPECT_EQ(*e->find("@entity"),
              Value::array({"failed conditional validation given value of field 'protocol'"}));
    for (const char* p : {"https", "tls"}) {
      Value ok = processed(core().services, Value::object({{"host", "x.y"}, {"protocol", p}, {f, v}}));
      EXPECT_VALID(core().services.validate(ok));
    }
  }
  EXPECT_ERRORS(insert_errors(core().services,
                              J(R"({"host":"x.y","protocol":"https","tls_verify_depth":65})")),
                R"({"tls_verify_depth":"value should be between 0 and 64"})");
  EXPECT_ERRORS(insert_errors(core().services,
                              J(R"({"host":"x.y","protocol":"https","ca_certificates":["nope"]})")),
                R"({"ca_certificates":["expected a valid UUID"]})");
}

struct UrlCase {
  const char* url;
  const char* protocol;
  Value host;
  Value port;
  Value path;
};

TEST(Services, UrlShorthand) {
  const UrlCase cases[] = {
      {"http://example.com", "http", "example.com", 80, Value()},
      {"https://example.com", "https", "example.com", 443, Value()},
      {"http://example.com:8080/p", "http", "example.com", 8080, "/p"},
      {"https://example.com:8443/a/b", "https", "example.com", 8443, "/a/b"},
      {"http://example.com:443", "http", "example.com", 443, Value()},
      {"example.com:443", "example.com", Value(), 80, "443"},  // scheme "example.com", path "443"
      {"//example.com:443/x", "https", "example.com", 443, "/x"},
      {"//example.com:80", "http", "example.com", 80, Value()},
      {"//example.com:8000", "http", "example.com", 8000, Value()},
      {"//example.com", "http", "example.com", 80, Value()},
      {"tcp://10.0.0.1:5432", "tcp", "10.0.0.1", 5432, Value()},
      {"grpcs://example.com", "grpcs", "example.com", 80, Value()},
      {"http://[::1]:8080/", "http", "::1", 8080, "/"},
      {"http://user:pw@example.com/path?q=1#f", "http", "example.com", 80, "/path"},
      {"/just/a/path", "http", Value(), 80, "/just/a/path"},
  };
  for (const UrlCase& c : cases) {
    Value s = processed(core().services, Value::object({{"url", c.url}}));
    EXPECT_EQ(s.find("url"), nullptr) << c.url;
    EXPECT_TRUE(*s.find("protocol") == Value(c.protocol)) << c.url << " " << s.find("protocol")->to_lua_string();
    EXPECT_TRUE(*s.find("host") == c.host) << c.url << " host=" << s.find("host")->to_lua_string();
    EXPECT_TRUE(*s.find("port") == c.port) << c.url << " port=" << s.find("port")->to_lua_string();
    EXPECT_TRUE(*s.find("path") == c.path) << c.url << " path=" << s.find("path")->to_lua_string();
  }
}

TEST(Services, UrlShorthandValidation) {
  // A url is only sugar: the expanded fields are validated as usual.
  EXPECT_VALID(insert_errors(core().services, J(R"({"url":"https://example.com:8443/p"})")));
  EXPECT_ERRORS(insert_errors(core().services, J(R"({"url":"ftp://example.com"})")),
                R"({"protocol":"expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp"})");
  EXPECT_ERRORS(insert_errors(core().services, J(R"({"url":"http://example.com:99999"})")),
                R"({"port":"value should be between 0 and 65535"})");
  EXPECT_ERRORS(insert_errors(core().services, J(R"({"url":"http://example.com:abc"})")),
                R"({"port":"expected an integer"})");
  EXPECT_ERRORS(insert_errors(core().services, J(R"({"url":"tcp://example.com/p"})")),
                R"({"path":"value must be null",
                    "@entity":["failed conditional validation given value of field 'protocol'"]})");
  // The shorthand itself must be a string.
  auto p = core().services.process_auto_fields(J(R"({"url":42})"), Context::Insert);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error(), J(R"({"url":"expected a string"})"));
  // The url overrides explicitly given fields.
  Value s = processed(core().services, J(R"({"url":"https://a.test","port":1234})"));
  EXPECT_EQ(*s.find("port"), Value(443));
}

// ---------------------------------------------------------------------------
// routes
// ---------------------------------------------------------------------------

std::optional<Value> route_errors(const Value& input) { return insert_errors(core().routes, input); }

TEST(Routes, ValidRoute) {
  Value r = processed(core().routes, J(R"({"id":"cbb297c0-a956-486d-ad1d-f9b42df9465a",
      "name":"my_route","protocols":["http"],"methods":["GET","POST"],"hosts":["example.com"],
      "headers":{"location":["location-1"]},"paths":["/ovo"],"regex_priority":1,
      "strip_path":false,"preserve_host":true,
      "service":{"id":"64a8670b-900f-44e7-a900-6ec7ef5aa4d3"}})"));
  EXPECT_TRUE(r.find("created_at")->is_integer());
  EXPECT_EQ(*r.find("created_at"), *r.find("updated_at"));
  EXPECT_VALID(core().routes.validate(r));
  EXPECT_EQ(*r.find("strip_path"), Value(false));
}

TEST(Routes, ServiceIsOptional) {
  EXPECT_VALID(route_errors(J(R"({"service":null,"paths":["/"]})")));
  EXPECT_VALID(route_errors(J(R"({"paths":["/"]})")));
  auto e = route_errors(J(R"({"service":{"id":null},"paths":["/"]})"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->find("service"));
  e = route_errors(J(R"({"protocols":["http"],"paths":["/foo"],"service":{"id":"blergh"}})"));
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->find("service"));
  EXPECT_EQ(*e->find("service"), J(R"({"id":"expected a valid UUID"})"));
}

TEST(Routes, ProducesDefaults) {
  Value r = processed(core().routes, J(R"({"protocols":["http"],
      "service":{"id":"5abfe322-9fc1-4e0e-bfa3-007f5b9ac4b4"},"paths":["/foo"]})"));
  EXPECT_VALID(core().routes.validate(r));
  EXPECT_TRUE(r.find("name")->is_null());
  EXPECT_EQ(*r.find("protocols"), J(R"(["http"])"));
  EXPECT_TRUE(r.find("methods")->is_null());
  EXPECT_TRUE(r.find("hosts")->is_null());
  EXPECT_TRUE(r.find("headers")->is_null());
  EXPECT_EQ(*r.find("paths"), J(R"(["/foo"])"));
  EXPECT_EQ(*r.find("regex_priority"), Value(0));
  EXPECT_EQ(*r.find("strip_path"), Value(true));
  EXPECT_EQ(*r.find("preserve_host"), Value(false));
  EXPECT_EQ(*r.find("request_buffering"), Value(true));
  EXPECT_EQ(*r.find("response_buffering"), Value(true));
  EXPECT_EQ(*r.find("https_redirect_status_code"), Value(426));
  EXPECT_EQ(*r.find("path_handling"), Value("v0"));
  // Without protocols the default is {"http","https"}.
  Value d = processed(core().routes, J(R"({"paths":["/"]})"));
  EXPECT_EQ(*d.find("protocols"), J(R"(["http","https"])"));
}

TEST(Routes, ProtocolsAttribute) {
  auto e = route_errors(J(R"({"protocols":null})"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->find("protocols"));
  e = route_errors(J(R"({"protocols":[]})"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->find("protocols"));
  e = route_errors(J(R"({"protocols":["ftp"]})"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->find("protocols"));
  const std::pair<const char*, const char*> conflicts[] = {
      {R"(["http","tcp"])", "('http', 'https'), ('tcp', 'tls', 'udp')"},
      {R"(["http","tls"])", "('http', 'https'), ('tcp', 'tls', 'udp')"},
      {R"(["https","tcp"])", "('http', 'https'), ('tcp', 'tls', 'udp')"},
      {R"(["https","tls"])", "('http', 'https'), ('tcp', 'tls', 'udp')"},
  };
  for (const auto& [protocols, sets] : conflicts) {
    Value in = Value::object({{"protocols", J(protocols)}});
    auto err = route_errors(in);
    ASSERT_TRUE(err) << protocols;
    EXPECT_EQ(*err->find("protocols"), Value(std::string("these sets are mutually exclusive: ") + sets));
  }
  EXPECT_ERRORS(route_errors(J(R"({"snis":["foo.grpc.test"],"protocols":["tls","tls_passthrough"],
                                   "service":{"id":"a4fbd24e-6a52-4937-bd78-2536713072d2"}})")),
                R"j({"protocols":"these sets are mutually exclusive: ('tcp', 'tls', 'udp'), ('tls_passthrough')"})j");
  EXPECT_ERRORS(route_errors(J(R"({"protocols":["http"],"paths":["/"],"https_redirect_status_code":404})")),
                R"({"https_redirect_status_code":"expected one of: 426, 301, 302, 307, 308"})");
}

TEST(Routes, MissingL7MatchingAttributes) {
  EXPECT_ERRORS(route_errors(J(R"({"protocols":["http"]})")),
                R"({"@entity":["must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"]})");
  EXPECT_ERRORS(route_errors(J(R"({"protocols":["https"]})")),
                R"({"@entity":["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"]})");
  EXPECT_ERRORS(route_errors(J(R"({"protocols":["http","https"]})")),
                R"({"@entity":["must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'"]})");
  EXPECT_ERRORS(route_errors(J(R"({"protocols":["grpc"]})")),
                R"({"@entity":["must set one of 'hosts', 'headers', 'paths' when 'protocols' is 'grpc'"]})");
  EXPECT_ERRORS(route_errors(J(R"({"protocols":["grpcs"]})")),
                R"({"@entity":["must set one of 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'grpcs'"]})");
  for (const char* one : {R"({"methods":["GET"]})", R"({"hosts":["x.y"]})", R"({"paths":["/foo"]})",
                          R"({"headers":{"location":["location-1"]}})"}) {
    Value in = J(one);
    in.as_object().set("protocols", J(R"(["http"])"));
    in.as_object().set("service", J(kServiceRef));
    EXPECT_VALID(route_errors(in)) << one;
  }
  EXPECT_VALID(route_errors(J(R"({"protocols":["https"],"snis":["example.org"]})")));
  EXPECT_VALID(route_errors(J(R"({"protocols":["grpcs"],"snis":["example.org"]})")));
}

TEST(Routes, MissingL4MatchingAttributes) {
  for (const char* p : {"tcp", "tls", "udp"}) {
    EXPECT_ERRORS(route_errors(Value::object({{"protocols", Value::array({p})}, {"service", J(kServiceRef)}})),
                  R"({"@entity":["must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'"]})");
  }
  EXPECT_ERRORS(route_errors(J(R"({"sources":[{"ip":"127.0.0.1"}],"protocols":["tls_passthrough"]})")),
                R"({"@entity":["must set snis when 'protocols' is 'tls_passthrough'"]})");
  EXPECT_VALID(route_errors(J(R"({"snis":["example.org"],"protocols":["tls_passthrough"]})")));
}

TEST(Routes, StreamRoutesRejectL7Attributes) {
  const std::pair<const char*, const char*> attrs[] = {
      {"paths", R"(["/"])"},
      {"methods", R"(["GET"])"},
      {"hosts", R"(["x.y"])"},
      {"headers", R"({"location":["l"]})"},
  };
  for (const char* p : {"tcp", "tls", "udp", "tls_passthrough"}) {
    for (const auto& [attr, value] : attrs) {
      Value in = Value::object({{"protocols", Value::array({p})},
                                {"sources", J(R"([{"ip":"127.0.0.1"}])")},
                                {"snis", J(R"(["example.org"])")},
                                {attr, J(value)}});
      if (std::string(p) == "tcp" || std::string(p) == "udp") in.as_object().erase("snis");
      if (std::string(p) == "tls_passthrough") in.as_object().erase("sources");
      auto e = route_errors(in);
      ASSERT_TRUE(e) << p << " " << attr;
      EXPECT_EQ(*e, Value::object({{attr, std::string("cannot set '") + attr +
                                              "' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'"}}))
          << show(e);
    }
  }
}

TEST(Routes, HttpRoutesRejectL4Attributes) {
  for (const char* attr : {"sources", "destinations"}) {
    for (const char* p : {"http", "https"}) {
      Value in = Value::object({{"protocols", Value::array({p})}, {"paths", J(R"(["/"])")},
                                {attr, J(R"([{"ip":"127.0.0.1"}])")}});
      EXPECT_ERRORS(route_errors(in), std::string(R"({")") + attr + R"(":"cannot set ')" + attr +
                                          R"(' when 'protocols' is 'http' or 'https'"})");
    }
  }
}

TEST(Routes, GrpcRestrictions) {
  for (const char* p : {"grpc", "grpcs"}) {
    Value in = Value::object({{"methods", "GET"}, {"paths", J(R"(["/foo"])")},
                              {"protocols", Value::array({p})}, {"service", J(kServiceRef)}});
    EXPECT_ERRORS(route_errors(in), R"({"methods":"cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'"})");
    in = Value::object({{"hosts", J(R"(["foo.grpc.test"])")}, {"protocols", Value::array({p})},
                        {"strip_path", true}, {"service", J(kServiceRef)}});
    EXPECT_ERRORS(route_errors(in),
                  R"({"strip_path":"cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'"})");
    for (const char* attr : {"sources", "destinations"}) {
      in = Value::object({{"hosts", J(R"(["foo.grpc.test"])")}, {"protocols", Value::array({p})},
                          {attr, J(R"([{"port":80}])")}});
      EXPECT_ERRORS(route_errors(in), std::string(R"({")") + attr + R"(":"cannot set ')" + attr +
                                          R"(' when 'protocols' is 'grpc' or 'grpcs'"})");
    }
    // strip_path defaults to false for grpc routes.
    Value r = processed(core().routes, Value::object({{"protocols", Value::array({p})},
                                                      {"hosts", J(R"(["foo.grpc.test"])")}}));
    EXPECT_EQ(*r.find("strip_path"), Value(false));
    EXPECT_VALID(core().routes.validate(r));
  }
}

TEST(Routes, SnisOnlyWithTlsProtocols) {
  EXPECT_ERRORS(route_errors(J(R"({"protocols":["tcp","udp"],"snis":["example.org"],
                                   "service":{"id":"a4fbd24e-6a52-4937-bd78-2536713072d2"}})")),
                R"({"@entity":["'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"],
                    "snis":"length must be 0"})");
  EXPECT_ERRORS(route_errors(J(R"({"protocols":["http"],"paths":["/"],"snis":["example.org"]})")),
                R"({"@entity":["'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"],
                    "snis":"length must be 0"})");
  for (const char* p : {"tls", "https", "grpcs"}) {
    for (const char* sni : {"example.org", "www.example.org", "*.example.org", "*.foo.bar.test",
                            "example.*", "foo.bar.*"}) {
      EXPECT_VALID(route_errors(Value::object({{"protocols", Value::array({p})},
                                               {"snis", Value::array({sni})},
                                               {"service", J(kServiceRef)}})))
          << p << " " << sni;
    }
  }
  auto e = route_errors(J(R"({"protocols":["tcp","tls"],"snis":["127.0.0.1"]})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("snis"), J(R"(["must not be an IP"])"));
  e = route_errors(J(R"({"protocols":["tcp","tls"],"snis":["example.org:80"]})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("snis"), J(R"(["must not have a port"])"));
  for (const char* sni : {"foo.*.test", "foo*.test"}) {
    EXPECT_ERRORS(route_errors(Value::object({{"protocols", J(R"(["https"])")}, {"snis", Value::array({sni})}})),
                  R"({"snis":["wildcard must be leftmost or rightmost character"]})");
  }
}

TEST(Routes, SourcesAndDestinations) {
  for (const char* attr : {"sources", "destinations"}) {
    for (const char* p : {"tcp", "tls", "udp"}) {
      auto with = [&](const char* endpoints) {
        return Value::object({{"protocols", Value::array({p})}, {attr, J(endpoints)},
                              {"service", J(kServiceRef)}});
      };
      Value r = processed(core().routes, with(R"([{"ip":"127.0.0.1"},{"ip":"127.75.78.72","port":8000}])"));
      EXPECT_VALID(core().routes.validate(r));
      EXPECT_EQ(r.find(attr)->as_array()[0], J(R"({"ip":"127.0.0.1","port":null})"));
      r = processed(core().routes, with(R"([{"port":8000}])"));
      EXPECT_VALID(core().routes.validate(r));
      EXPECT_EQ(r.find(attr)->as_array()[0], J(R"({"ip":null,"port":8000})"));
      EXPECT_ERRORS(route_errors(with(R"([{"ip":"127.0.0.1"},{"ip":"127.75.78.72","port":65536}])")),
                    std::string(R"({")") + attr + R"(":[null,{"port":"value should be between 0 and 65535"}]})");
      for (const char* ip : {"127.", ":::1", "-1", "localhost", "foo", "f", "example.org", "1/0",
                             "0.0.0.0/33", "::/129", "0.0.0.0/a"}) {
        auto e = route_errors(with((std::string(R"([{"ip":")") + ip + R"("}])").c_str()));
        ASSERT_TRUE(e) << ip;
        EXPECT_EQ(e->find(attr)->as_array()[0],
                  Value::object({{"ip", std::string("invalid ip or cidr range: '") + ip + "'"}}))
            << show(e);
      }
      for (const char* ip : {"0.0.0.0/0", "::/0", "0.0.0.0/32", "::/128"}) {
        EXPECT_VALID(route_errors(with((std::string(R"([{"ip":")") + ip + R"("}])").c_str()))) << ip;
      }
      EXPECT_ERRORS(route_errors(with(R"([{}])")),
                    std::string(R"({")") + attr +
                        R"(":[{"@entity":["at least one of these fields must be non-empty: 'ip', 'port'"]}]})");
    }
  }
}

TEST(Routes, HostsAttribute) {
  auto hosts = [](Value h) { return Value::object({{"protocols", J(R"(["http"])")}, {"hosts", std::move(h)}}); };
  // Unprocessed input: like Kong's spec, only the field under test is asserted.
  EXPECT_EQ(*core().routes.validate(hosts(J("[false]")))->find("hosts"), J(R"(["expected a string"])"));
  EXPECT_EQ(*core().routes.validate(hosts(J(R"([""])")))->find("hosts"), J(R"(["length must be at least 1"])"));
  for (const char* h : {"/example", ".example", "example:", "mock;bin", "example.com/org", "example-.org",
                        "example.org-", "hello..example.com", "hello-.example.com"}) {
    auto e = core().routes.validate(hosts(Value::array({h})));
    ASSERT_TRUE(e) << h;
    EXPECT_EQ(*e->find("hosts"), Value::array({std::string("invalid hostname: ") + h}));
  }
  EXPECT_ERRORS(route_errors(hosts(J(R"(["*.example.*"])"))),
                R"({"hosts":["invalid wildcard: must have at most one wildcard"]})");
  EXPECT_ERRORS(route_errors(hosts(J(R"(["foo.*.com"])"))),
                R"({"hosts":["invalid wildcard: must be placed at leftmost or rightmost label"]})");
  for (const char* h : {"*.example.com", "example.*", "example.com:8080", "127.0.0.1", "[::1]:80"}) {
    EXPECT_VALID(route_errors(hosts(Value::array({h})))) << h;
  }
}

TEST(Routes, HeadersAttribute) {
  auto headers = [](Value h) { return Value::object({{"protocols", J(R"(["http"])")}, {"headers", std::move(h)}}); };
  for (const char* h : {"host", "Host", "HoSt"}) {
    EXPECT_ERRORS(route_errors(headers(Value::object({{h, J(R"(["example.com"])")}}))),
                  R"({"headers":"cannot contain 'host' header, which must be specified in the 'hosts' attribute"})");
  }
  EXPECT_ERRORS(route_errors(headers(J(R"({"location":true})"))), R"({"headers":"expected an array"})");
  EXPECT_ERRORS(route_errors(headers(J(R"({"location":[true]})"))), R"({"headers":["expected a string"]})");
  EXPECT_ERRORS(route_errors(headers(J(R"({"location":[""]})"))), R"({"headers":["length must be at least 1"]})");
  EXPECT_ERRORS(route_errors(headers(J(R"({"x y":["a"]})"))),
                R"({"headers":"bad header name 'x y', allowed characters are A-Z, a-z, 0-9, '_', and '-'"})");
}

TEST(Routes, MethodsPathsNameAttributes) {
  auto e = route_errors(J(R"({"protocols":["http"],"methods":["get"]})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("methods"), J(R"(["invalid value: get"])"));
  e = route_errors(J(R"({"protocols":["http"],"paths":["foo"]})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("paths"), J(R"j(["should start with: / (fixed path) or ~/ (regex path)"])j"));
  e = route_errors(J(R"({"protocols":["http"],"paths":["/foo//bar"]})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("paths"), J(R"(["must not have empty segments"])"));
  e = route_errors(J(R"({"protocols":["http"],"paths":["/"],"path_handling":"v2"})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("path_handling"), Value("expected one of: v0, v1"));
  e = route_errors(J(R"({"protocols":["http"],"paths":["/"],"name":"a b"})"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->find("name"));
  EXPECT_VALID(route_errors(J(R"({"protocols":["http"],"paths":["~/\\/*/user$"],"path_handling":"v1"})")));
}

TEST(Routes, ExpressionsFieldsAreUnknownInTraditionalCompatible) {
  Value r = processed(core().routes, J(R"j({"protocols":["http"],"hosts":["example.com"],
      "expression":"(http.method == \"GET\")","priority":100})j"));
  EXPECT_ERRORS(core().routes.validate(r), R"({"expression":"unknown field","priority":"unknown field"})");
}

TEST(Routes, Metadata) {
  const Schema& r = core().routes;
  EXPECT_EQ(r.subschema_key, "protocols");
  EXPECT_EQ(r.subschemas.size(), 8u);
  EXPECT_TRUE(r.workspaceable);
  EXPECT_EQ(r.endpoint_key, "name");
  EXPECT_EQ(r.field("service")->reference_, "services");
  EXPECT_EQ(r.field("service")->on_delete_, std::nullopt);  // restrict
}

// ---------------------------------------------------------------------------
// upstreams
// ---------------------------------------------------------------------------

std::optional<Value> upstream_errors(const Value& in) { return insert_errors(core().upstreams, in); }

const char* kHealthchecksDefault = R"({
  "active": {
    "type": "http", "timeout": 1, "concurrency": 10, "http_path": "/",
    "https_verify_certificate": true,
    "healthy": {"interval": 0, "http_statuses": [200, 302], "successes": 0},
    "unhealthy": {"interval": 0, "http_statuses": [429, 404, 500, 501, 502, 503, 504, 505],
                  "tcp_failures": 0, "timeouts": 0, "http_failures": 0}
  },
  "passive": {
    "type": "http",
    "healthy": {"http_statuses": [200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
                                  300, 301, 302, 303, 304, 305, 306, 307, 308], "successes": 0},
    "unhealthy": {"http_statuses": [429, 500, 503], "tcp_failures": 0, "timeouts": 0, "http_failures": 0}
  }
})";

TEST(Upstreams, ProducesDefaults) {
  Value u = processed(core().upstreams, J(R"({"name":"www.example.com"})"));
  EXPECT_VALID(core().upstreams.validate(u));
  EXPECT_TRUE(u.find("id")->is_string());
  EXPECT_EQ(*u.find("name"), Value("www.example.com"));
  EXPECT_EQ(*u.find("algorithm"), Value("round-robin"));
  EXPECT_EQ(*u.find("hash_on"), Value("none"));
  EXPECT_EQ(*u.find("hash_fallback"), Value("none"));
  EXPECT_EQ(*u.find("hash_on_cookie_path"), Value("/"));
  EXPECT_EQ(*u.find("slots"), Value(10000));
  EXPECT_EQ(*u.find("use_srv_name"), Value(false));
  // Plain-schema processing (Kong's spec uses Schema.new): the record default as declared.
  EXPECT_EQ(json::encode(*u.find("healthchecks")), json::encode(J(kHealthchecksDefault)));
  EXPECT_TRUE(*u.find("healthchecks") == J(kHealthchecksDefault));
}

// Through the registry (Kong's Entity.new): records are required, so the default record is
// itself processed and gains threshold = 0 and the null https_sni / headers.
TEST(Upstreams, EntityDefaultsIncludeNestedFields) {
  static const EntityRegistry reg = EntityRegistry::with_core_entities();
  const Schema* ups = reg.get("upstreams");
  ASSERT_NE(ups, nullptr);
  Value u = processed(*ups, J(R"({"name":"www.example.com"})"));
  EXPECT_VALID(ups->validate(u));
  Value expected = J(kHealthchecksDefault);
  expected.as_object().set("threshold", 0);
  expected.as_object().find("active")->as_object().set("https_sni", Value());
  expected.as_object().find("active")->as_object().set("headers", Value());
  EXPECT_TRUE(*u.find("healthchecks") == expected) << json::encode(*u.find("healthchecks"));
  const Schema* routes = reg.get("routes");
  ASSERT_NE(routes, nullptr);
  EXPECT_VALID(routes->validate(processed(*routes, J(R"({"paths":["/"],"service":{"id":"a4fbd24e-6a52-4937-bd78-2536713072d2"}})"))));
}

TEST(Upstreams, ValidUpstream) {
  EXPECT_VALID(upstream_errors(J(R"({"id":"cbb297c0-a956-486d-ad1d-f9b42df9465a","name":"my_service",
      "hash_on":"header","hash_on_header":"X-Balance","hash_fallback":"cookie","hash_on_cookie":"a_cookie"})")));
  Value u = processed(core().upstreams, J(R"({"name":"www.example.com","use_srv_name":true})"));
  EXPECT_VALID(core().upstreams.validate(u));
  EXPECT_EQ(*u.find("use_srv_name"), Value(true));
}

TEST(Upstreams, NameAttribute) {
  EXPECT_ERRORS(core().upstreams.validate(J("{}")), R"({"name":"required field missing"})");
  const std::pair<const char*, const char*> bad[] = {
      {"1234", "Invalid name ('1234'); must be a valid hostname"},  // digits-only: a malformed IPv4
      {"fafa fafa", "Invalid name ('fafa fafa'); must be a valid hostname"},
      {"192.168.0.1", "Invalid name ('192.168.0.1'); no ip addresses allowed"},
      {"myserver:8000", "Invalid name ('myserver:8000'); no port allowed"},
      {"123.123.123.123", "Invalid name ('123.123.123.123'); no ip addresses allowed"},
  };
  for (const auto& [name, msg] : bad) {
    auto e = upstream_errors(Value::object({{"name", name}}));
    ASSERT_TRUE(e) << name;
    EXPECT_TRUE(*e->find("name") == Value(msg)) << show(e);
  }
}

TEST(Upstreams, HashOnChecks) {
  auto err_field = [](const char* in, const char* field) {
    Value v = J(in);
    v.as_object().set("name", "x.test");
    auto e = upstream_errors(v);
    EXPECT_TRUE(e && e->find(field)) << in << " -> " << show(e);
    return e;
  };
  auto e = err_field(R"({"hash_on":"header"})", "hash_on_header");
  EXPECT_EQ(*e, J(R"({"hash_on_header":"required field missing",
                      "@entity":["failed conditional validation given value of field 'hash_on'"]})"));
  err_field(R"({"hash_on":"consumer","hash_fallback":"header"})", "hash_fallback_header");
  err_field(R"({"hash_on":"cookie"})", "hash_on_cookie");
  err_field(R"({"hash_on":"ip","hash_fallback":"cookie"})", "hash_on_cookie");
  e = err_field(R"({"hash_on":"none","hash_fallback":"header","hash_fallback_header":"X-H"})", "hash_fallback");
  EXPECT_EQ(*e->find("hash_fallback"), Value("expected one of: none"));
  err_field(R"({"hash_on":"cookie","hash_on_cookie":"c","hash_fallback":"header","hash_fallback_header":"X-H"})",
            "hash_fallback");
  for (const char* same : {"consumer", "ip", "path"}) {
    Value in = Value::object({{"name", "x.test"}, {"hash_on", same}, {"hash_fallback", same}});
    auto errs = upstream_errors(in);
    ASSERT_TRUE(errs && errs->find("hash_fallback")) << same;
  }
  err_field(R"({"hash_on":"query_arg"})", "hash_on_query_arg");
  err_field(R"({"hash_on":"ip","hash_fallback":"query_arg"})", "hash_fallback_query_arg");
  err_field(R"({"hash_on":"uri_capture"})", "hash_on_uri_capture");
  err_field(R"({"hash_on":"ip","hash_fallback":"uri_capture"})", "hash_fallback_uri_capture");
  EXPECT_ERRORS(upstream_errors(J(R"({"name":"x.test","hash_on":"query_arg","hash_on_query_arg":"same",
                                      "hash_fallback":"query_arg","hash_fallback_query_arg":"same"})")),
                R"({"@entity":["values of these fields must be distinct: 'hash_on_query_arg', 'hash_fallback_query_arg'"]})");
  EXPECT_ERRORS(upstream_errors(J(R"({"name":"x.test","hash_on":"uri_capture","hash_on_uri_capture":"same",
                                      "hash_fallback":"uri_capture","hash_fallback_uri_capture":"same"})")),
                R"({"@entity":["values of these fields must be distinct: 'hash_on_uri_capture', 'hash_fallback_uri_capture'"]})");
  EXPECT_ERRORS(upstream_errors(J(R"({"name":"x.test","hash_on":"header","hash_on_header":"X-A",
                                      "hash_fallback":"header","hash_fallback_header":"X-A"})")),
                R"({"@entity":["values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'"]})");
  e = err_field(R"({"hash_on":"query_arg","hash_on_query_arg":""})", "hash_on_query_arg");
  EXPECT_EQ(*e->find("hash_on_query_arg"), Value("length must be at least 1"));
  e = err_field(R"({"hash_on_cookie":"a cookie"})", "hash_on_cookie");
  EXPECT_EQ(*e->find("hash_on_cookie"),
            Value("contains one or more invalid characters. ASCII control characters (0-31;127), space, "
                  "tab and the characters ()<>@,;:\\\"/?={}[] are not allowed."));
  e = err_field(R"({"hash_on":"header","hash_on_header":"x y"})", "hash_on_header");
  EXPECT_EQ(*e->find("hash_on_header"),
            Value("bad header name 'x y', allowed characters are A-Z, a-z, 0-9, '_', and '-'"));
}

TEST(Upstreams, AlgorithmShorthands) {
  Value u = processed(core().upstreams, J(R"({"name":"x.test","hash_on":"ip"})"));
  EXPECT_EQ(*u.find("algorithm"), Value("consistent-hashing"));
  u = processed(core().upstreams, J(R"({"name":"x.test","hash_on":"none"})"));
  EXPECT_EQ(*u.find("algorithm"), Value("round-robin"));
  u = processed(core().upstreams, J(R"({"name":"x.test","algorithm":"least-connections"})"));
  EXPECT_EQ(*u.find("algorithm"), Value("least-connections"));
  EXPECT_EQ(*u.find("hash_on"), Value("none"));  // hash_on = null -> "none"
  u = processed(core().upstreams, J(R"({"name":"x.test","algorithm":"latency","hash_on":"ip"})"));
  EXPECT_EQ(*u.find("hash_on"), Value("none"));  // algorithm's shorthand runs first and wins
  EXPECT_EQ(*u.find("algorithm"), Value("latency"));
  u = processed(core().upstreams, J(R"({"name":"x.test","hash_on":null})"));
  EXPECT_EQ(*u.find("hash_on"), Value("none"));
  u = processed(core().upstreams, J(R"({"name":"x.test","algorithm":"round-robin"})"));
  EXPECT_EQ(*u.find("algorithm"), Value("round-robin"));
  EXPECT_EQ(*u.find("hash_on"), Value("none"));
}

TEST(Upstreams, HealthchecksValidation) {
  const char* seconds = "value should be between 0 and 65535";
  const char* pos_integer = "value should be between 1 and 2147483648";
  const char* zero_integer = "value should be between 0 and 255";
  const char* status_code = "value should be between 100 and 999";
  const std::pair<const char*, Value> cases[] = {
      {R"({"active":{"timeout":-1}})", J(std::string(R"({"active":{"timeout":")") + seconds + "\"}}")},
      {R"({"active":{"concurrency":0.5}})", J(R"({"active":{"concurrency":"expected an integer"}})")},
      {R"({"active":{"concurrency":0}})", J(std::string(R"({"active":{"concurrency":")") + pos_integer + "\"}}")},
      {R"({"active":{"http_path":""}})", J(R"({"active":{"http_path":"length must be at least 1"}})")},
      {R"({"active":{"http_path":"ovo"}})", J(R"({"active":{"http_path":"should start with: /"}})")},
      {R"({"active":{"https_sni":"127.0.0.1"}})", J(R"({"active":{"https_sni":"must not be an IP"}})")},
      {R"({"active":{"https_sni":"example.com:1234"}})", J(R"({"active":{"https_sni":"must not have a port"}})")},
      {R"({"active":{"https_sni":"mock;bin"}})", J(R"({"active":{"https_sni":"invalid value: mock;bin"}})")},
      {R"({"active":{"https_verify_certificate":"ovo"}})",
       J(R"({"active":{"https_verify_certificate":"expected a boolean"}})")},
      {R"({"active":{"headers":{"x-header":123}}})", J(R"({"active":{"headers":"expected an array"}})")},
      {R"({"active":{"healthy":{"interval":-1}}})",
       J(std::string(R"({"active":{"healthy":{"interval":")") + seconds + "\"}}}")},
      {R"({"active":{"healthy":{"http_statuses":404}}})",
       J(R"({"active":{"healthy":{"http_statuses":"expected an array"}}})")},
      {R"({"active":{"healthy":{"http_statuses":[99]}}})",
       J(std::string(R"({"active":{"healthy":{"http_statuses":[")") + status_code + "\"]}}}")},
      {R"({"active":{"healthy":{"successes":256}}})",
       J(std::string(R"({"active":{"healthy":{"successes":")") + zero_integer + "\"}}}")},
      {R"({"active":{"unhealthy":{"tcp_failures":-1}}})",
       J(std::string(R"({"active":{"unhealthy":{"tcp_failures":")") + zero_integer + "\"}}}")},
      {R"({"passive":{"unhealthy":{"http_failures":256}}})",
       J(std::string(R"({"passive":{"unhealthy":{"http_failures":")") + zero_integer + "\"}}}")},
      {R"({"passive":{"type":"ftp"}})",
       J(R"({"passive":{"type":"expected one of: tcp, http, https, grpc, grpcs"}})")},
      {R"({"threshold":101})", J(R"({"threshold":"value should be between 0 and 100"})")},
      {R"({"threshold":"50"})", J(R"({"threshold":"expected a number"})")},
  };
  for (const auto& [hc, expected] : cases) {
    Value in = Value::object({{"name", "x.test"}, {"healthchecks", J(hc)}});
    auto e = upstream_errors(in);
    ASSERT_TRUE(e) << hc;
    ASSERT_TRUE(e->find("healthchecks")) << hc << " -> " << show(e);
    EXPECT_EQ(json::encode(*e->find("healthchecks")), json::encode(expected)) << hc;
  }
  EXPECT_VALID(upstream_errors(J(R"({"name":"x.test","healthchecks":{"active":{"headers":{"x-h":["a"]},
      "https_sni":"example.com","healthy":{"interval":5,"successes":2}},"threshold":50}})")));
}

// ---------------------------------------------------------------------------
// targets
// ---------------------------------------------------------------------------

TEST(Targets, TargetAttribute) {
  for (const char* t : {"valid.name", "valid.name:8080", "12.34.56.78", "1.2.3.4:123", "[::1]:80"}) {
    Value in = Value::object({{"target", t}, {"upstream", J(kServiceRef)}});
    EXPECT_VALID(insert_errors(core().targets, in)) << t;
  }
  EXPECT_ERRORS(insert_errors(core().targets, J(R"({"target":"\\\\bad\\\\////name////",
                                                    "upstream":{"id":"a4fbd24e-6a52-4937-bd78-2536713072d2"}})")),
                R"({"target":"Invalid target ('\\\\bad\\\\////name////'); not a valid hostname or ip address"})");
}

TEST(Targets, DefaultsAndRequired) {
  Value t = processed(core().targets, J(R"({"target":"a.test","upstream":{"id":"a4fbd24e-6a52-4937-bd78-2536713072d2"}})"));
  EXPECT_EQ(*t.find("weight"), Value(100));
  EXPECT_TRUE(t.find("created_at")->is_number());
  EXPECT_ERRORS(insert_errors(core().targets, J("{}")),
                R"({"upstream":"required field missing","target":"required field missing"})");
  EXPECT_ERRORS(insert_errors(core().targets, J(R"({"target":"a.test","weight":65536,
                                                    "upstream":{"id":"a4fbd24e-6a52-4937-bd78-2536713072d2"}})")),
                R"({"weight":"value should be between 0 and 65535"})");
  const Schema& s = core().targets;
  EXPECT_EQ(s.cache_key, (std::vector<std::string>{"upstream", "target"}));
  EXPECT_EQ(s.field("upstream")->on_delete_, "cascade");
}

// ---------------------------------------------------------------------------
// snis
// ---------------------------------------------------------------------------

std::optional<Value> sni_errors(const char* name) {
  return insert_errors(core().snis, Value::object({{"name", name}, {"certificate", J(kServiceRef)}}));
}

TEST(Snis, NameAttribute) {
  for (const char* n : {"valid.name", "foo.valid.name", "*", "*.wildcard.com", "wildcard.*", "test.wildcard.*",
                        "foo.test.wildcard.*", "*.test.wildcard.com"}) {
    EXPECT_VALID(sni_errors(n)) << n;
  }
  for (const char* n : {"foo.*.com", "foo.*.wildcard.com"}) {
    EXPECT_ERRORS(sni_errors(n), R"({"name":"wildcard must be leftmost or rightmost character"})");
  }
  for (const char* n : {"*.example.*", "*.foo.*.wildcard.com", "*.*.wildcard.*"}) {
    EXPECT_ERRORS(sni_errors(n), R"({"name":"only one wildcard must be specified"})");
  }
  for (const char* n : {"*.wildcard.com:8000", "wildcard.*:80", "test.wildcard.*:80", "test.wildcard.com:*"}) {
    auto e = sni_errors(n);
    ASSERT_TRUE(e) << n;
    const Value& m = *e->find("name");
    EXPECT_TRUE(m == Value("must not have a port") || m == Value("invalid value: test.wildcard.com:wildcard") ||
                m == Value("wildcard must be leftmost or rightmost character"))
        << n << " -> " << show(e);
  }
  for (const char* n : {"valid.name:8000", "foo.valid.name:443"}) {
    EXPECT_ERRORS(sni_errors(n), R"({"name":"must not have a port"})");
  }
  for (const char* n : {"127.0.0.1", "10.0.0.1", "10.0.0.1:8001", "::1"}) {
    EXPECT_ERRORS(sni_errors(n), R"({"name":"must not be an IP"})");
  }
  EXPECT_ERRORS(sni_errors("example^com"), R"({"name":"invalid value: example^com"})");
  EXPECT_ERRORS(insert_errors(core().snis, J(R"({"name":"a.test"})")), R"({"certificate":"required field missing"})");
  EXPECT_TRUE(core().snis.field("name")->is(core().snis.field("name")->unique_across_ws_));
}

// ---------------------------------------------------------------------------
// consumers, workspaces, tags, certificates, ca_certificates
// ---------------------------------------------------------------------------

TEST(Consumers, UsernameOrCustomId) {
  for (const char* n : {"example", "EXAMPLE", "exa.mp.le", "~3..x4~.M-p~1__3_", "孔", "Конг", "🦍"}) {
    EXPECT_VALID(core().consumers.validate(Value::object({{"username", n}}))) << n;
  }
  EXPECT_ERRORS(insert_errors(core().consumers, J("{}")),
                R"({"@entity":["at least one of these fields must be non-empty: 'custom_id', 'username'"]})");
  EXPECT_VALID(insert_errors(core().consumers, J(R"({"custom_id":"abc"})")));
  EXPECT_EQ(core().consumers.endpoint_key, "username");
}

TEST(CoreEntities, WorkspacesNames) {
  EXPECT_VALID(insert_errors(core().workspaces, J(R"({"name":"team-a"})")));
  auto e = insert_errors(core().workspaces, J(R"({"name":"routes"})"));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->find("name"),
            Value("must not be one of: workspaces, consumers, certificates, services, routes, snis, upstreams, "
                  "targets, plugins, tags, ca_certificates, clustering_data_planes, parameters, vaults, key_sets, "
                  "keys, filter_chains"));
  EXPECT_ERRORS(insert_errors(core().workspaces, J("{}")), R"({"name":"required field missing"})");
  Value w = processed(core().workspaces, J(R"({"name":"w"})"));
  EXPECT_TRUE(w.find("comment")->is_null());
  EXPECT_FALSE(core().workspaces.workspaceable);
  EXPECT_EQ(core().workspaces.generate_admin_api, false);
}

TEST(CoreEntities, TagsSchema) {
  const Schema& t = core().tags;
  EXPECT_FALSE(t.db_export);
  EXPECT_EQ(t.primary_key, std::vector<std::string>{"tag"});
  EXPECT_ERRORS(t.validate(J(R"({"tag":"a,b","entity_name":"x","entity_id":"nope"})")),
                R"({"tag":"invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences",
                    "entity_id":"expected a valid UUID"})");
}

TEST(Certificates, FieldsAndChecks) {
  EXPECT_ERRORS(insert_errors(core().certificates, J("{}")),
                R"({"cert":"required field missing","key":"required field missing"})");
  const Schema& c = core().certificates;
  EXPECT_TRUE(c.field("snis")->is(c.field("snis")->transient_));
  EXPECT_TRUE(c.field("key")->is(c.field("key")->encrypted_));
  EXPECT_TRUE(c.field("cert")->is(c.field("cert")->referenceable_));
  auto e = insert_errors(c, J(R"({"cert":"junk","key":"junk"})"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->find("cert")->as_string().starts_with("invalid certificate: x509.new: ")) << show(e);
  EXPECT_TRUE(e->find("key")->as_string().starts_with("invalid key: pkey.new:load_key: ")) << show(e);
}

TEST(Certificates, CaCertificatesSchema) {
  const Schema& c = core().ca_certificates;
  EXPECT_FALSE(c.workspaceable);
  EXPECT_EQ(c.transformations.size(), 1u);
  EXPECT_TRUE(c.field("cert_digest")->is_unique());
  EXPECT_ERRORS(insert_errors(c, J("{}")), R"({"cert":"required field missing"})");
  auto r = c.transformations[0].on_write({Value("junk")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "cannot create digest value of certificate");
}

}  // namespace
}  // namespace kongdb::schema
