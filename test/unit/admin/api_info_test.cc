// Hand-written endpoints: GET /, /status, schemas, validation, tags, /endpoints, /openapi.json,
// routing misses, OPTIONS and HEAD.
#include "unit/admin/api_test_support.h"

namespace kongdb::admin::testing {
namespace {

using Info = AdminApiTest;

TEST_F(Info, RootReportsWhatGoKongAndDeckRead) {
  Response r = call("GET", "/");
  ASSERT_EQ(r.status, 200);
  Value b = body(r);
  EXPECT_EQ(*b.find("version"), Value(kKongCompatibleVersion));
  EXPECT_EQ(*b.find("edition"), Value("community"));
  EXPECT_EQ(*b.find("node_id"), Value("00000000-0000-4000-8000-00000000abcd"));
  EXPECT_EQ(*b.find("hostname"), Value("test-host"));
  const Value& conf = *b.find("configuration");
  EXPECT_EQ(*conf.find("database"), Value("sqlite"));
  EXPECT_EQ(*conf.find("router_flavor"), Value("traditional_compatible"));
  const Value& proxy = *conf.find("proxy_listeners");
  ASSERT_FALSE(proxy.as_array().empty());
  EXPECT_EQ(*proxy.as_array()[0].find("ssl"), Value(false));
  const Value& plugins = *b.find("plugins");
  EXPECT_NE(plugins.find("available_on_server")->find("key-auth"), nullptr);
  EXPECT_EQ(*plugins.find("enabled_in_cluster"), Value::array());
}

TEST_F(Info, RootListsPluginsInUseAcrossHandlersOfOneFactory) {
  Handler other = factory_();
  Response created = other(Request{.method = "POST",
                                   .target = "/plugins",
                                   .headers = {{"content-type", "application/json"}},
                                   .body = R"({"name":"cors"})"});
  ASSERT_EQ(created.status, 201) << created.body;
  create("/plugins", R"({"name":"key-auth"})");
  Value p = create("/plugins", R"({"name":"acl","config":{"allow":["a"]}})");
  EXPECT_EQ(*body(call("GET", "/")).find("plugins")->find("enabled_in_cluster"),
            Value::array({"acl", "cors", "key-auth"}));
  EXPECT_EQ(call("DELETE", "/plugins/" + str(p, "id")).status, 204);
  EXPECT_EQ(*body(call("GET", "/")).find("plugins")->find("enabled_in_cluster"),
            Value::array({"cors", "key-auth"}));
}

TEST_F(Info, RootCountsPluginsAlreadyStoredWhenTheFactoryStarts) {
  create("/plugins", R"({"name":"key-auth"})");
  HandlerFactory fresh = make_admin_api(opener(), config_, {});
  Handler h = fresh();
  Value b = body(h(Request{.method = "GET", .target = "/"}));
  EXPECT_EQ(*b.find("plugins")->find("enabled_in_cluster"), Value::array({"key-auth"}));
}

TEST_F(Info, PluginDeletedWithItsServiceLeavesTheRootList) {
  create("/services", R"({"name":"s1","host":"example.com"})");
  ASSERT_EQ(call("POST", "/services/s1/plugins", R"({"name":"cors"})").status, 201);
  EXPECT_EQ(call("DELETE", "/services/s1").status, 204);
  EXPECT_EQ(*body(call("GET", "/")).find("plugins")->find("enabled_in_cluster"), Value::array());
}

TEST_F(Info, PluginReplacedByAnotherNameMovesInTheRootList) {
  Value p = create("/plugins", R"({"name":"cors"})");
  ASSERT_EQ(call("PUT", "/plugins/" + str(p, "id"), R"({"name":"key-auth"})").status, 200);
  EXPECT_EQ(*body(call("GET", "/")).find("plugins")->find("enabled_in_cluster"), Value::array({"key-auth"}));
}

TEST_F(Info, PostOnRootReturns405) {
  Response r = call("POST", "/", "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(body(r), Value::object({{"message", "Method not allowed"}}));
}

TEST_F(Info, UnknownPathReturns404NotFound) {
  Response r = call("GET", "/nope/at/all");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body(r), Value::object({{"message", "Not found"}}));
  EXPECT_EQ(call("GET", "/targets").status, 404);
}

TEST_F(Info, TrailingSlashIsIgnored) {
  EXPECT_EQ(call("GET", "/services/").status, 200);
}

TEST_F(Info, PathClimbingAboveTheRootIsRefused) {
  Response r = call("GET", "/../etc/passwd");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(call("GET", "/services/%zz").status, 400);
}

TEST_F(Info, OptionsListsTheRouteMethods) {
  Response r = call("OPTIONS", "/services");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(header(r, "allow"), "GET, HEAD, OPTIONS, POST");
  EXPECT_EQ(header(r, "access-control-allow-methods"), "GET, HEAD, OPTIONS, POST");
}

TEST_F(Info, HeadAnswersLikeGetWithoutBody) {
  Response r = call("HEAD", "/services");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
}

TEST_F(Info, StatusReportsDatabaseAndServerCounters) {
  Value b = body(call("GET", "/status"));
  EXPECT_EQ(*b.find("database"), Value::object({{"reachable", true}}));
  EXPECT_EQ(*b.find("server")->find("total_requests"), Value(0));
  EXPECT_NE(b.find("memory"), nullptr);
}

TEST_F(Info, StatusUsesTheServerCounterProvider) {
  HandlerFactory f = make_admin_api(opener(), config_,
                                    {.server_status = [] { return Value::object({{"total_requests", 7}}); }});
  Value b = body(f()(Request{.method = "GET", .target = "/status"}));
  EXPECT_EQ(*b.find("server"), Value::object({{"total_requests", 7}}));
}

TEST_F(Info, EntitySchemaListsFieldsWithDefaults) {
  Response r = call("GET", "/schemas/services");
  ASSERT_EQ(r.status, 200);
  Value b = body(r);
  bool saw_retries = false;
  for (const Value& f : b.find("fields")->as_array()) {
    if (const Value* retries = f.find("retries")) {
      saw_retries = true;
      EXPECT_EQ(*retries->find("default"), Value(5));
    }
  }
  EXPECT_TRUE(saw_retries);
  EXPECT_EQ(call("GET", "/schemas/keyauth_credentials").status, 200);
  Response missing = call("GET", "/schemas/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body(missing), Value::object({{"message", "No entity named 'nope'"}}));
}

TEST_F(Info, PluginSchemaHasAConfigRecord) {
  Value b = body(call("GET", "/schemas/plugins/key-auth"));
  bool saw_config = false;
  for (const Value& f : b.find("fields")->as_array()) {
    if (const Value* c = f.find("config")) {
      saw_config = true;
      EXPECT_EQ(*c->find("type"), Value("record"));
    }
  }
  EXPECT_TRUE(saw_config);
  Response missing = call("GET", "/schemas/plugins/noexist");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body(missing), Value::object({{"message", "No plugin named 'noexist'"}}));
  Value legacy = body(call("GET", "/plugins/schema/key-auth"));
  EXPECT_EQ(*legacy.find("type"), Value("record"));
}

// go-kong's ClearUnmatchingDeprecations and decK pair a deprecated shorthand with the field that
// replaces it through `deprecation.replaced_with` in the served schema.
TEST_F(Info, PluginSchemaShowsWhichFieldReplacesADeprecatedShorthand) {
  Value b = body(call("GET", "/schemas/plugins/rate-limiting"));
  const Value* config = nullptr;
  for (const Value& f : b.find("fields")->as_array()) {
    if (const Value* c = f.find("config")) config = c;
  }
  ASSERT_NE(config, nullptr);
  const Value* redis_host = nullptr;
  for (const Value& s : config->find("shorthand_fields")->as_array()) {
    if (const Value* v = s.find("redis_host")) redis_host = v;
  }
  ASSERT_NE(redis_host, nullptr);
  EXPECT_EQ(*redis_host->find("type"), Value("string"));
  const Value* deprecation = redis_host->find("deprecation");
  ASSERT_NE(deprecation, nullptr) << json::encode(*redis_host);
  EXPECT_EQ(*deprecation->find("replaced_with"), *json::parse(R"([{"path":["redis","host"]}])"));
  EXPECT_EQ(*deprecation->find("removal_in_version"), Value("4.0"));
  EXPECT_EQ(*deprecation->find("message"),
            Value("rate-limiting: config.redis_host is deprecated, please use config.redis.host instead"));
}

TEST_F(Info, ValidateEndpointsAnswerSuccessOrSchemaViolation) {
  Response ok = call("POST", "/schemas/services/validate", R"({"host":"example.com"})");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(body(ok), Value::object({{"message", "schema validation successful"}}));
  Response bad = call("POST", "/schemas/services/validate", R"({"host":"example.com","protocol":"nope"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(*body(bad).find("code"), Value(2));
  Response plugin = call("POST", "/schemas/plugins/validate", R"({"name":"key-auth","config":{"garbage":1}})");
  EXPECT_EQ(plugin.status, 400);
  EXPECT_EQ(*body(plugin).find("message"), Value("schema violation (config.garbage: unknown field)"));
  EXPECT_EQ(call("POST", "/schemas/nope/validate", "{}").status, 404);
  // Validation writes nothing.
  EXPECT_EQ(body(call("GET", "/services")).find("data")->as_array().size(), 0u);
}

TEST_F(Info, EnabledPluginsListsTheBundledOnes) {
  Value b = body(call("GET", "/plugins/enabled"));
  const auto& names = b.find("enabled_plugins")->as_array();
  EXPECT_NE(std::find(names.begin(), names.end(), Value("key-auth")), names.end());
}

TEST_F(Info, TagsListEveryTaggedEntityFilterByTagAndRefuseWrites) {
  create("/services", R"({"name":"s1","host":"example.com","tags":["blue","red"]})");
  create("/consumers", R"({"username":"c1","tags":["blue"]})");
  Value all = body(call("GET", "/tags"));
  EXPECT_EQ(all.find("data")->as_array().size(), 3u);
  Value blue = body(call("GET", "/tags/blue"));
  ASSERT_EQ(blue.find("data")->as_array().size(), 2u);
  for (const Value& row : blue.find("data")->as_array()) EXPECT_EQ(*row.find("tag"), Value("blue"));
  Response write = call("POST", "/tags", R"({"tag":"x","entity_name":"services","entity_id":"6f2d1b7e-3f5c-4c7a-9d1e-2b3c4d5e6f70"})");
  EXPECT_EQ(write.status, 400);
  EXPECT_EQ(*body(write).find("fields"),
            Value::object({{"tags", "does not support insert/upsert/update/delete operations"}}));
}

TEST_F(Info, TagsPaginate) {
  for (int i = 0; i < 3; ++i) create("/consumers", R"({"username":"c)" + std::to_string(i) + R"(","tags":["t"]})");
  Value first = body(call("GET", "/tags/t?size=2"));
  ASSERT_EQ(first.find("data")->as_array().size(), 2u);
  ASSERT_TRUE(first.find("next")->is_string());
  Value second = body(call("GET", first.find("next")->as_string()));
  EXPECT_EQ(second.find("data")->as_array().size(), 1u);
  EXPECT_EQ(call("GET", "/tags?offset=@@").status, 400);
}

TEST_F(Info, EndpointsListsGeneratedAndCustomRoutes) {
  Value b = body(call("GET", "/endpoints"));
  const auto& data = b.find("data")->as_array();
  for (const char* p : {"/", "/services/{services}/routes/{routes}", "/routes/{routes}/service",
                        "/consumers/{consumers}/key-auth", "/key-auths", "/plugins/enabled",
                        "/certificates/{certificates}/snis", "/upstreams/{upstreams}/targets"}) {
    EXPECT_NE(std::find(data.begin(), data.end(), Value(p)), data.end()) << p;
  }
}

TEST_F(Info, OpenApiDocumentDescribesEveryRoute) {
  Value doc = body(call("GET", "/openapi.json"));
  EXPECT_EQ(*doc.find("openapi"), Value("3.0.3"));
  const Value& paths = *doc.find("paths");
  ASSERT_NE(paths.find("/services/{services}"), nullptr);
  EXPECT_NE(paths.find("/services/{services}")->find("put"), nullptr);
  EXPECT_NE(doc.find("components")->find("schemas")->find("routes"), nullptr);
}

TEST_F(Info, OpenApiDocumentMarksOptionalFieldsNullableAndLeavesOutTheTagsWrites) {
  Value doc = body(call("GET", "/openapi.json"));
  const Value& services = *doc.find("components")->find("schemas")->find("services")->find("properties");
  EXPECT_EQ(*services.find("tls_verify_depth")->find("nullable"), Value(true));
  EXPECT_EQ(services.find("host")->find("nullable"), nullptr);
  const Value& paths = *doc.find("paths");
  EXPECT_EQ(paths.find("/tags")->find("post"), nullptr);
  const Value& by_tag = *paths.find("/tags/{tags}");
  for (const char* m : {"put", "patch", "delete"}) EXPECT_EQ(by_tag.find(m), nullptr) << m;
  const Value& page = *by_tag.find("get")->find("responses")->find("200")->find("content")
                           ->find("application/json")->find("schema");
  EXPECT_NE(page.find("properties")->find("data"), nullptr);
  EXPECT_NE(by_tag.find("get")->find("responses")->find("500"), nullptr);
}

TEST_F(Info, OpenApiDocumentDescribesPluginsAsAUnionOnName) {
  Value doc = body(call("GET", "/openapi.json"));
  const Value& schemas = *doc.find("components")->find("schemas");
  const Value& plugins = *schemas.find("plugins");
  EXPECT_EQ(*plugins.find("discriminator")->find("propertyName"), Value("name"));
  EXPECT_EQ(*plugins.find("discriminator")->find("mapping")->find("cors"),
            Value("#/components/schemas/plugins.cors"));
  const Value& cors = *schemas.find("plugins.cors")->find("properties");
  EXPECT_EQ(*cors.find("name"), Value::object({{"type", "string"}, {"enum", Value::array({"cors"})}}));
  EXPECT_NE(cors.find("config")->find("properties")->find("max_age"), nullptr);
  // Routes are specialised by a set (protocols): no discriminator can name it.
  EXPECT_EQ(schemas.find("routes")->find("oneOf"), nullptr);
}

TEST_F(Info, OpenApiDocumentAcceptsJsonFormAndMultipartBodiesWithDottedFormNames) {
  Value doc = body(call("GET", "/openapi.json"));
  const Value& content = *doc.find("paths")->find("/plugins")->find("post")->find("requestBody")->find("content");
  EXPECT_EQ(*content.find("application/json")->find("schema"), Value::object({{"$ref", "#/components/schemas/plugins"}}));
  EXPECT_EQ(*content.find("multipart/form-data")->find("schema"),
            Value::object({{"$ref", "#/components/schemas/plugins.form"}}));
  const Value& form = *doc.find("components")->find("schemas")->find("routes.form")->find("properties");
  EXPECT_NE(form.find("service.id"), nullptr);
  EXPECT_EQ(*form.find("paths")->find("type"), Value("array"));
  EXPECT_EQ(form.find("headers"), nullptr);  // a map has no form spelling
}

TEST_F(Info, OpenApiDocumentLinksACreatedEntityToTheOperationsItsIdOpens) {
  Value doc = body(call("GET", "/openapi.json"));
  const Value& links = *doc.find("paths")->find("/services")->find("post")->find("responses")->find("201")->find("links");
  EXPECT_EQ(*links.find("get_services_services"),
            Value::object({{"operationId", "get_services_services"},
                           {"parameters", Value::object({{"services", "$response.body#/id"}})}}));
  EXPECT_NE(links.find("post_services_services_routes"), nullptr);
  EXPECT_EQ(links.find("get_services_services_routes_routes"), nullptr);  // needs a second id
  EXPECT_EQ(*doc.find("paths")->find("/services/{services}")->find("get")->find("operationId"),
            Value("get_services_services"));
}

TEST_F(Info, OpenApiDocumentDeclaresTheAdminTokenOnlyWhenOneIsSet) {
  EXPECT_EQ(body(call("GET", "/openapi.json")).find("security"), nullptr);
  config_.raw["admin_token"] = "s3cret";
  Handler with_token = make_admin_api(opener(), config_)();
  Value doc = body(with_token(Request{.method = "GET", .target = "/openapi.json"}));
  EXPECT_EQ(*doc.find("security"), Value::array({Value::object({{"adminToken", Value::array()}})}));
  EXPECT_EQ(*doc.find("components")->find("securitySchemes")->find("adminToken"),
            Value::object({{"type", "apiKey"}, {"in", "header"}, {"name", "Kong-Admin-Token"}}));
}

TEST_F(Info, DatabaseThatCannotOpenAnswers500WithoutDetail) {
  std::string logged;
  HandlerFactory f = make_admin_api(
      []() -> tl::expected<std::unique_ptr<dao::DB>, std::string> { return tl::unexpected(std::string("boom")); },
      config_, {.log = [&](const std::string& l) { logged += l; }});
  Response r = f()(Request{.method = "GET", .target = "/services"});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(body(r), Value::object({{"message", "An unexpected error occurred"}}));
  EXPECT_NE(logged.find("boom"), std::string::npos);
}

TEST_F(Info, CertificateIsAddressableByItsSniName) {
  Response r = call("GET", "/certificates/unknown.example.com");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body(r), Value::object({{"message", "SNI not found"}}));
}

}  // namespace
}  // namespace kongdb::admin::testing
