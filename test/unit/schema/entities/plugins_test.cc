// plugins entity and the bundled plugins' config schemas against Kong's behaviour
// (spec/01-unit/01-db/01-schema/07-plugins_spec.lua, spec/03-plugins/*/01-schema_spec.lua).
#include <gtest/gtest.h>

#include "kongdb/core/json.h"
#include "kongdb/schema/schema.h"
#include "schema/entities/entities.h"

namespace kongdb::schema {
namespace {

Value j(const char* text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? *v : Value();
}

// Entity.new_subschema: records in a plugin schema are required so they carry their defaults.
void make_records_required(Fields& fields) {
  for (auto& [name, f] : fields) {
    if (f.type() != FieldType::Record || !f.fields_) continue;
    if (!f.required_) f.required_ = true;
    auto nested = std::make_shared<Schema>(*f.fields_);
    make_records_required(nested->fields);
    f.fields_ = std::move(nested);
  }
}

const std::vector<Schema>& bundled() {
  static const std::vector<Schema> all = {
      entities::key_auth_plugin(),      entities::basic_auth_plugin(),
      entities::acl_plugin(),           entities::rate_limiting_plugin(),
      entities::cors_plugin(),          entities::request_transformer_plugin(),
  };
  return all;
}

const Schema& plugins_schema() {
  static const Schema s = [] {
    Schema p = entities::plugins();
    for (Schema def : bundled()) {
      make_records_required(def.fields);
      std::string name = def.name;
      auto r = p.new_subschema(name, std::move(def));
      EXPECT_TRUE(r.has_value()) << name << ": " << (r ? "" : r.error());
    }
    return p;
  }();
  return s;
}

Value insert(const Value& input) {
  auto r = plugins_schema().process_auto_fields(input, Context::Insert);
  EXPECT_TRUE(r.has_value()) << (r ? "" : json::encode(r.error()));
  return r ? r->data : Value();
}

// Kong's `Plugins:validate(Plugins:process_auto_fields(input))`: "<ok>" or the error tree.
std::string errors(const char* input) {
  Value processed = insert(j(input));
  auto errs = plugins_schema().validate_insert(processed);
  return errs ? json::encode(*errs) : "<ok>";
}

void expect_config(const char* name, const char* expected) {
  Value out = insert(Value::object({{"name", name}}));
  const Value* config = out.find("config");
  ASSERT_NE(config, nullptr) << name;
  EXPECT_EQ(*config, j(expected)) << name << ": " << json::encode(*config);
}

TEST(PluginsEntity, DeclaresKongsAttributes) {
  Schema p = entities::plugins();
  EXPECT_EQ(p.name, "plugins");
  EXPECT_EQ(p.primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ(p.cache_key, (std::vector<std::string>{"name", "route", "service", "consumer"}));
  EXPECT_TRUE(p.workspaceable);
  EXPECT_EQ(p.endpoint_key, "instance_name");
  EXPECT_EQ(p.subschema_key, "name");
  std::vector<std::string> names;
  for (const auto& [n, f] : p.fields) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "name", "instance_name", "created_at",
                                             "updated_at", "route", "service", "consumer", "config",
                                             "protocols", "enabled", "tags"}));
  EXPECT_TRUE(p.field("config")->is(p.field("config")->abstract_));
  for (const char* fk : {"route", "service", "consumer"}) {
    const Field* f = p.field(fk);
    EXPECT_EQ(f->type(), FieldType::Foreign) << fk;
    EXPECT_EQ(f->on_delete_, "cascade") << fk;
    ASSERT_TRUE(f->default_.has_value()) << fk;
    EXPECT_TRUE(f->default_->is_null()) << fk;
  }
  EXPECT_EQ(p.field("route")->reference_, "routes");
  EXPECT_EQ(p.field("service")->reference_, "services");
  EXPECT_EQ(p.field("consumer")->reference_, "consumers");
}

TEST(PluginsEntity, EveryBundledPluginIsAValidSubschemaWithProtocols) {
  ASSERT_EQ(plugins_schema().subschemas.size(), 6u);
  for (const Schema& def : bundled()) {
    EXPECT_NE(def.field("protocols"), nullptr) << def.name;
    EXPECT_NE(def.field("config"), nullptr) << def.name;
    EXPECT_TRUE(plugins_schema().subschemas.count(def.name)) << def.name;
  }
}

