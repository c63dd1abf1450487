// The config schemas of the bundled plugins without entities, table-driven against Kong 3.9.1's
// kong/plugins/<name>/schema.lua: inserting a plugin with only its required settings fills
// Kong's defaults, and invalid settings give Kong's error tree.
#include <gtest/gtest.h>

#include "kongdb/core/json.h"
#include "kongdb/schema/bundled_plugins.h"
#include "kongdb/schema/registry.h"

namespace kongdb::schema {
namespace {

Value j(std::string_view text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? *v : Value();
}

const Schema& plugins() {
  static const EntityRegistry reg = EntityRegistry::with_core_entities();
  return *reg.get("plugins");
}

Value processed(const std::string& name, const Value& config) {
  Value input = Value::object({{"name", name}});
  if (!config.is_null()) input.as_object().set("config", config);
  auto r = plugins().process_auto_fields(input, Context::Insert);
  EXPECT_TRUE(r.has_value()) << name << ": " << (r ? "" : json::encode(r.error()));
  return r ? r->data : Value();
}

struct DefaultsCase {
  const char* plugin;
  const char* required_config;  // "" for none
  const char* expected_config;
};

const DefaultsCase kDefaults[] = {
    {"prometheus", "",
     R"j({"per_consumer":false,"status_code_metrics":false,"ai_metrics":false,"latency_metrics":false,
         "bandwidth_metrics":false,"upstream_health_metrics":false})j"},
    {"http-log", R"j({"http_endpoint":"http://example.com/log"})j",
     R"j({"http_endpoint":"http://example.com/log","method":"POST","content_type":"application/json",
         "timeout":10000,"keepalive":60000,"retry_count":null,"queue_size":null,"flush_timeout":null,
         "headers":null,"custom_fields_by_lua":null,
         "queue":{"max_batch_size":1,"max_coalescing_delay":1,"max_entries":10000,"max_bytes":null,
                  "max_retry_time":60,"initial_retry_delay":0.01,"max_retry_delay":60,"concurrency_limit":1}})j"},
    {"file-log", R"j({"path":"/tmp/kong.log"})j",
     R"j({"path":"/tmp/kong.log","reopen":false,"custom_fields_by_lua":null})j"},
    {"tcp-log", R"j({"host":"logs.example.com","port":514})j",
     R"j({"host":"logs.example.com","port":514,"timeout":10000,"keepalive":60000,"tls":false,
         "tls_sni":null,"custom_fields_by_lua":null})j"},
    {"udp-log", R"j({"host":"10.0.0.1","port":514})j",
     R"j({"host":"10.0.0.1","port":514,"timeout":10000,"custom_fields_by_lua":null})j"},
    {"syslog", "",
     R"j({"log_level":"info","successful_severity":"info","client_errors_severity":"info",
         "server_errors_severity":"info","custom_fields_by_lua":null,"facility":"user"})j"},
    {"ip-restriction", R"j({"allow":["10.0.0.0/8"]})j",
     R"j({"allow":["10.0.0.0/8"],"deny":null,"status":null,"message":null})j"},
    {"request-termination", "",
     R"j({"status_code":503,"message":null,"content_type":null,"body":null,"echo":false,"trigger":null})j"},
    {"response-transformer", "",
     R"j({"remove":{"json":[],"headers":[]},"rename":{"json":[],"headers":[]},
         "replace":{"json":[],"json_types":[],"headers":[]},"add":{"json":[],"json_types":[],"headers":[]},
         "append":{"json":[],"json_types":[],"headers":[]}})j"},
    {"correlation-id", "",
     R"j({"header_name":"Kong-Request-ID","generator":"uuid#counter","echo_downstream":false})j"},
    {"request-size-limiting", "",
     R"j({"allowed_payload_size":128,"size_unit":"megabytes","require_content_length":false})j"},
    {"response-ratelimiting", R"j({"limits":{"video":{"minute":10}}})j",
     R"j({"header_name":"x-kong-limit","limit_by":"consumer","policy":"local","fault_tolerant":true,
         "redis":{"host":null,"port":6379,"timeout":2000,"username":null,"password":null,"database":0,
                  "ssl":false,"ssl_verify":false,"server_name":null},
         "block_on_first_violation":false,"hide_client_headers":false,
         "limits":{"video":{"second":null,"minute":10,"hour":null,"day":null,"month":null,"year":null}}})j"},
    {"bot-detection", "", R"j({"allow":[],"deny":[]})j"},
    {"redirect", R"j({"location":"https://example.com"})j",
     R"j({"status_code":301,"location":"https://example.com","keep_incoming_path":false})j"},
    {"grpc-web", "", R"j({"proto":null,"pass_stripped_path":null,"allow_origin_header":"*"})j"},
    {"grpc-gateway", "", R"j({"proto":null})j"},
    {"loggly", R"j({"key":"k"})j",
     R"j({"host":"logs-01.loggly.com","port":514,"key":"k","tags":["kong"],"log_level":"info",
         "successful_severity":"info","client_errors_severity":"info","server_errors_severity":"info",
         "timeout":10000,"custom_fields_by_lua":null})j"},
    {"azure-functions", R"j({"appname":"a","functionname":"f"})j",
     R"j({"timeout":600000,"keepalive":60000,"https":true,"https_verify":false,"apikey":null,
         "clientid":null,"appname":"a","hostdomain":"azurewebsites.net","routeprefix":"api",
         "functionname":"f"})j"},
    {"ldap-auth", R"j({"ldap_host":"ldap.example.com","base_dn":"dc=example,dc=com","attribute":"uid"})j",
     R"j({"ldap_host":"ldap.example.com","ldap_port":389,"ldaps":false,"start_tls":false,
         "verify_ldap_host":false,"base_dn":"dc=example,dc=com","attribute":"uid","cache_ttl":60,
         "hide_credentials":false,"timeout":10000,"keepalive":60000,"anonymous":null,
         "header_type":"ldap","realm":null})j"},
};

