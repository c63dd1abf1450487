// Client mistakes answer Kong's 4xx bodies, never a 500, and write nothing.
#include "unit/admin/api_test_support.h"

namespace kongdb::admin::testing {
namespace {

using Errors = AdminApiTest;

TEST_F(Errors, InvalidEndpointKeyIsAClientError) {
  Response r = call("GET", "/services/bad%20name");
  EXPECT_GE(r.status, 400) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
}

TEST_F(Errors, UnknownPluginNameIsASchemaViolation) {
  Response r = call("POST", "/plugins", R"({"name":"no-such-plugin"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("code"), Value(2));
}

TEST_F(Errors, UnknownPluginConfigFieldNamesItsPath) {
  Response r = call("POST", "/plugins", R"({"name":"key-auth","config":{"garbage":true}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("message"), Value("schema violation (config.garbage: unknown field)"));
}

TEST_F(Errors, MissingForeignEntityIsAForeignKeyViolation) {
  Response r = call("POST", "/routes",
                    R"({"paths":["/a"],"service":{"id":"6f2d1b7e-3f5c-4c7a-9d1e-2b3c4d5e6f79"}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("code"), Value(4));
}

TEST_F(Errors, DeletingAReferencedServiceIsRefused) {
  create("/services", R"({"name":"s1","host":"example.com"})");
  create("/services/s1/routes", R"({"paths":["/a"]})");
  Response r = call("DELETE", "/services/s1");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("code"), Value(4));
  EXPECT_EQ(call("GET", "/services/s1").status, 200);
}

TEST_F(Errors, PutReplacesMissingFieldsWithNull) {
  Value route = create("/routes", R"({"hosts":["a.example"],"paths":["/a"]})");
  Response r = call("PUT", "/routes/" + str(route, "id"), R"({"paths":["/b"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body(r).find("hosts")->is_null());
}

TEST_F(Errors, EmptyRouteIsRejected) {
  Response r = call("POST", "/routes", "{}");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(Errors, JsonBodyThatIsNotAnObjectIsRefused) {
  EXPECT_EQ(call("POST", "/services", "[1,2]").status, 400);
  EXPECT_EQ(call("POST", "/services", "").status, 400);
}

TEST_F(Errors, MultipartBodyIsAccepted) {
  const std::string body_text =
      "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ns1\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"host\"\r\n\r\nexample.com\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"retries\"\r\n\r\n3\r\n--XyZ--\r\n";
  Response r = call("POST", "/services", body_text, "multipart/form-data; boundary=XyZ");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(*body(r).find("retries"), Value(3));
}

TEST_F(Errors, FormPatchOfPluginConfigIsCoercedByThePluginSchema) {
  Value p = create("/plugins", R"({"name":"key-auth"})");
  Response r = call("PATCH", "/plugins/" + str(p, "id"), "config.hide_credentials=true",
                    "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*body(r).find("config")->find("hide_credentials"), Value(true));
}

TEST_F(Errors, EmptyFormValueMeansNull) {
  create("/services", R"({"name":"s1","host":"example.com","path":"/p"})");
  Response r = call("PATCH", "/services/s1", "path=", "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body(r).find("path")->is_null());
}

TEST_F(Errors, ConfigEndpointNeedsDbLessMode) {
  Response r = call("GET", "/config");
  EXPECT_EQ(r.status, 400);
}

TEST_F(Errors, UpstreamHealthchecksPatchIsDeepMerged) {
  create("/upstreams", R"({"name":"up1"})");
  Response r = call("PATCH", "/upstreams/up1", R"({"healthchecks":{"active":{"timeout":5}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  Value b = body(r);
  const Value& active = *b.find("healthchecks")->find("active");
  EXPECT_EQ(*active.find("timeout"), Value(5));
  EXPECT_EQ(*active.find("concurrency"), Value(10));
}

}  // namespace
}  // namespace kongdb::admin::testing
