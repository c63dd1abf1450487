// Keys, key sets and vaults over the Admin API: Kong's /keys, /key-sets, /key-sets/{set}/keys,
// /vaults and /schemas/vaults/{name}.
#include "unit/admin/api_test_support.h"

namespace kongdb::admin::testing {
namespace {

std::string ec_jwk_key(const std::string& kid, const std::string& extra = "") {
  const std::string jwk = R"({"kty":"EC","crv":"P-256","kid":")" + kid +
                          R"(","x":"zqTrleWKBNCqcEUwlCA5kUWpWIl0gg3NSXidy22b048","y":"Qk2c-lDDfsxaNKNF3hUZQvkvzq7R11wJ0szLhJG6z-Y"})";
  Value b = Value::object({{"kid", kid}, {"jwk", jwk}});
  if (!extra.empty()) {
    auto more = json::parse(extra);
    for (const auto& [k, v] : more->as_object()) b.as_object().set(k, v);
  }
  return json::encode(b);
}

size_t page_size_of(const Value& page) { return page.find("data")->as_array().size(); }

using KeysApi = AdminApiTest;
using VaultsApi = AdminApiTest;

TEST_F(KeysApi, KeysAreReachableByIdAndNameAndListedUnderTheirSet) {
  Value set = create("/key-sets", R"({"name":"signing"})");
  Value key = create("/key-sets/signing/keys", ec_jwk_key("k1", R"({"name":"first"})"));
  EXPECT_EQ(*key.find("set"), Value::object({{"id", *set.find("id")}}));
  create("/keys", ec_jwk_key("k2", R"({"name":"loose"})"));

  Response by_name = call("GET", "/keys/first");
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(str(body(by_name), "id"), str(key, "id"));
  EXPECT_EQ(call("GET", "/key-sets/" + str(set, "id")).status, 200);
  EXPECT_EQ(page_size_of(body(call("GET", "/key-sets/signing/keys"))), 1u);
  EXPECT_EQ(page_size_of(body(call("GET", "/keys"))), 2u);
  Response parent = call("GET", "/keys/first/set");
  ASSERT_EQ(parent.status, 200) << parent.body;
  EXPECT_EQ(str(body(parent), "name"), "signing");
}

TEST_F(KeysApi, DeletingAKeySetRemovesItsKeys) {
  create("/key-sets", R"({"name":"s"})");
  create("/key-sets/s/keys", ec_jwk_key("a"));
  create("/key-sets/s/keys", ec_jwk_key("b"));
  EXPECT_EQ(call("DELETE", "/key-sets/s").status, 204);
  EXPECT_EQ(page_size_of(body(call("GET", "/keys"))), 0u);
}

TEST_F(KeysApi, PutByNameCreatesAndPatchRenames) {
  Response put = call("PUT", "/key-sets/by-put", "{}");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(body(put), "name"), "by-put");
  Response patch = call("PATCH", "/key-sets/by-put", R"({"name":"renamed"})");
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(call("GET", "/key-sets/renamed").status, 200);
}

TEST_F(KeysApi, InvalidKeysAreRefusedWithKongsErrorAndNothingIsStored) {
  Response mismatch = call("POST", "/keys", ec_jwk_key("a", R"({"kid":"other"})"));
  EXPECT_EQ(mismatch.status, 400);
  const Value expected = Value::object(
      {{"code", 2},
       {"name", "schema violation"},
       {"message", "schema violation (kid in jwk.kid must be equal to keys.kid)"},
       {"fields", Value::object({{"@entity", Value::array({"kid in jwk.kid must be equal to keys.kid"})}})}});
  EXPECT_EQ(body(mismatch), expected);
  Response none = call("POST", "/keys", R"({"kid":"a"})");
  EXPECT_EQ(none.status, 400);
  Response bad_pem = call("POST", "/keys", R"({"kid":"a","pem":{"private_key":"junk"}})");
  EXPECT_EQ(bad_pem.status, 400);
  EXPECT_EQ(str(*body(bad_pem).find("fields"), "pem").rfind("could not load private key", 0), 0u) << bad_pem.body;
  create("/keys", ec_jwk_key("dup", R"({"name":"dup"})"));
  EXPECT_EQ(call("POST", "/keys", ec_jwk_key("dup2", R"({"name":"dup"})")).status, 409);
  EXPECT_EQ(page_size_of(body(call("GET", "/keys"))), 1u);
}

TEST_F(VaultsApi, VaultsAreReachableByPrefix) {
  Value v = create("/vaults", R"({"prefix":"my-env","name":"env","description":"d","config":{"prefix":"APP_"}})");
  Response by_prefix = call("GET", "/vaults/my-env");
  ASSERT_EQ(by_prefix.status, 200) << by_prefix.body;
  EXPECT_EQ(str(body(by_prefix), "id"), str(v, "id"));
  Response patch = call("PATCH", "/vaults/my-env", R"({"config":{"prefix":"OTHER_"}})");
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(*body(patch).find("config"), Value::object({{"prefix", "OTHER_"}}));
  EXPECT_EQ(call("DELETE", "/vaults/my-env").status, 204);
  EXPECT_EQ(call("GET", "/vaults/my-env").status, 404);
}

TEST_F(VaultsApi, BadPrefixesAndUnknownVaultKindsAreRefused) {
  Response reserved = call("POST", "/vaults", R"({"prefix":"env","name":"env"})");
  EXPECT_EQ(reserved.status, 400);
  EXPECT_EQ(str(*body(reserved).find("fields"), "prefix"), "must not be one of: env");
  Response unknown = call("POST", "/vaults", R"({"prefix":"aws-1","name":"aws"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(str(*body(unknown).find("fields"), "name"), "vault 'aws' is not installed");
  EXPECT_EQ(page_size_of(body(call("GET", "/vaults"))), 0u);
}

TEST_F(VaultsApi, TheEnvVaultSchemaIsServedAndUnknownOnesAre404) {
  Response env = call("GET", "/schemas/vaults/env");
  ASSERT_EQ(env.status, 200) << env.body;
  EXPECT_NE(env.body.find("\"prefix\""), std::string::npos) << env.body;
  Response missing = call("GET", "/schemas/vaults/aws");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body(missing), Value::object({{"message", "No vault named 'aws'"}}));
  Response valid = call("POST", "/schemas/vaults/validate", R"({"prefix":"ok-1","name":"env"})");
  EXPECT_EQ(valid.status, 200) << valid.body;
}

}  // namespace
}  // namespace kongdb::admin::testing