TEST(PluginsEntity, SubschemaCannotAddFields) {
  Schema p = entities::plugins();
  Schema bad;
  bad.name = "bad";
  bad.fields = {{"extra", Field::string()}};
  auto r = p.new_subschema("bad", bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "error in definition of 'bad': extra: cannot create a new field");
}

TEST(PluginsEntity, UnknownPluginIsNotEnabled) {
  EXPECT_EQ(errors(R"({"name": "world domination"})"),
            R"({"name":"plugin 'world domination' not enabled; add it to the 'plugins' configuration property"})");
  EXPECT_EQ(errors(R"({"name": "foo"})"),
            R"({"name":"plugin 'foo' not enabled; add it to the 'plugins' configuration property"})");
}

TEST(PluginsEntity, InsertFillsPluginLevelDefaults) {
  Value out = insert(j(R"({"name": "key-auth"})"));
  EXPECT_EQ(*out.find("enabled"), Value(true));
  EXPECT_TRUE(out.find("route")->is_null());
  EXPECT_TRUE(out.find("service")->is_null());
  EXPECT_TRUE(out.find("consumer")->is_null());
  EXPECT_TRUE(out.find("id")->is_string());
  EXPECT_TRUE(out.find("created_at")->is_integer());
  // key-auth narrows protocols to the http family.
  EXPECT_EQ(*out.find("protocols"), j(R"(["grpc", "grpcs", "http", "https"])"));
  EXPECT_EQ(errors(R"({"name": "key-auth"})"), "<ok>");
}

// --- defaults: `config` absent produces the plugin's full default record ---

TEST(PluginsDefaults, KeyAuth) {
  expect_config("key-auth", R"({
    "key_names": ["apikey"], "hide_credentials": false, "anonymous": null, "realm": null,
    "key_in_header": true, "key_in_query": true, "key_in_body": false, "run_on_preflight": true
  })");
}

TEST(PluginsDefaults, BasicAuth) {
  expect_config("basic-auth",
                R"({"anonymous": null, "hide_credentials": false, "realm": "service"})");
}

TEST(PluginsDefaults, Acl) {
  expect_config("acl", R"({"allow": null, "deny": null, "hide_groups_header": false,
                           "always_use_authenticated_groups": false})");
}

TEST(PluginsDefaults, RateLimiting) {
  expect_config("rate-limiting", R"({
    "second": null, "minute": null, "hour": null, "day": null, "month": null, "year": null,
    "limit_by": "consumer", "header_name": null, "path": null, "policy": "local",
    "fault_tolerant": true,
    "redis": {"host": null, "port": 6379, "timeout": 2000, "username": null, "password": null,
              "database": 0, "ssl": false, "ssl_verify": false, "server_name": null},
    "hide_client_headers": false, "error_code": 429, "error_message": "API rate limit exceeded",
    "sync_rate": -1
  })");
}

TEST(PluginsDefaults, Cors) {
  expect_config("cors", R"({
    "origins": null, "headers": null, "exposed_headers": null,
    "methods": ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"],
    "max_age": null, "credentials": false, "private_network": false,
    "preflight_continue": false, "allow_origin_absent": true
  })");
}

TEST(PluginsDefaults, RequestTransformer) {
  expect_config("request-transformer", R"({
    "http_method": null,
    "remove":  {"body": [], "headers": [], "querystring": []},
    "rename":  {"body": [], "headers": [], "querystring": []},
    "replace": {"body": [], "headers": [], "querystring": [], "uri": null},
    "add":     {"body": [], "headers": [], "querystring": []},
    "append":  {"body": [], "headers": [], "querystring": []}
  })");
}

TEST(PluginsDefaults, GivenValuesAreKeptAndTheRestDefaulted) {
  Value out = insert(j(R"({"name": "key-auth", "config": {"key_names": ["x-kong-key"]}})"));
  EXPECT_EQ(*out.find("config")->find("key_names"), j(R"(["x-kong-key"])"));
  EXPECT_EQ(*out.find("config")->find("key_in_query"), Value(true));
  EXPECT_EQ(errors(R"({"name": "key-auth", "config": {"key_names": ["x-kong-key"]}})"), "<ok>");
}

// --- validation messages ---

