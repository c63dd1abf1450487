// Generated entity endpoints: CRUD status codes and bodies, nested routes, pagination, tags.
#include "unit/admin/api_test_support.h"

namespace kongdb::admin::testing {
namespace {

using Entities = AdminApiTest;

TEST_F(Entities, PostServiceReturns201WithDefaultsAndExplicitNulls) {
  Response r = call("POST", "/services", R"({"name":"s1","url":"http://example.com:8080/p"})");
  ASSERT_EQ(r.status, 201) << r.body;
  Value s = body(r);
  EXPECT_EQ(*s.find("host"), Value("example.com"));
  EXPECT_EQ(*s.find("port"), Value(8080));
  EXPECT_EQ(*s.find("retries"), Value(5));
  EXPECT_TRUE(s.find("client_certificate")->is_null());
  EXPECT_TRUE(s.find("created_at")->is_integer());
  EXPECT_EQ(header(r, "content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(header(r, "server"), std::string("kong/") + kKongCompatibleVersion);
}

TEST_F(Entities, GetByIdAndByNameReturnTheSameService) {
  Value s = create("/services", R"({"name":"s1","host":"example.com"})");
  Response by_id = call("GET", "/services/" + str(s, "id"));
  Response by_name = call("GET", "/services/s1");
  EXPECT_EQ(by_id.status, 200);
  EXPECT_EQ(by_name.status, 200);
  EXPECT_EQ(body(by_id), body(by_name));
}

TEST_F(Entities, GetOfMissingServiceReturns404NotFound) {
  Response r = call("GET", "/services/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(body(r), Value::object({{"message", "Not found"}}));
}

TEST_F(Entities, DeleteOfMissingServiceReturns204) {
  EXPECT_EQ(call("DELETE", "/services/nope").status, 204);
  EXPECT_EQ(call("DELETE", "/services/00000000-0000-4000-8000-000000000099").status, 204);
}

TEST_F(Entities, DeleteRemovesTheService) {
  create("/services", R"({"name":"s1","host":"example.com"})");
  Response r = call("DELETE", "/services/s1");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(call("GET", "/services/s1").status, 404);
}

TEST_F(Entities, PutByNameCreatesThenReplacesTheWholeEntity) {
  Response created = call("PUT", "/services/s1", R"({"host":"a.example","path":"/x"})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(*body(created).find("name"), Value("s1"));
  Response replaced = call("PUT", "/services/s1", R"({"host":"b.example"})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  Value s = body(replaced);
  EXPECT_EQ(*s.find("host"), Value("b.example"));
  EXPECT_TRUE(s.find("path")->is_null());
  EXPECT_EQ(str(body(created), "id"), str(s, "id"));
}

TEST_F(Entities, PutWithUuidCreatesWithThatId) {
  const std::string id = "6f2d1b7e-3f5c-4c7a-9d1e-2b3c4d5e6f70";
  Response r = call("PUT", "/consumers/" + id, R"({"username":"alice"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body(r), "id"), id);
}

TEST_F(Entities, PatchUpdatesOnlyGivenFields) {
  create("/services", R"({"name":"s1","host":"example.com","path":"/keep"})");
  Response r = call("PATCH", "/services/s1", R"({"port":9000})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*body(r).find("port"), Value(9000));
  EXPECT_EQ(*body(r).find("path"), Value("/keep"));
}

TEST_F(Entities, PatchOfMissingServiceReturns404) {
  EXPECT_EQ(call("PATCH", "/services/00000000-0000-4000-8000-000000000099", R"({"port":9000})").status, 404);
}

TEST_F(Entities, PatchDeepMergesPluginConfig) {
  Value p = create("/plugins", R"({"name":"key-auth","config":{"key_names":["k"]}})");
  Response r = call("PATCH", "/plugins/" + str(p, "id"), R"({"config":{"hide_credentials":true}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const Value patched = body(r);
  const Value& config = *patched.find("config");
  EXPECT_EQ(*config.find("hide_credentials"), Value(true));
  EXPECT_EQ(*config.find("key_names"), Value::array({"k"}));
}

TEST_F(Entities, SchemaViolationReturns400WithKongBody) {
  Response r = call("POST", "/services", R"({"name":"s1"})");
  ASSERT_EQ(r.status, 400);
  Value b = body(r);
  EXPECT_EQ(*b.find("code"), Value(2));
  EXPECT_EQ(*b.find("name"), Value("schema violation"));
  EXPECT_EQ(*b.find("message"), Value("schema violation (host: required field missing)"));
  EXPECT_EQ(*b.find("fields"), Value::object({{"host", "required field missing"}}));
  EXPECT_EQ(b.find("strategy"), nullptr);
}

TEST_F(Entities, ArrayIndexesInMessagesAreOneBased) {
  Response r = call("POST", "/routes", R"({"paths":["/ok","no-slash"]})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(str(body(r), "message").find("paths.2"), std::string::npos) << r.body;
}

TEST_F(Entities, DuplicateNameReturns409) {
  create("/services", R"({"name":"s1","host":"example.com"})");
  Response r = call("POST", "/services", R"({"name":"s1","host":"example.com"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(*body(r).find("code"), Value(5));
}

TEST_F(Entities, MalformedJsonReturns400CannotParse) {
  Response r = call("POST", "/services", R"({"name":)");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r), Value::object({{"message", "Cannot parse JSON body"}}));
}

TEST_F(Entities, UnsupportedContentTypeReturns415) {
  EXPECT_EQ(call("POST", "/services", "name=x", "text/plain").status, 415);
}

TEST_F(Entities, FormBodyValuesAreCoercedBySchema) {
  Response r = call("POST", "/services", "name=s1&host=example.com&port=8081&enabled=false",
                    "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(*body(r).find("port"), Value(8081));
  EXPECT_EQ(*body(r).find("enabled"), Value(false));
}

TEST_F(Entities, FormArraysAndForeignKeysAreAccepted) {
  Value s = create("/services", R"({"name":"s1","host":"example.com"})");
  Response r = call("POST", "/routes",
                    "paths[]=/a&paths[]=/b&methods=GET&service.id=" + str(s, "id"),
                    "application/x-www-form-urlencoded");
  ASSERT_EQ(r.status, 201) << r.body;
  Value route = body(r);
  EXPECT_EQ(*route.find("paths"), Value::array({"/a", "/b"}));
  EXPECT_EQ(*route.find("methods"), Value::array({"GET"}));
  EXPECT_EQ(*route.find("service"), Value::object({{"id", str(s, "id")}}));
}

TEST_F(Entities, ForeignReferenceIgnoresKeysOtherThanThePrimaryKey) {
  Value s = create("/services", R"({"name":"s1","host":"example.com"})");
  Response r = call("POST", "/routes",
                    R"({"paths":["/a"],"service":{"id":")" + str(s, "id") + R"(","name":"s1"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(*body(r).find("service"), Value::object({{"id", str(s, "id")}}));
}

TEST_F(Entities, NestedCollectionListsAndCreatesUnderTheParent) {
  Value s = create("/services", R"({"name":"s1","host":"example.com"})");
  Response posted = call("POST", "/services/s1/routes", R"({"paths":["/a"]})");
  ASSERT_EQ(posted.status, 201) << posted.body;
  EXPECT_EQ(*body(posted).find("service"), Value::object({{"id", str(s, "id")}}));
  create("/routes", R"({"paths":["/other"]})");
  Response list = call("GET", "/services/s1/routes");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(body(list).find("data")->as_array().size(), 1u);
  EXPECT_EQ(call("GET", "/services/missing/routes").status, 404);
}

TEST_F(Entities, NestedEntityOfAnotherParentReturns404) {
  create("/services", R"({"name":"s1","host":"example.com"})");
  create("/services", R"({"name":"s2","host":"example.com"})");
  Value route = create("/services/s1/routes", R"({"name":"r1","paths":["/a"]})");
  EXPECT_EQ(call("GET", "/services/s1/routes/r1").status, 200);
  EXPECT_EQ(call("GET", "/services/s2/routes/r1").status, 404);
  EXPECT_EQ(call("DELETE", "/services/s2/routes/r1").status, 404);
  EXPECT_EQ(call("PATCH", "/services/s2/routes/r1", R"({"paths":["/b"]})").status, 404);
  EXPECT_EQ(call("DELETE", "/services/s1/routes/" + str(route, "id")).status, 204);
  EXPECT_EQ(call("GET", "/routes/r1").status, 404);
}

TEST_F(Entities, ParentAccessorReadsUpdatesAndRefusesDelete) {
  create("/services", R"({"name":"s1","host":"example.com"})");
  create("/services/s1/routes", R"({"name":"r1","paths":["/a"]})");
  Response got = call("GET", "/routes/r1/service");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(str(body(got), "name"), "s1");
  Response patched = call("PATCH", "/routes/r1/service", R"({"port":8443})");
  EXPECT_EQ(patched.status, 200);
  EXPECT_EQ(*body(patched).find("port"), Value(8443));
  Response deleted = call("DELETE", "/routes/r1/service");
  EXPECT_EQ(deleted.status, 405);
  EXPECT_EQ(body(deleted), Value::object({{"message", "Method not allowed"}}));
}

TEST_F(Entities, ParentAccessorPutCreatesAndAssociatesAService) {
  create("/routes", R"({"name":"r1","paths":["/a"]})");
  EXPECT_EQ(call("GET", "/routes/r1/service").status, 404);
  EXPECT_EQ(call("DELETE", "/routes/r1/service").status, 404);
  Response put = call("PUT", "/routes/r1/service", R"({"host":"example.com"})");
  ASSERT_EQ(put.status, 200) << put.body;
  Value route = body(call("GET", "/routes/r1"));
  EXPECT_EQ(*route.find("service"), Value::object({{"id", str(body(put), "id")}}));
}

TEST_F(Entities, PaginationFollowsOffsetsUntilTheLastPage) {
  for (int i = 0; i < 5; ++i) create("/consumers", R"({"username":"u)" + std::to_string(i) + R"("})");
  std::string target = "/consumers?size=2";
  size_t seen = 0;
  int pages = 0;
  while (true) {
    Response r = call("GET", target);
    ASSERT_EQ(r.status, 200) << r.body;
    Value b = body(r);
    seen += b.find("data")->as_array().size();
    ++pages;
    if (b.find("next")->is_null()) {
      EXPECT_EQ(b.find("offset"), nullptr);
      break;
    }
    const std::string next = b.find("next")->as_string();
    EXPECT_NE(next.find("&size=2"), std::string::npos) << next;
    target = next;
  }
  EXPECT_EQ(seen, 5u);
  EXPECT_EQ(pages, 3);
}

TEST_F(Entities, ExactlyFullLastPageHasNoOffset) {
  for (int i = 0; i < 2; ++i) create("/consumers", R"({"username":"u)" + std::to_string(i) + R"("})");
  Value b = body(call("GET", "/consumers?size=2"));
  EXPECT_EQ(b.find("data")->as_array().size(), 2u);
  EXPECT_TRUE(b.find("next")->is_null());
  EXPECT_EQ(b.find("offset"), nullptr);
}

TEST_F(Entities, EmptyCollectionIsAnEmptyArray) {
  Response r = call("GET", "/services");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"data":[],"next":null})");
}

TEST_F(Entities, InvalidSizesReturnKongError9) {
  for (const char* q : {"size=0", "size=1001", "size=1.5"}) {
    Response r = call("GET", std::string("/services?") + q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(*body(r).find("code"), Value(9)) << q;
    EXPECT_EQ(*body(r).find("message"), Value("size must be an integer between 1 and 1000")) << q;
  }
  Response r = call("GET", "/services?size=abc");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(*body(r).find("message"), Value("size must be a number"));
}

TEST_F(Entities, ForgedOffsetReturns400) {
  Response r = call("GET", "/services?offset=%25%25%25");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("code"), Value(7));
  Response r2 = call("GET", "/services?offset=bm90IGpzb24");
  EXPECT_EQ(r2.status, 400) << r2.body;
}

TEST_F(Entities, TagFiltersCombineWithCommaAndSlash) {
  create("/consumers", R"({"username":"a","tags":["x","y"]})");
  create("/consumers", R"({"username":"b","tags":["x"]})");
  create("/consumers", R"({"username":"c","tags":["z"]})");
  EXPECT_EQ(body(call("GET", "/consumers?tags=x,y")).find("data")->as_array().size(), 1u);
  EXPECT_EQ(body(call("GET", "/consumers?tags=x")).find("data")->as_array().size(), 2u);
  EXPECT_EQ(body(call("GET", "/consumers?tags=y/z")).find("data")->as_array().size(), 2u);
  Response bad = call("GET", "/consumers?tags=");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(*body(bad).find("code"), Value(11));
}

TEST_F(Entities, ConsumerSearchByCustomId) {
  create("/consumers", R"({"username":"a","custom_id":"c-1"})");
  Value found = body(call("GET", "/consumers?custom_id=c-1"));
  ASSERT_EQ(found.find("data")->as_array().size(), 1u);
  EXPECT_TRUE(found.find("next")->is_null());
  EXPECT_TRUE(body(call("GET", "/consumers?custom_id=nope")).find("data")->as_array().empty());
  Response empty = call("GET", "/consumers?custom_id=");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(body(empty), Value::object({{"message", "custom_id must be an unempty string"}}));
}

TEST_F(Entities, KeyAuthCredentialsAreServedTopLevelAndNested) {
  create("/consumers", R"({"username":"alice"})");
  Response k = call("POST", "/consumers/alice/key-auth", R"({"key":"secret-1"})");
  ASSERT_EQ(k.status, 201) << k.body;
  EXPECT_EQ(call("GET", "/consumers/alice/key-auth/secret-1").status, 200);
  EXPECT_EQ(body(call("GET", "/key-auths")).find("data")->as_array().size(), 1u);
  Response generated = call("POST", "/consumers/alice/key-auth", "", "");
  ASSERT_EQ(generated.status, 201) << generated.body;
  EXPECT_FALSE(str(body(generated), "key").empty());
  EXPECT_EQ(call("DELETE", "/consumers/alice/key-auth/secret-1").status, 204);
  EXPECT_EQ(call("GET", "/key-auths/secret-1").status, 404);
}

TEST_F(Entities, InvalidUuidWithoutEndpointKeyReturns400) {
  Response r = call("GET", "/ca_certificates/not-a-uuid");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("code"), Value(1));
}

TEST_F(Entities, TargetsAreReachedThroughTheirUpstreamOnly) {
  create("/upstreams", R"({"name":"up1"})");
  Response t = call("POST", "/upstreams/up1/targets", R"({"target":"10.0.0.1"})");
  ASSERT_EQ(t.status, 201) << t.body;
  EXPECT_EQ(str(body(t), "target"), "10.0.0.1:8000");
  EXPECT_EQ(call("GET", "/upstreams/up1/targets/10.0.0.1:8000").status, 200);
  EXPECT_EQ(call("GET", "/upstreams/up1/targets/10.0.0.1").status, 200);
  EXPECT_EQ(call("GET", "/targets").status, 404);
  EXPECT_EQ(call("DELETE", "/upstreams/up1/targets/" + str(body(t), "id")).status, 204);
  EXPECT_EQ(body(call("GET", "/upstreams/up1/targets")).find("data")->as_array().size(), 0u);
}

TEST_F(Entities, UpstreamHealthReportsHealthchecksOff) {
  create("/upstreams", R"({"name":"up1"})");
  create("/upstreams/up1/targets", R"({"target":"10.0.0.1:80"})");
  Response r = call("GET", "/upstreams/up1/health");
  ASSERT_EQ(r.status, 200) << r.body;
  Value b = body(r);
  ASSERT_EQ(b.find("data")->as_array().size(), 1u);
  EXPECT_EQ(*b.find("data")->as_array()[0].find("health"), Value("HEALTHCHECKS_OFF"));
  EXPECT_TRUE(b.find("node_id")->is_string());
  EXPECT_EQ(call("GET", "/upstreams/nope/health").status, 404);
}

TEST_F(Entities, TargetPutWithNewUuidCreatesIt) {
  create("/upstreams", R"({"name":"up1"})");
  const std::string id = "6f2d1b7e-3f5c-4c7a-9d1e-2b3c4d5e6f71";
  Response r = call("PUT", "/upstreams/up1/targets/" + id, R"({"target":"10.0.0.2:80","weight":5})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body(r), "id"), id);
  EXPECT_EQ(*body(r).find("weight"), Value(5));
}

TEST_F(Entities, TtlIsAcceptedOnKeyAuthCredentials) {
  create("/consumers", R"({"username":"alice"})");
  Response r = call("POST", "/consumers/alice/key-auth", R"({"key":"k1","ttl":10})");
  ASSERT_EQ(r.status, 201) << r.body;
  Response bad = call("POST", "/consumers", R"({"username":"b","ttl":10})");
  EXPECT_EQ(bad.status, 400) << bad.body;
}

}  // namespace
}  // namespace kongdb::admin::testing
