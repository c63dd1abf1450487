// The auth plugins' credential endpoints (Kong's generated endpoints for acls,
// basicauth_credentials, hmacauth_credentials, jwt_secrets, oauth2_credentials, oauth2_tokens,
// sessions, and the acl plugin's api.lua), their schemas, and bad input.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "unit/admin/api_test_support.h"

namespace kongdb::admin::testing {
namespace {

class Credentials : public AdminApiTest {
 protected:
  static constexpr const char* kBobId = "5e0bf6ac-12fb-4c1a-9bd9-8d2a2d3e0e11";

  void SetUp() override {
    AdminApiTest::SetUp();
    Response r = call("PUT", std::string("/consumers/") + kBobId, R"({"username":"bob"})");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  size_t listed(const std::string& path) {
    Response r = call("GET", path);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    const Value page = body(r);
    const Value* data = page.find("data");
    return data && data->is_array() ? data->as_array().size() : 0;
  }
};

std::string rsa_public_pem() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string json_string(const std::string& s) { return json::encode(Value(s)); }

// --- basic-auth ---

// Expected: printf '%s' "s3cret5e0bf6ac-12fb-4c1a-9bd9-8d2a2d3e0e11" | sha1sum
TEST_F(Credentials, BasicAuthCreatedUnderItsConsumerStoresTheKongHash) {
  Value cred = create("/consumers/bob/basic-auth", R"({"username":"u1","password":"s3cret"})");
  EXPECT_EQ(str(cred, "password"), "f24b8e522667907a44f033c0a15560997e6930f7");
  EXPECT_EQ(*cred.find("consumer"), Value::object({{"id", kBobId}}));
  EXPECT_EQ(body(call("GET", "/consumers/bob/basic-auth/u1")), cred);
  EXPECT_EQ(body(call("GET", "/consumers/bob/basic-auth/" + str(cred, "id"))), cred);
  EXPECT_EQ(body(call("GET", "/basic-auths/u1")), cred);
  EXPECT_EQ(str(body(call("GET", "/basic-auths/" + str(cred, "id") + "/consumer")), "username"), "bob");
  EXPECT_EQ(listed("/basic-auths"), 1u);
  EXPECT_EQ(listed("/consumers/bob/basic-auth"), 1u);
}

TEST_F(Credentials, BasicAuthPatchUnderItsConsumerRehashesThePassword) {
  create("/consumers/bob/basic-auth", R"({"username":"u1","password":"s3cret"})");
  Response r = call("PATCH", "/consumers/bob/basic-auth/u1", R"({"password":"changed"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body(r), "password"), "68dcf78128120253180b092c753d3909831db343");
  Response put = call("PUT", "/consumers/bob/basic-auth/u1", R"({"password":"upserted"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(str(body(put), "password"), "7411312061fcd8f03c223ccb53b4aff0b97725e9");
}

TEST_F(Credentials, BasicAuthDeleteByUsernameRemovesIt) {
  create("/consumers/bob/basic-auth", R"({"username":"u1","password":"s3cret"})");
  EXPECT_EQ(call("DELETE", "/consumers/bob/basic-auth/u1").status, 204);
  EXPECT_EQ(call("GET", "/basic-auths/u1").status, 404);
}

TEST_F(Credentials, BasicAuthUnderAMissingConsumerIs404AndWritesNothing) {
  Response r = call("POST", "/consumers/nobody/basic-auth", R"({"username":"u1","password":"p"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(listed("/basic-auths"), 0u);
}

TEST_F(Credentials, BasicAuthForAnUnknownConsumerIdIsAForeignKeyViolation) {
  Response r = call("POST", "/basic-auths",
                    R"({"username":"u1","password":"p","consumer":{"id":"7d9e5f3a-1b2c-4d5e-8f90-123456789abc"}})");
  ASSERT_EQ(r.status, 400) << r.body;
  Value b = body(r);
  EXPECT_EQ(*b.find("code"), Value(4));
  EXPECT_EQ(*b.find("name"), Value("foreign key violation"));
  EXPECT_EQ(*b.find("message"), Value("the foreign key '{id=\"7d9e5f3a-1b2c-4d5e-8f90-123456789abc\"}' does "
                                      "not reference an existing 'consumers' entity."));
  EXPECT_EQ(*b.find("fields"),
            Value::object({{"consumer", Value::object({{"id", "7d9e5f3a-1b2c-4d5e-8f90-123456789abc"}})}}));
  EXPECT_EQ(listed("/basic-auths"), 0u);
}

TEST_F(Credentials, BasicAuthWrongTypesAreSchemaViolations) {
  Response r = call("POST", "/consumers/bob/basic-auth", R"({"username":7,"password":["p"]})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("fields"),
            Value::object({{"username", "expected a string"}, {"password", "expected a string"}}));
  EXPECT_EQ(listed("/basic-auths"), 0u);
}

TEST_F(Credentials, BasicAuthDuplicateUsernameIs409) {
  create("/consumers/bob/basic-auth", R"({"username":"u1","password":"a"})");
  Response r = call("POST", "/consumers/bob/basic-auth", R"({"username":"u1","password":"b"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(*body(r).find("name"), Value("unique constraint violation"));
}

// --- acl ---

TEST_F(Credentials, AclIsAddressedByGroupUnderItsConsumer) {
  Value acl = create("/consumers/bob/acls", R"({"group":"admins"})");
  EXPECT_EQ(body(call("GET", "/consumers/bob/acls/admins")), acl);
  EXPECT_EQ(body(call("GET", std::string("/consumers/") + kBobId + "/acls/admins")), acl);
  EXPECT_EQ(body(call("GET", "/consumers/bob/acls/" + str(acl, "id"))), acl);
  EXPECT_EQ(body(call("GET", "/acls/" + str(acl, "id"))), acl);
  EXPECT_EQ(str(body(call("GET", "/acls/" + str(acl, "id") + "/consumer")), "username"), "bob");
  EXPECT_EQ(call("GET", "/consumers/bob/acls/nobody-here").status, 404);
  EXPECT_EQ(call("GET", "/consumers/nobody/acls/admins").status, 404);
}

TEST_F(Credentials, AclPutByGroupCreatesTheMembershipThenKeepsIt) {
  Response created = call("PUT", "/consumers/bob/acls/ops", R"({"tags":["t1"]})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(str(body(created), "group"), "ops");
  Response again = call("PUT", "/consumers/bob/acls/ops", "{}");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(body(again), "id"), str(body(created), "id"));
  EXPECT_EQ(listed("/acls"), 1u);
}

TEST_F(Credentials, AclPatchAndDeleteByGroup) {
  create("/consumers/bob/acls", R"({"group":"admins"})");
  Response patched = call("PATCH", "/consumers/bob/acls/admins", R"({"group":"owners"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(str(body(patched), "group"), "owners");
  EXPECT_EQ(call("PATCH", "/consumers/bob/acls/admins", R"({"group":"x"})").status, 404);
  EXPECT_EQ(call("DELETE", "/consumers/bob/acls/owners").status, 204);
  EXPECT_EQ(listed("/acls"), 0u);
}

TEST_F(Credentials, AclSameGroupTwiceForOneConsumerIs409) {
  create("/consumers/bob/acls", R"({"group":"admins"})");
  Response r = call("POST", "/consumers/bob/acls", R"({"group":"admins"})");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(listed("/acls"), 1u);
}

// --- hmac-auth ---

TEST_F(Credentials, HmacAuthGetsAGeneratedSecret) {
  Value cred = create("/consumers/bob/hmac-auth", R"({"username":"h1"})");
  EXPECT_EQ(str(cred, "secret").size(), 32u);
  EXPECT_EQ(body(call("GET", "/hmac-auths/h1")), cred);
  EXPECT_EQ(body(call("GET", "/consumers/bob/hmac-auth/h1")), cred);
  EXPECT_EQ(str(body(call("GET", "/hmac-auths/h1/consumer")), "username"), "bob");
}

// --- jwt ---

TEST_F(Credentials, JwtGetsGeneratedKeyAndSecret) {
  Value jwt = create("/consumers/bob/jwt", "{}");
  EXPECT_EQ(str(jwt, "key").size(), 32u);
  EXPECT_EQ(str(jwt, "secret").size(), 32u);
  EXPECT_EQ(str(jwt, "algorithm"), "HS256");
  EXPECT_EQ(body(call("GET", "/jwts/" + str(jwt, "key"))), jwt);
  EXPECT_EQ(body(call("GET", "/consumers/bob/jwt/" + str(jwt, "key"))), jwt);
}

TEST_F(Credentials, JwtRs256WithAMalformedKeyIsRefusedAndNothingIsWritten) {
  Response r = call("POST", "/consumers/bob/jwt", R"({"algorithm":"RS256","rsa_public_key":"not a key"})");
  ASSERT_EQ(r.status, 400) << r.body;
  Value b = body(r);
  EXPECT_EQ(*b.find("code"), Value(2));
  EXPECT_EQ(*b.find("fields"),
            Value::object({{"rsa_public_key", "invalid key"},
                           {"@entity", Value::array({"failed conditional validation given value of field 'algorithm'"})}}));
  EXPECT_EQ(listed("/jwts"), 0u);
}

TEST_F(Credentials, JwtRs256WithAPemPublicKeyIsStored) {
  const std::string pem = rsa_public_pem();
  Response r = call("POST", "/consumers/bob/jwt",
                    R"({"algorithm":"RS256","key":"issuer-1","rsa_public_key":)" + json_string(pem) + "}");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(str(body(r), "rsa_public_key"), pem);
  EXPECT_EQ(call("GET", "/jwts/issuer-1").status, 200);
}

// --- oauth2 ---

TEST_F(Credentials, Oauth2CredentialsAndTokensHaveKongsEndpoints) {
  Value cred = create("/consumers/bob/oauth2", R"({"name":"app","redirect_uris":["https://app.test/cb"]})");
  EXPECT_EQ(str(cred, "client_id").size(), 32u);
  EXPECT_EQ(str(cred, "client_secret").size(), 32u);
  EXPECT_EQ(body(call("GET", "/oauth2/" + str(cred, "client_id"))), cred);
  EXPECT_EQ(body(call("GET", "/consumers/bob/oauth2/" + str(cred, "client_id"))), cred);
  Value token = create("/oauth2_tokens",
                       R"({"credential":{"id":")" + str(cred, "id") + R"("},"expires_in":3600,"scope":"read"})");
  EXPECT_EQ(str(token, "access_token").size(), 32u);
  EXPECT_EQ(body(call("GET", "/oauth2_tokens/" + str(token, "access_token"))), token);
  EXPECT_EQ(listed("/oauth2/" + str(cred, "client_id") + "/oauth2_tokens"), 1u);
  EXPECT_EQ(str(body(call("GET", "/oauth2_tokens/" + str(token, "id") + "/credential")), "name"), "app");
  // Authorization codes are internal: Kong generates no endpoints for them.
  EXPECT_EQ(call("GET", "/oauth2_authorization_codes").status, 404);
  EXPECT_EQ(call("DELETE", "/consumers/bob").status, 204);
  EXPECT_EQ(listed("/oauth2"), 0u);
  EXPECT_EQ(listed("/oauth2_tokens"), 0u);
}

TEST_F(Credentials, Oauth2HashSecretAnswersTheHashNotTheSecret) {
  Value cred = create("/consumers/bob/oauth2", R"({"name":"app","client_secret":"s3cret","hash_secret":true})");
  EXPECT_EQ(str(cred, "client_secret").rfind("$pbkdf2-sha512$i=10000,l=32$", 0), 0u) << str(cred, "client_secret");
}

TEST_F(Credentials, Oauth2BadRedirectUriIsRefused) {
  Response r = call("POST", "/consumers/bob/oauth2", R"({"name":"app","redirect_uris":["nohost"]})");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(*body(r).find("fields"), Value::object({{"redirect_uris", Value::array({"cannot parse 'nohost'"})}}));
  EXPECT_EQ(listed("/oauth2"), 0u);
}

// --- consumers delete, sessions, schemas ---

TEST_F(Credentials, DeletingTheConsumerDeletesEveryCredential) {
  create("/consumers/bob/acls", R"({"group":"g"})");
  create("/consumers/bob/basic-auth", R"({"username":"u1","password":"p"})");
  create("/consumers/bob/hmac-auth", R"({"username":"h1"})");
  create("/consumers/bob/jwt", "{}");
  create("/consumers/bob/oauth2", R"({"name":"app"})");
  EXPECT_EQ(call("DELETE", "/consumers/bob").status, 204);
  for (const char* path : {"/acls", "/basic-auths", "/hmac-auths", "/jwts", "/oauth2"}) {
    EXPECT_EQ(listed(path), 0u) << path;
  }
}

TEST_F(Credentials, SessionsHaveGeneratedEndpointsAsInKong) {
  Value s = create("/sessions", R"({"session_id":"abc","data":"x"})");
  EXPECT_EQ(body(call("GET", "/sessions/abc")), s);
  EXPECT_EQ(call("DELETE", "/sessions/abc").status, 204);
}

TEST_F(Credentials, RootAndSchemasServeEveryCredentialPlugin) {
  Value root = body(call("GET", "/"));
  const Value& available = *root.find("plugins")->find("available_on_server");
  for (const char* name : {"acl", "basic-auth", "hmac-auth", "jwt", "oauth2", "session"}) {
    EXPECT_NE(available.find(name), nullptr) << name;
    EXPECT_EQ(call("GET", std::string("/schemas/plugins/") + name).status, 200) << name;
  }
  for (const char* entity : {"acls", "basicauth_credentials", "hmacauth_credentials", "jwt_secrets",
                             "oauth2_credentials", "oauth2_tokens", "sessions"}) {
    EXPECT_EQ(call("GET", std::string("/schemas/") + entity).status, 200) << entity;
  }
}

TEST_F(Credentials, PluginConfigsGetKongsDefaultsAndChecks) {
  Value jwt = create("/plugins", R"({"name":"jwt"})");
  EXPECT_EQ(*jwt.find("config")->find("header_names"), Value::array({"authorization"}));
  // A lifetime limit needs the exp claim among the verified ones (a missing list passes, as in Kong).
  Response limit = call("POST", "/schemas/plugins/validate",
                        R"({"name":"jwt","config":{"maximum_expiration":60,"claims_to_verify":["nbf"]}})");
  EXPECT_EQ(limit.status, 400) << limit.body;
  Response limited = call("POST", "/schemas/plugins/validate",
                          R"({"name":"jwt","config":{"maximum_expiration":60,"claims_to_verify":["exp"]}})");
  EXPECT_EQ(limited.status, 200) << limited.body;
  Response oauth = call("POST", "/schemas/plugins/validate", R"({"name":"oauth2","config":{}})");
  ASSERT_EQ(oauth.status, 400) << oauth.body;
  EXPECT_EQ(*body(oauth).find("fields"),
            Value::object({{"config", "at least one of these fields must be true: enable_authorization_code, "
                                      "enable_implicit_grant, enable_client_credentials, enable_password_grant"}}));
  Value o = create("/plugins", R"({"name":"oauth2","config":{"enable_client_credentials":true}})");
  EXPECT_EQ(str(*o.find("config"), "provision_key").size(), 32u);
  Value hmac = create("/plugins", R"({"name":"hmac-auth","config":{"algorithms":["hmac-sha256"]}})");
  EXPECT_EQ(*hmac.find("config")->find("clock_skew"), Value(300));
  Response bad_hmac =
      call("POST", "/schemas/plugins/validate", R"({"name":"hmac-auth","config":{"algorithms":["md5"]}})");
  EXPECT_EQ(bad_hmac.status, 400) << bad_hmac.body;
}

TEST_F(Credentials, SessionPluginGetsOneRandomSecretPerProcessAndMapsItsOldSettings) {
  Value a = create("/plugins", R"({"name":"session","config":{"cookie_lifetime":60,"cookie_samesite":"off"}})");
  const std::string secret = str(*a.find("config"), "secret");
  EXPECT_EQ(secret.size(), 44u);
  EXPECT_EQ(secret.find_first_of("/+="), std::string::npos) << secret;
  EXPECT_EQ(*a.find("config")->find("rolling_timeout"), Value(60));
  EXPECT_EQ(str(*a.find("config"), "cookie_same_site"), "Lax");
  create("/services", R"({"name":"s1","host":"example.com"})");
  Value b = create("/services/s1/plugins", R"({"name":"session"})");
  EXPECT_EQ(str(*b.find("config"), "secret"), secret);
}

TEST_F(Credentials, AcmePluginIsGlobalAndChecksItsStorage) {
  Value acme = create("/plugins", R"({"name":"acme","config":{"account_email":"ops@example.com"}})");
  EXPECT_TRUE(acme.find("config")->find("account_key")->is_null());
  EXPECT_EQ(str(*acme.find("config"), "storage"), "shm");
  create("/services", R"({"name":"s1","host":"example.com"})");
  Response scoped = call("POST", "/services/s1/plugins", R"({"name":"acme","config":{"account_email":"ops@example.com"}})");
  EXPECT_EQ(scoped.status, 400) << scoped.body;
  Response tos = call("POST", "/schemas/plugins/validate",
                      R"({"name":"acme","config":{"account_email":"a@b.c","api_uri":"https://acme-v02.api.letsencrypt.org"}})");
  ASSERT_EQ(tos.status, 400) << tos.body;
  EXPECT_EQ(*body(tos).find("fields"),
            Value::object({{"config", Value::object({{"tos_accepted", "value must be true"}})},
                           {"@entity", Value::array({"terms of service must be accepted, see "
                                                     "https://letsencrypt.org/repository/"})}}));
  Response redis = call("POST", "/schemas/plugins/validate",
                        R"({"name":"acme","config":{"account_email":"a@b.c","storage":"redis"}})");
  EXPECT_EQ(redis.status, 400) << redis.body;
  Value storage = create("/acme_storage", "{}");
  EXPECT_EQ(str(storage, "key").size(), 32u);
  EXPECT_EQ(str(storage, "value").size(), 32u);
}

}  // namespace
}  // namespace kongdb::admin::testing
