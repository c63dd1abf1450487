// The bundled plugins without entities over the Admin API: listed by GET / with Kong's
// priorities, their schemas served, defaults filled on POST, invalid configs refused with
// nothing written.
#include "unit/admin/api_test_support.h"

namespace kongdb::admin::testing {
namespace {

using BundledPluginsApi = AdminApiTest;

TEST_F(BundledPluginsApi, RootListsThemWithKongsPriorities) {
  Value root = body(call("GET", "/"));
  const Value* available = root.find("plugins")->find("available_on_server");
  ASSERT_NE(available, nullptr);
  const std::pair<const char*, int64_t> expected[] = {
      {"prometheus", 13}, {"http-log", 12}, {"ip-restriction", 990}, {"correlation-id", 100001},
      {"response-ratelimiting", 900}, {"ldap-auth", 1200}, {"redirect", 779}};
  for (const auto& [name, priority] : expected) {
    const Value* entry = available->find(name);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_EQ(*entry->find("priority"), Value(priority)) << name;
  }
}

TEST_F(BundledPluginsApi, SchemasAreServed) {
  for (const char* name : {"http-log", "file-log", "syslog", "request-termination", "response-transformer"}) {
    Response r = call("GET", std::string("/schemas/plugins/") + name);
    EXPECT_EQ(r.status, 200) << name << " " << r.body;
  }
}

TEST_F(BundledPluginsApi, PostFillsDefaultsAndBadConfigWritesNothing) {
  Response ok = call("POST", "/plugins", R"({"name":"request-termination","config":{"status_code":403}})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(*body(ok).find("config"),
            json::parse(R"({"status_code":403,"message":null,"content_type":null,"body":null,"echo":false,"trigger":null})").value());

  Response bad = call("POST", "/plugins", R"({"name":"ip-restriction","config":{"deny":["nope"]}})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(str(body(bad), "name"), "schema violation");
  Response missing = call("POST", "/plugins", R"({"name":"http-log","config":{}})");
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(body(call("GET", "/plugins")).find("data")->as_array().size(), 1u);
}

}  // namespace
}  // namespace kongdb::admin::testing
