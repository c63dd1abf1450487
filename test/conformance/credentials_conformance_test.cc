// The credential entities of the bundled auth plugins (acl, basic-auth, hmac-auth, jwt, oauth2)
// and the session plugin's storage, on every backend: Kong's rules from the plugins' daos.lua
// (hashing, generated values, uniques, cascades on consumer delete, ttl).
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include "conformance/dao_conformance.h"
#include "kongdb/core/base64.h"
#include "kongdb/core/error.h"
#include "kongdb/core/json.h"

namespace kongdb::conformance {
namespace {

class Credentials : public DaoConformance {
 protected:
  // A consumer with a fixed id, so stored hashes can be compared with values computed outside.
  static constexpr const char* kBobId = "5e0bf6ac-12fb-4c1a-9bd9-8d2a2d3e0e11";

  void SetUp() override {
    DaoConformance::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bob = insert_ok("consumers", Value::object({{"id", kBobId}, {"username", "bob"}}));
    alice = insert_ok("consumers", Value::object({{"username", "alice"}}));
  }

  static Value ref(const Value& entity) { return Value::object({{"id", *entity.find("id")}}); }
  static std::string text(const Value& v, const char* key) {
    const Value* f = v.find(key);
    return f && f->is_string() ? f->as_string() : std::string("<missing>");
  }
  static std::string error_text(const Error& e) { return e.to_string() + " " + json::encode(e.fields); }