TEST(PluginsValidation, ConfigErrorsNestUnderConfig) {
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": "hello"}})"),
            R"({"config":{"second":"expected a number"}})");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 1, "unknown": 1}})"),
            R"({"config":{"unknown":"unknown field"}})");
  EXPECT_EQ(errors(R"({"name": "basic-auth", "config": {"hide_credentials": "yes"}})"),
            R"({"config":{"hide_credentials":"expected a boolean"}})");
}

TEST(PluginsValidation, NoConsumerPluginsRejectAConsumer) {
  EXPECT_EQ(errors(R"({"name": "key-auth", "consumer": {"id": "5d6f6c0a-8b0a-4c39-b5a3-4b6a6f0a7a2e"}})"),
            R"({"consumer":"value must be null"})");
}

TEST(PluginsRateLimiting, ProperConfigsValidate) {
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10}})"), "<ok>");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10, "minute": 20,
                      "hour": 30, "day": 40, "month": 50, "year": 60}})"), "<ok>");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10, "limit_by": "header",
                      "header_name": "X-App-Version"}})"), "<ok>");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10, "limit_by": "path",
                      "path": "/request"}})"), "<ok>");
}

TEST(PluginsRateLimiting, AtLeastOneLimit) {
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {}})"),
            R"({"@entity":["at least one of these fields must be non-empty: 'config.second', )"
            R"('config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'"]})");
}

TEST(PluginsRateLimiting, LimitsMustGrowWithThePeriod) {
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 20, "hour": 10}})"),
            R"js({"config":"The limit for hour(10.0) cannot be lower than the limit for second(20.0)"})js");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10, "minute": 20,
                      "hour": 30, "day": 40, "month": 60, "year": 50}})"),
            R"js({"config":"The limit for year(50.0) cannot be lower than the limit for month(60.0)"})js");
}

TEST(PluginsRateLimiting, SyncRate) {
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 1, "sync_rate": 10}})"),
            R"({"config":"sync_rate can only be used with the redis policy"})");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 1, "sync_rate": 0.01,
                      "policy": "redis", "redis": {"host": "localhost"}}})"),
            R"({"config":"sync_rate must be greater than 0.02, or -1 to disable"})");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 1, "sync_rate": 0.5,
                      "policy": "redis", "redis": {"host": "localhost"}}})"), "<ok>");
}

// Kong reports the missing field and, under "@entity", the conditional that required it.
TEST(PluginsRateLimiting, ConditionalRequirements) {
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10, "limit_by": "header"}})"),
            R"({"config":{"header_name":"required field missing"},)"
            R"("@entity":["failed conditional validation given value of field 'config.limit_by'"]})");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10, "limit_by": "path"}})"),
            R"({"config":{"path":"required field missing"},)"
            R"("@entity":["failed conditional validation given value of field 'config.limit_by'"]})");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10, "policy": "redis",
                      "redis": {"port": 6379, "database": 0, "username": "test",
                      "password": "testXXX", "ssl": true, "ssl_verify": false, "timeout": 1100}}})"),
            R"({"config":{"redis":{"host":"required field missing"}},)"
            R"("@entity":["failed conditional validation given value of field 'config.policy'"]})");
}

TEST(PluginsRateLimiting, PolicyAndLimitByAreEnumerated) {
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 1, "policy": "x"}})"),
            R"({"config":{"policy":"expected one of: local, cluster, redis"}})");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 1, "limit_by": "x"}})"),
            R"({"config":{"limit_by":"expected one of: consumer, credential, ip, service, header, path"}})");
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 0}})"),
            R"({"config":{"second":"value must be greater than 0"}})");
}

TEST(PluginsRateLimiting, RedisNewStructureValidates) {
  EXPECT_EQ(errors(R"({"name": "rate-limiting", "config": {"second": 10, "policy": "redis",
                      "redis": {"host": "localhost", "port": 6379, "database": 0,
                      "username": "test", "password": "testXXX", "ssl": true,
                      "ssl_verify": false, "timeout": 1100, "server_name": "example.test"}}})"),
            "<ok>");
}

TEST(PluginsRateLimiting, LegacyRedisFieldsMoveUnderRedis) {
  const char* legacy = R"({"name": "rate-limiting", "config": {"second": 10, "policy": "redis",
      "redis_host": "localhost", "redis_port": 6380, "redis_database": 1,
      "redis_username": "test", "redis_password": "testXXX", "redis_ssl": true,
      "redis_ssl_verify": false, "redis_timeout": 1100, "redis_server_name": "example.test"}})";
  EXPECT_EQ(errors(legacy), "<ok>");
  Value out = insert(j(legacy));
  const Value& config = *out.find("config");
  EXPECT_EQ(config.find("redis_host"), nullptr);
  EXPECT_EQ(*config.find("redis"), j(R"({"host": "localhost", "port": 6380, "timeout": 1100,
      "username": "test", "password": "testXXX", "database": 1, "ssl": true,
      "ssl_verify": false, "server_name": "example.test"})"));
}