TEST(BundledPluginConfigs, InsertingWithOnlyRequiredSettingsFillsKongsDefaults) {
  for (const DefaultsCase& c : kDefaults) {
    const Value config = *c.required_config ? j(c.required_config) : Value();
    Value out = processed(c.plugin, config);
    const Value* filled = out.find("config");
    ASSERT_NE(filled, nullptr) << c.plugin;
    EXPECT_EQ(*filled, j(c.expected_config)) << c.plugin << ": " << json::encode(*filled);
    auto errs = plugins().validate_insert(out);
    EXPECT_FALSE(errs.has_value()) << c.plugin << ": " << (errs ? json::encode(*errs) : "");
  }
}

struct InvalidCase {
  const char* plugin;
  const char* config;
  const char* expected_errors;  // Kong's error tree of the whole plugin
};

const InvalidCase kInvalid[] = {
    {"http-log", "{}", R"j({"config":{"http_endpoint":"required field missing"}})j"},
    {"http-log", R"j({"http_endpoint":"http://u:p@example.com","headers":{"Authorization":"x"}})j",
     R"j({"config":"specifying both an 'Authorization' header and user info in 'http_endpoint' is not allowed"})j"},
    {"http-log", R"j({"http_endpoint":"http://example.com","headers":{"Host":"x"}})j",
     R"j({"config":{"headers":"cannot contain 'Host' header"}})j"},
    {"http-log", R"j({"http_endpoint":"http://example.com","method":"GET"})j",
     R"j({"config":{"method":"expected one of: POST, PUT, PATCH"}})j"},
    {"http-log", R"j({"http_endpoint":"http://example.com","queue":{"concurrency_limit":2}})j",
     R"j({"config":{"queue":{"concurrency_limit":"expected one of: -1, 1"}}})j"},
    {"file-log", R"j({"path":"/tmp/a*b"})j", R"j({"config":{"path":"not a valid filename"}})j"},
    {"tcp-log", R"j({"host":"h"})j", R"j({"config":{"port":"required field missing"}})j"},
    {"udp-log", R"j({"host":"h","port":70000})j", R"j({"config":{"port":"value should be between 0 and 65535"}})j"},
    {"syslog", R"j({"log_level":"loud"})j",
     R"j({"config":{"log_level":"expected one of: debug, info, notice, warning, err, crit, alert, emerg"}})j"},
    {"ip-restriction", "{}",
     R"j({"@entity":["at least one of these fields must be non-empty: 'config.allow', 'config.deny'"]})j"},
    {"ip-restriction", R"j({"deny":["not-an-ip"]})j",
     R"j({"config":{"deny":["invalid ip or cidr range: 'not-an-ip'"]}})j"},
    {"request-termination", R"j({"status_code":600})j",
     R"j({"config":{"status_code":"value should be between 100 and 599"}})j"},
    {"request-termination", R"j({"message":"m","body":"b"})j",
     R"j({"config":"message cannot be used with content_type or body"})j"},
    {"request-termination", R"j({"content_type":"text/plain"})j", R"j({"config":"content_type requires a body"})j"},
    {"request-termination", R"j({"echo":true,"body":"b"})j",
     R"j({"config":"echo cannot be used with content_type and body"})j"},
    {"response-transformer", R"j({"add":{"json":["nocolon"]}})j",
     R"j({"config":{"add":{"json":["invalid value: nocolon"]}}})j"},
    {"response-transformer", R"j({"rename":{"headers":["a:b c"]}})j",
     R"j({"config":{"rename":{"headers":["'b c' is not a valid header"]}}})j"},
    {"correlation-id", R"j({"generator":"random"})j",
     R"j({"config":{"generator":"expected one of: uuid, uuid#counter, tracker"}})j"},
    {"request-size-limiting", R"j({"size_unit":"gigabytes"})j",
     R"j({"config":{"size_unit":"expected one of: megabytes, kilobytes, bytes"}})j"},
    {"response-ratelimiting", "{}", R"j({"config":{"limits":"required field missing"}})j"},
    {"response-ratelimiting", R"j({"limits":{"video":{"second":10,"minute":5}}})j",
     R"j({"config":{"limits":"the limit for minute(5.0) cannot be lower than the limit for second(10.0)"}})j"},
    {"response-ratelimiting", R"j({"limits":{"video":{"minute":5}},"policy":"redis"})j",
     R"j({"config":{"redis":{"host":"required field missing"}},
         "@entity":["failed conditional validation given value of field 'config.policy'"]})j"},
    {"bot-detection", R"j({"deny":["(unclosed"]})j",
     R"j({"config":{"deny":["not a valid regex: (unclosed"]}})j"},
    {"redirect", R"j({"location":"https://example.com","status_code":99})j",
     R"j({"config":{"status_code":"value should be between 100 and 599"}})j"},
    {"loggly", "{}", R"j({"config":{"key":"required field missing"}})j"},
    {"azure-functions", R"j({"appname":"a"})j", R"j({"config":{"functionname":"required field missing"}})j"},
    {"ldap-auth", R"j({"ldap_host":"h","base_dn":"b","attribute":"a","ldaps":true,"start_tls":true})j",
     R"j({"config":{"start_tls":"value must be false",
                    "@entity":["'ldaps' and 'start_tls' cannot be enabled simultaneously"]}})j"},
};