  Value bob, alice;
};

// A PEM public key OpenSSL produces here (Ed25519: quick to make, and any loadable key passes).
std::string ed25519_public_pem() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

// --- basic-auth ---

// Expected digests computed independently: printf '%s' "s3cret$ID" | sha1sum (and so on).
TEST_P(Credentials, BasicAuthStoresTheSha1HexOfPasswordFollowedByConsumerId) {
  Value cred = insert_ok("basicauth_credentials",
                         Value::object({{"consumer", ref(bob)}, {"username", "u1"}, {"password", "s3cret"}}));
  EXPECT_EQ(text(cred, "password"), "f24b8e522667907a44f033c0a15560997e6930f7");
  auto stored = dao("basicauth_credentials").select_by("username", Value("u1"));
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ(text(**stored, "password"), "f24b8e522667907a44f033c0a15560997e6930f7");
}

TEST_P(Credentials, BasicAuthRehashesAGivenPasswordOnUpdateAndUpsert) {
  Value cred = insert_ok("basicauth_credentials",
                         Value::object({{"consumer", ref(bob)}, {"username", "u1"}, {"password", "s3cret"}}));
  auto updated = dao("basicauth_credentials")
                     .update(ref(cred), Value::object({{"consumer", ref(bob)}, {"password", "changed"}}));
  ASSERT_TRUE(updated) << error_text(updated.error());
  EXPECT_EQ(text(*updated, "password"), "68dcf78128120253180b092c753d3909831db343");
  auto upserted = dao("basicauth_credentials")
                      .upsert_by("username", Value("u1"), Value::object({{"consumer", ref(bob)}, {"password", "upserted"}}));
  ASSERT_TRUE(upserted) << error_text(upserted.error());
  EXPECT_EQ(text(*upserted, "password"), "7411312061fcd8f03c223ccb53b4aff0b97725e9");
}

TEST_P(Credentials, BasicAuthUpdateWithoutAPasswordKeepsTheStoredHash) {
  Value cred = insert_ok("basicauth_credentials",
                         Value::object({{"consumer", ref(bob)}, {"username", "u1"}, {"password", "s3cret"}}));
  auto updated = dao("basicauth_credentials").update(ref(cred), Value::object({{"tags", Value::array({"t"})}}));
  ASSERT_TRUE(updated) << error_text(updated.error());
  EXPECT_EQ(text(*updated, "password"), "f24b8e522667907a44f033c0a15560997e6930f7");
}

// Kong's transformation check: a new password needs the consumer it is salted with.
TEST_P(Credentials, BasicAuthPasswordUpdateWithoutTheConsumerIsRefused) {
  Value cred = insert_ok("basicauth_credentials",
                         Value::object({{"consumer", ref(bob)}, {"username", "u1"}, {"password", "s3cret"}}));
  auto updated = dao("basicauth_credentials").update(ref(cred), Value::object({{"password", "changed"}}));
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::SchemaViolation);
  EXPECT_EQ(updated.error().message,
            "schema violation (all or none of these fields must be set: 'password', 'consumer.id')");
}

TEST_P(Credentials, BasicAuthUsernameIsUniqueAcrossConsumers) {
  insert_ok("basicauth_credentials", Value::object({{"consumer", ref(bob)}, {"username", "u1"}, {"password", "a"}}));
  auto dup = dao("basicauth_credentials")
                 .insert(Value::object({{"consumer", ref(alice)}, {"username", "u1"}, {"password", "b"}}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(count("basicauth_credentials"), 1);
}

TEST_P(Credentials, BasicAuthWithANonStringPasswordIsASchemaViolation) {
  auto r = dao("basicauth_credentials")
               .insert(Value::object({{"consumer", ref(bob)}, {"username", "u1"}, {"password", 42}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::SchemaViolation);
  EXPECT_EQ(r.error().fields, Value::object({{"password", "expected a string"}}));
  EXPECT_EQ(count("basicauth_credentials"), 0);
}

// --- acl ---

TEST_P(Credentials, AclGroupIsUniquePerConsumerButSharedAcrossConsumers) {
  insert_ok("acls", Value::object({{"consumer", ref(bob)}, {"group", "admins"}}));
  insert_ok("acls", Value::object({{"consumer", ref(alice)}, {"group", "admins"}}));
  auto dup = dao("acls").insert(Value::object({{"consumer", ref(bob)}, {"group", "admins"}}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
  EXPECT_EQ(count("acls"), 2);
}

TEST_P(Credentials, AclIsFoundByItsConsumerAndGroupCacheKey) {
  Value acl = insert_ok("acls", Value::object({{"consumer", ref(bob)}, {"group", "admins"}}));
  dao::DAO& acls = dao("acls");
  const std::string key = acls.cache_key({Value(kBobId), Value("admins")});
  auto found = acls.select_by_cache_key(Value(key));
  ASSERT_TRUE(found) << error_text(found.error());
  ASSERT_TRUE(*found);
  EXPECT_EQ(text(**found, "id"), text(acl, "id"));
  auto other = acls.select_by_cache_key(Value(acls.cache_key({Value(kBobId), Value("ops")})));
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
}

TEST_P(Credentials, AclWithoutAGroupIsASchemaViolation) {
  auto r = dao("acls").insert(Value::object({{"consumer", ref(bob)}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields, Value::object({{"group", "required field missing"}}));
}

// --- hmac-auth ---

TEST_P(Credentials, HmacSecretIsGeneratedWhenAbsentAndKeptWhenGiven) {
  Value generated = insert_ok("hmacauth_credentials", Value::object({{"consumer", ref(bob)}, {"username", "h1"}}));
  EXPECT_EQ(text(generated, "secret").size(), 32u);
  Value given = insert_ok("hmacauth_credentials",
                          Value::object({{"consumer", ref(bob)}, {"username", "h2"}, {"secret", "mine"}}));
  EXPECT_EQ(text(given, "secret"), "mine");
  auto dup = dao("hmacauth_credentials").insert(Value::object({{"consumer", ref(alice)}, {"username", "h1"}}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
}

// --- jwt ---

TEST_P(Credentials, JwtKeyAndSecretAreGeneratedAndTheAlgorithmDefaultsToHs256) {
  Value jwt = insert_ok("jwt_secrets", Value::object({{"consumer", ref(bob)}}));
  EXPECT_EQ(text(jwt, "key").size(), 32u);
  EXPECT_EQ(text(jwt, "secret").size(), 32u);
  EXPECT_NE(text(jwt, "key"), text(jwt, "secret"));
  EXPECT_EQ(text(jwt, "algorithm"), "HS256");
  auto dup = dao("jwt_secrets").insert(Value::object({{"consumer", ref(alice)}, {"key", text(jwt, "key")}}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
}

TEST_P(Credentials, JwtAsymmetricAlgorithmsNeedALoadablePublicKey) {
  auto missing = dao("jwt_secrets").insert(Value::object({{"consumer", ref(bob)}, {"algorithm", "RS256"}}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().fields,
            Value::object({{"rsa_public_key", "required field missing"},
                           {"@entity", Value::array({"failed conditional validation given value of field 'algorithm'"})}}));
  for (const char* bad : {"garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}) {
    auto r = dao("jwt_secrets")
                 .insert(Value::object({{"consumer", ref(bob)}, {"algorithm", "PS256"}, {"rsa_public_key", bad}}));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(*r.error().fields.find("rsa_public_key"), Value("invalid key"));
  }
  EXPECT_EQ(count("jwt_secrets"), 0);
  Value ok = insert_ok("jwt_secrets", Value::object({{"consumer", ref(bob)},
                                                     {"algorithm", "EdDSA"},
                                                     {"rsa_public_key", ed25519_public_pem()}}));
  EXPECT_EQ(text(ok, "algorithm"), "EdDSA");
}

// Kong's check leaves the ES* algorithms out: no key is required for them.
TEST_P(Credentials, JwtEs256NeedsNoPublicKeyAsInKong) {
  Value jwt = insert_ok("jwt_secrets", Value::object({{"consumer", ref(bob)}, {"algorithm", "ES256"}}));
  EXPECT_EQ(text(jwt, "algorithm"), "ES256");
}

TEST_P(Credentials, JwtUnknownAlgorithmIsRefused) {
  auto r = dao("jwt_secrets").insert(Value::object({{"consumer", ref(bob)}, {"algorithm", "none"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields,
            Value::object({{"algorithm", "expected one of: HS256, HS384, HS512, RS256, RS384, RS512, ES256, "
                                         "ES384, ES512, PS256, PS384, PS512, EdDSA"}}));
}

// --- oauth2 ---

TEST_P(Credentials, Oauth2ClientIdAndSecretAreGeneratedAndKeptInClearByDefault) {
  Value cred = insert_ok("oauth2_credentials", Value::object({{"consumer", ref(bob)}, {"name", "app"}}));
  EXPECT_EQ(text(cred, "client_id").size(), 32u);
  EXPECT_EQ(text(cred, "client_secret").size(), 32u);
  EXPECT_EQ(*cred.find("hash_secret"), Value(false));
  EXPECT_EQ(text(cred, "client_type"), "confidential");
  auto by_client_id = dao("oauth2_credentials").select_by("client_id", *cred.find("client_id"));
  ASSERT_TRUE(by_client_id && *by_client_id);
}

// The stored form re-derived here with OpenSSL from its own salt and parameters.
TEST_P(Credentials, Oauth2HashSecretStoresAPbkdf2Sha512PhcString) {
  Value cred = insert_ok("oauth2_credentials", Value::object({{"consumer", ref(bob)},
                                                              {"name", "app"},
                                                              {"client_secret", "s3cret"},
                                                              {"hash_secret", true}}));
  const std::string phc = text(cred, "client_secret");
  const std::string prefix = "$pbkdf2-sha512$i=10000,l=32$";
  ASSERT_EQ(phc.rfind(prefix, 0), 0u) << phc;
  const std::string rest = phc.substr(prefix.size());
  const size_t dollar = rest.find('$');
  ASSERT_NE(dollar, std::string::npos);
  auto salt = base64::decode(rest.substr(0, dollar));
  auto hash = base64::decode(rest.substr(dollar + 1));
  ASSERT_TRUE(salt && hash);
  EXPECT_EQ(salt->size(), 16u);
  unsigned char expected[32];
  ASSERT_EQ(PKCS5_PBKDF2_HMAC("s3cret", 6, reinterpret_cast<const unsigned char*>(salt->data()),
                              static_cast<int>(salt->size()), 10000, EVP_sha512(), 32, expected),
            1);
  EXPECT_EQ(*hash, std::string(reinterpret_cast<const char*>(expected), 32));
  // A second credential with the same secret gets a fresh salt.
  Value other = insert_ok("oauth2_credentials", Value::object({{"consumer", ref(bob)},
                                                               {"name", "app2"},
                                                               {"client_secret", "s3cret"},
                                                               {"hash_secret", true}}));
  EXPECT_NE(text(other, "client_secret"), phc);
}

TEST_P(Credentials, Oauth2RedirectUrisMustHaveSchemeAndHostAndNoFragment) {
  auto r = dao("oauth2_credentials")
               .insert(Value::object({{"consumer", ref(bob)},
                                      {"name", "app"},
                                      {"redirect_uris", Value::array({"https://ok.test/cb", "/relative", "http://h.test/#f"})}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fields,
            Value::object({{"redirect_uris", Value::array({Value(), "cannot parse '/relative'",
                                                           "fragment not allowed in 'http://h.test/#f'"})}}));
  EXPECT_EQ(count("oauth2_credentials"), 0);
}

TEST_P(Credentials, Oauth2TokensGetAnAccessTokenAndExpireWithTheirTtl) {
  Value cred = insert_ok("oauth2_credentials", Value::object({{"consumer", ref(bob)}, {"name", "app"}}));
  Value token = insert_ok("oauth2_tokens", Value::object({{"credential", ref(cred)}, {"expires_in", 10}}),
                          Value::object({{"ttl", 10}}));
  EXPECT_EQ(text(token, "access_token").size(), 32u);
  EXPECT_EQ(text(token, "token_type"), "bearer");
  auto found = dao("oauth2_tokens").select_by("access_token", *token.find("access_token"));
  ASSERT_TRUE(found && *found);
  clock.advance(11);
  auto expired = dao("oauth2_tokens").select_by("access_token", *token.find("access_token"));
  ASSERT_TRUE(expired);
  EXPECT_FALSE(*expired);
  EXPECT_EQ(count("oauth2_tokens"), 0);
}

TEST_P(Credentials, Oauth2TokensAndCodesGoWithTheirCredential) {
  Value cred = insert_ok("oauth2_credentials", Value::object({{"consumer", ref(bob)}, {"name", "app"}}));
  insert_ok("oauth2_tokens", Value::object({{"credential", ref(cred)}, {"expires_in", 10}}));
  Value code = insert_ok("oauth2_authorization_codes", Value::object({{"credential", ref(cred)}}));
  EXPECT_EQ(text(code, "code").size(), 32u);
  ASSERT_TRUE(dao("consumers").remove(ref(bob)));
  EXPECT_EQ(count("oauth2_credentials"), 0);
  EXPECT_EQ(count("oauth2_tokens"), 0);
  EXPECT_EQ(count("oauth2_authorization_codes"), 0);
}

// --- every credential ---

TEST_P(Credentials, ACredentialForAMissingConsumerIsAForeignKeyViolationAndWritesNothing) {
  const Value missing = Value::object({{"id", "7d9e5f3a-1b2c-4d5e-8f90-123456789abc"}});
  const std::pair<const char*, Value> cases[] = {
      {"acls", Value::object({{"group", "g"}})},
      {"basicauth_credentials", Value::object({{"username", "u"}, {"password", "p"}})},
      {"hmacauth_credentials", Value::object({{"username", "h"}})},
      {"jwt_secrets", Value::object()},
      {"oauth2_credentials", Value::object({{"name", "app"}})},
  };
  for (const auto& [entity, fields] : cases) {
    Value input = fields;
    input.as_object().set("consumer", missing);
    auto r = dao(entity).insert(input);
    ASSERT_FALSE(r) << entity;
    EXPECT_EQ(r.error().code, ErrorCode::ForeignKeyViolation) << entity << ": " << error_text(r.error());
    EXPECT_EQ(count(entity), 0) << entity;
  }
}

TEST_P(Credentials, DeletingAConsumerRemovesAllItsCredentialsAndKeepsOthers) {
  for (const Value* who : {&bob, &alice}) {
    const std::string tag = text(*who, "username");
    insert_ok("acls", Value::object({{"consumer", ref(*who)}, {"group", "g"}}));
    insert_ok("basicauth_credentials",
              Value::object({{"consumer", ref(*who)}, {"username", "b-" + tag}, {"password", "p"}}));
    insert_ok("hmacauth_credentials", Value::object({{"consumer", ref(*who)}, {"username", "h-" + tag}}));
    insert_ok("jwt_secrets", Value::object({{"consumer", ref(*who)}}));
    insert_ok("oauth2_credentials", Value::object({{"consumer", ref(*who)}, {"name", "app"}}));
  }
  ASSERT_TRUE(dao("consumers").remove(ref(bob)));
  for (const char* entity :
       {"acls", "basicauth_credentials", "hmacauth_credentials", "jwt_secrets", "oauth2_credentials"}) {
    EXPECT_EQ(count(entity), 1) << entity;
    auto left = dao(entity).page_for("consumer", ref(alice));
    ASSERT_TRUE(left) << entity;
    EXPECT_EQ(left->rows.size(), 1u) << entity;
  }
}

// A rename through the endpoint key to a value another row holds.
TEST_P(Credentials, RenamingByEndpointKeyToATakenValueIsAUniqueViolation) {
  insert_ok("sessions", Value::object({{"session_id", "s1"}}));
  insert_ok("sessions", Value::object({{"session_id", "s2"}}));
  auto renamed = dao("sessions").update_by("session_id", Value("s1"), Value::object({{"session_id", "s2"}}));
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().code, ErrorCode::UniqueViolation) << error_text(renamed.error());
  insert_ok("basicauth_credentials", Value::object({{"consumer", ref(bob)}, {"username", "u1"}, {"password", "a"}}));
  insert_ok("basicauth_credentials", Value::object({{"consumer", ref(bob)}, {"username", "u2"}, {"password", "b"}}));
  auto taken = dao("basicauth_credentials").update_by("username", Value("u1"), Value::object({{"username", "u2"}}));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::UniqueViolation) << error_text(taken.error());
  auto kept = dao("sessions").select_by("session_id", Value("s1"));
  ASSERT_TRUE(kept && *kept);
}

// --- session ---

TEST_P(Credentials, SessionsAreUniqueBySessionIdAndExpireWithTheirTtl) {
  insert_ok("sessions", Value::object({{"session_id", "s1"}, {"data", "x"}, {"expires", 100}}),
            Value::object({{"ttl", 5}}));
  auto dup = dao("sessions").insert(Value::object({{"session_id", "s1"}}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::UniqueViolation);
  auto found = dao("sessions").select_by("session_id", Value("s1"));
  ASSERT_TRUE(found && *found);
  clock.advance(6);
  auto gone = dao("sessions").select_by("session_id", Value("s1"));
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, Credentials, ::testing::ValuesIn(backends()), BackendName);

}  // namespace kongdb::conformance