TEST(PluginsRateLimiting, DeprecatedShorthandYieldsToTheNewField) {
  // Same value on both sides: accepted.
  Value out = insert(j(R"({"name": "rate-limiting", "config": {"second": 1,
      "redis_host": "a", "redis": {"host": "a", "port": 1}}})"));
  EXPECT_EQ(*out.find("config")->find("redis")->find("host"), Value("a"));
  EXPECT_EQ(*out.find("config")->find("redis")->find("port"), Value(1));
  // Different values: rejected.
  auto r = plugins_schema().process_auto_fields(
      j(R"({"name": "rate-limiting", "config": {"second": 1, "redis_host": "a",
           "redis": {"host": "b"}}})"),
      Context::Insert);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(json::encode(r.error()),
            R"({"redis_host":"both deprecated and new field are used but their values mismatch: )"
            R"(redis_host = a vs redis.host = b"})");
  // Shorthand type errors are reported under the shorthand's name.
  auto bad = plugins_schema().process_auto_fields(
      j(R"({"name": "rate-limiting", "config": {"second": 1, "redis_port": "x"}})"), Context::Insert);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(json::encode(bad.error()), R"({"redis_port":"expected an integer"})");
}

TEST(PluginsRateLimiting, ReadsEchoDeprecatedShorthands) {
  Value stored = insert(j(R"({"name": "rate-limiting", "config": {"second": 1,
      "redis": {"host": "h", "port": 7000}}})"));
  auto r = plugins_schema().process_auto_fields(stored, Context::Select);
  ASSERT_TRUE(r.has_value());
  const Value& config = *r->data.find("config");
  EXPECT_EQ(*config.find("redis_host"), Value("h"));
  EXPECT_EQ(*config.find("redis_port"), Value(7000));
  EXPECT_EQ(*config.find("redis_timeout"), Value(2000));
  // Echoed before nulls are dropped, so an unset password reads back as an explicit null.
  ASSERT_NE(config.find("redis_password"), nullptr);
  EXPECT_TRUE(config.find("redis_password")->is_null());
  EXPECT_EQ(config.find("password"), nullptr);

  AutoFieldsOptions hide;
  hide.hide_shorthands = true;
  auto h = plugins_schema().process_auto_fields(stored, Context::Select, hide);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->data.find("config")->find("redis_host"), nullptr);
}

TEST(PluginsAcl, AllowOrDenyButNotBoth) {
  EXPECT_EQ(errors(R"({"name": "acl", "config": {"allow": ["admin"]}})"), "<ok>");
  EXPECT_EQ(errors(R"({"name": "acl", "config": {"deny": ["admin"]}})"), "<ok>");
  // Defaults make both fields explicit nulls, so both checks run and both fail.
  EXPECT_EQ(errors(R"({"name": "acl"})"),
            R"({"@entity":["exactly one of these fields must be non-empty: 'config.allow', 'config.deny'",)"
            R"("at least one of these fields must be non-empty: 'config.allow', 'config.deny'"]})");
  EXPECT_EQ(errors(R"({"name": "acl", "config": {"allow": ["a"], "deny": ["b"]}})"),
            R"({"@entity":["exactly one of these fields must be non-empty: 'config.allow', 'config.deny'"]})");
}

TEST(PluginsCors, OriginsAreAsteriskOrRegex) {
  EXPECT_EQ(errors(R"({"name": "cors", "config": {"origins": ["*", "https://example.test",
                      "^https://.*\\.example\\.test$"]}})"), "<ok>");
  EXPECT_EQ(errors(R"({"name": "cors", "config": {"origins": ["*", "[bad"]}})"),
            R"({"config":{"origins":[null,"'[bad' is not a valid regex"]}})");
  EXPECT_EQ(errors(R"({"name": "cors", "config": {"methods": ["GET", "FETCH"]}})"),
            R"({"config":{"methods":[null,"expected one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT"]}})");
}