TEST(BundledPluginConfigs, InvalidSettingsGiveKongsErrors) {
  for (const InvalidCase& c : kInvalid) {
    Value out = processed(c.plugin, j(c.config));
    auto errs = plugins().validate_insert(out);
    ASSERT_TRUE(errs.has_value()) << c.plugin << " " << c.config;
    EXPECT_EQ(*errs, j(c.expected_errors)) << c.plugin << " " << c.config << ": " << json::encode(*errs);
  }
}

TEST(BundledPluginConfigs, PrioritiesAreKongs) {
  const std::pair<const char*, int64_t> expected[] = {
      {"prometheus", 13},          {"http-log", 12},          {"file-log", 9},
      {"tcp-log", 7},              {"udp-log", 8},            {"syslog", 4},
      {"ip-restriction", 990},     {"request-termination", 2}, {"response-transformer", 800},
      {"correlation-id", 100001},  {"request-size-limiting", 951}, {"response-ratelimiting", 900},
      {"bot-detection", 2500},     {"redirect", 779},         {"grpc-web", 3},
      {"grpc-gateway", 998},       {"loggly", 6},             {"azure-functions", 749},
      {"ldap-auth", 1200},
  };
  for (const auto& [name, priority] : expected) {
    const BundledPlugin* p = find_bundled_plugin(name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ(p->priority, priority) << name;
  }
}

}  // namespace
}  // namespace kongdb::schema