TEST(PluginsRequestTransformer, HttpMethod) {
  EXPECT_EQ(errors(R"({"name": "request-transformer", "config": {"http_method": "GET"}})"), "<ok>");
  EXPECT_EQ(errors(R"({"name": "request-transformer", "config": {"http_method": "HELLO!"}})"),
            R"({"config":{"http_method":"invalid value: HELLO!"}})");
}

TEST(PluginsRequestTransformer, TemplateValues) {
  EXPECT_EQ(errors(R"js({"name": "request-transformer", "config": {"add": {"querystring":
      ["uri_param1:$(uri_captures.user1)", "uri_param2:$(uri_captures.user2)"]}}})js"), "<ok>");
  EXPECT_EQ(errors(R"js({"name": "request-transformer", "config": {"add": {"querystring":
      ["uri_param1:$(uri_captures.user1)", "uri_param2:value"]}}})js"), "<ok>");
  EXPECT_EQ(errors(R"js({"name": "request-transformer", "config": {"add": {"querystring":
      ["a:$(query_params['x'] or 'none')", "b:$(headers[\"h\"]:lower())", "c:$((1 + 2) * 3)",
       "d:$(f{1, k = 2})", "e:$(x", "f:$(function() return 1 end)"]}}})js"), "<ok>");
  EXPECT_EQ(errors(R"js({"name": "request-transformer", "config": {"add": {"querystring":
      ["uri_param2:"]}}})js"),
            R"js({"config":{"add":{"querystring":["key 'uri_param2' has no value"]}}})js");
  std::string bad = errors(R"js({"name": "request-transformer", "config": {"add": {"querystring":
      ["uri_param2:$(uri_captures user2)"]}}})js");
  EXPECT_NE(bad.find("value '$(uri_captures user2)' is not in supported format, error:"),
            std::string::npos) << bad;
  EXPECT_NE(errors(R"js({"name": "request-transformer", "config": {"add": {"body": ["a:$()"]}}})js"), "<ok>");
  EXPECT_NE(errors(R"js({"name": "request-transformer", "config": {"add": {"body": ["a:$(1 +)"]}}})js"), "<ok>");
}

TEST(PluginsRequestTransformer, HeaderNames) {
  EXPECT_EQ(errors(R"({"name": "request-transformer", "config": {"remove": {"headers": ["x-a"]},
      "rename": {"headers": ["x-a:x-b"]}, "add": {"headers": ["x-a:some value"]}}})"), "<ok>");
  EXPECT_EQ(errors(R"({"name": "request-transformer", "config": {"remove": {"headers": ["x a"]}}})"),
            R"({"config":{"remove":{"headers":["'x a' is not a valid header"]}}})");
  EXPECT_EQ(errors(R"({"name": "request-transformer", "config": {"rename": {"headers": ["x-a:x b"]}}})"),
            R"({"config":{"rename":{"headers":["'x b' is not a valid header"]}}})");
  EXPECT_EQ(errors(R"({"name": "request-transformer", "config": {"add": {"headers": ["x-a"]}}})"),
            R"({"config":{"add":{"headers":["invalid value: x-a"]}}})");
}

TEST(PluginsKeyAuthCredentials, DeclaresKongsAttributes) {
  Schema s = entities::keyauth_credentials();
  EXPECT_EQ(s.name, "keyauth_credentials");
  EXPECT_TRUE(s.ttl);
  EXPECT_TRUE(s.workspaceable);
  EXPECT_EQ(s.endpoint_key, "key");
  EXPECT_EQ(s.cache_key, std::vector<std::string>{"key"});
  EXPECT_EQ(s.admin_api_name, "key-auths");
  EXPECT_EQ(s.admin_api_nested_name, "key-auth");
  const Field* consumer = s.field("consumer");
  EXPECT_EQ(consumer->reference_, "consumers");
  EXPECT_TRUE(consumer->is_required());
  EXPECT_EQ(consumer->on_delete_, "cascade");
  const Field* key = s.field("key");
  EXPECT_TRUE(key->is_unique());
  EXPECT_TRUE(key->is_auto());
  EXPECT_FALSE(key->is_required());

  auto r = s.process_auto_fields(j(R"({"consumer": {"id": "x"}})"), Context::Insert);
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->data.find("key")->is_string());  // generated when absent
  EXPECT_FALSE(r->data.find("key")->as_string().empty());
}

}  // namespace
}  // namespace kongdb::schema
