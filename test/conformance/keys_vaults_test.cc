// Kong 3.x core entities keys, key_sets and vaults through the DAO, on every backend: their
// unique fields, the key_sets -> keys cascade, and Kong's validation of JWKs, PEM keys and vault
// prefixes (bad input writes nothing).
#include <string>

#include "conformance/dao_conformance.h"
#include "kongdb/core/error.h"
#include "kongdb/core/json.h"

namespace kongdb::conformance {
namespace {

/// v.a.b (null when a step is missing).
Value get(const Value& v, std::string_view path) {
  const Value* cur = &v;
  while (cur) {
    const size_t dot = path.find('.');
    cur = cur->find(path.substr(0, dot));
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  return cur ? *cur : Value();
}

class KeysAndVaults : public DaoConformance {
 protected:
  /// The error of a write that must fail; the test fails when it succeeded.
  Error refused(const Result<Value>& r) {
    EXPECT_FALSE(r.has_value()) << (r ? json::encode(*r) : std::string());
    return r ? Error{} : r.error();
  }
  static std::string entity_error(const Error& e) {
    const Value* list = e.fields.find("@entity");
    return list && list->is_array() && !list->as_array().empty() && list->as_array()[0].is_string()
               ? list->as_array()[0].as_string()
               : json::encode(e.fields);
  }
};

// An EC P-256 key pair, as PEM and as the JWK of the same key.
constexpr const char* kPrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBtg0fLPM2w9pde4a\n"
    "s+s73RaL9cNNYEe3feBvJE3ucxGhRANCAATOpOuV5YoE0KpwRTCUIDmRRalYiXSC\n"
    "Dc1JeJ3LbZvTj0JNnPpQw37MWjSjRd4VGUL5L86u0ddcCdLMy4SRus/m\n"
    "-----END PRIVATE KEY-----\n";
constexpr const char* kPublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEzqTrleWKBNCqcEUwlCA5kUWpWIl0\n"
    "gg3NSXidy22b049CTZz6UMN+zFo0o0XeFRlC+S/OrtHXXAnSzMuEkbrP5g==\n"
    "-----END PUBLIC KEY-----\n";
constexpr const char* kOtherPublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHYNfxR+ExORze4Oe/WQ/av3sEHEE\n"
    "75lDJ7+1+zTTbBq29nIzzOcXpGr/Of9OGRIOYu9yCiP6ERNugCfzbR2aFw==\n"
    "-----END PUBLIC KEY-----\n";

std::string ec_jwk(const std::string& kid, const std::string& extra = "") {
  return R"({"kty":"EC","crv":"P-256","kid":")" + kid +
         R"(","x":"zqTrleWKBNCqcEUwlCA5kUWpWIl0gg3NSXidy22b048","y":"Qk2c-lDDfsxaNKNF3hUZQvkvzq7R11wJ0szLhJG6z-Y")" +
         extra + "}";
}

Value jwk_key(const std::string& kid, const std::string& jwk_text) {
  return Value::object({{"kid", kid}, {"jwk", jwk_text}});
}

TEST_P(KeysAndVaults, AKeyWithAJwkIsStoredWithItsSetAndDefaults) {
  Value set = insert_ok("key_sets", J(R"({"name":"signing"})"));
  Value key = jwk_key("k1", ec_jwk("k1"));
  key.as_object().set("name", "first");
  key.as_object().set("set", Value::object({{"name", "signing"}}));
  Value stored = insert_ok("keys", key);
  EXPECT_EQ(get(stored, "set"), Value::object({{"id", get(set, "id")}}));
  EXPECT_EQ(get(stored, "kid"), Value("k1"));
  EXPECT_TRUE(get(stored, "pem").is_null());
  auto by_name = dao("keys").select_by("name", Value("first"));
  ASSERT_TRUE(by_name.has_value() && by_name->has_value());
  EXPECT_EQ(get(**by_name, "jwk"), Value(ec_jwk("k1")));
}

TEST_P(KeysAndVaults, AKeyWithAPemPairIsStored) {
  Value stored = insert_ok("keys", Value::object({{"kid", "pem1"},
                                                  {"pem", Value::object({{"private_key", kPrivatePem},
                                                                         {"public_key", kPublicPem}})}}));
  EXPECT_EQ(get(stored, "pem.public_key"), Value(kPublicPem));
  EXPECT_TRUE(get(stored, "jwk").is_null());
}

TEST_P(KeysAndVaults, KeySetAndKeyNamesAreUnique) {
  insert_ok("key_sets", J(R"({"name":"s"})"));
  Error e = refused(dao("key_sets").insert(J(R"({"name":"s"})")));
  EXPECT_EQ(e.code, ErrorCode::UniqueViolation);
  EXPECT_EQ(e.message, R"(UNIQUE violation detected on '{name="s"}')");

  Value key = jwk_key("a", ec_jwk("a"));
  key.as_object().set("name", "n");
  insert_ok("keys", key);
  Value again = jwk_key("b", ec_jwk("b"));
  again.as_object().set("name", "n");
  EXPECT_EQ(refused(dao("keys").insert(again)).code, ErrorCode::UniqueViolation);
  EXPECT_EQ(count("keys"), 1);
}

TEST_P(KeysAndVaults, TheSameKidTwiceInOneSetIsAUniqueViolationButAllowedAcrossSets) {
  insert_ok("key_sets", J(R"({"name":"one"})"));
  insert_ok("key_sets", J(R"({"name":"two"})"));
  auto in_set = [](const char* set) {
    Value k = jwk_key("same", ec_jwk("same"));
    k.as_object().set("set", Value::object({{"name", set}}));
    return k;
  };
  insert_ok("keys", in_set("one"));
  insert_ok("keys", in_set("two"));
  EXPECT_EQ(refused(dao("keys").insert(in_set("one"))).code, ErrorCode::UniqueViolation);
  EXPECT_EQ(count("keys"), 2);
}

TEST_P(KeysAndVaults, DeletingAKeySetDeletesItsKeys) {
  Value set = insert_ok("key_sets", J(R"({"name":"gone"})"));
  for (const char* kid : {"a", "b"}) {
    Value k = jwk_key(kid, ec_jwk(kid));
    k.as_object().set("set", Value::object({{"id", get(set, "id")}}));
    insert_ok("keys", k);
  }
  insert_ok("keys", jwk_key("free", ec_jwk("free")));
  ASSERT_TRUE(dao("key_sets").remove(Value::object({{"id", get(set, "id")}})).has_value());
  EXPECT_EQ(count("keys"), 1);
  EXPECT_EQ(count("key_sets"), 0);
}

TEST_P(KeysAndVaults, AKeyInAMissingSetIsAForeignKeyViolation) {
  Value k = jwk_key("a", ec_jwk("a"));
  k.as_object().set("set", Value::object({{"id", "7d9e5f3a-1b2c-4d5e-8f90-123456789abc"}}));
  EXPECT_EQ(refused(dao("keys").insert(k)).code, ErrorCode::ForeignKeyViolation);
  EXPECT_EQ(count("keys"), 0);
}

TEST_P(KeysAndVaults, BadKeyMaterialIsRefusedWithKongsMessagesAndNothingIsWritten) {
  struct Case {
    const char* what;
    Value key;
    std::string message;
  };
  const std::string rsa_without_e = R"({"kty":"RSA","kid":"r","n":"pjdss8ZaDfEH6K6U7GeW2nxDqR4IP049fk1fK0lndimb"})";
  const Case cases[] = {
      {"no key at all", J(R"({"kid":"a"})"), "at least one of these fields must be non-empty: 'jwk', 'pem'"},
      {"both formats", Value::object({{"kid", "a"}, {"jwk", ec_jwk("a")}, {"pem", Value::object({{"public_key", kPublicPem}})}}),
       "only one or none of these fields must be set: 'jwk', 'pem'"},
      {"jwk not JSON", jwk_key("a", "{not json"), "could not json decode jwk string"},
      {"jwk kid differs", jwk_key("a", ec_jwk("b")), "kid in jwk.kid must be equal to keys.kid"},
      {"symmetric jwk", jwk_key("a", R"({"kty":"oct","kid":"a","k":"c2VjcmV0"})"),
       "could not load JWK, likely not a valid key"},
      {"rsa jwk without exponent", jwk_key("r", rsa_without_e), "could not load JWK, likely not a valid key"},
      {"point off the curve", jwk_key("a", R"({"kty":"EC","crv":"P-256","kid":"a","x":"AQ","y":"AQ"})"),
       "could not load JWK, likely not a valid key"},
      {"jwk with a field Kong does not know", jwk_key("a", ec_jwk("a", R"(,"ext":true)")),
       "Validation error: ext: unknown field"},
  };
  for (const Case& c : cases) {
    Error e = refused(dao("keys").insert(c.key));
    EXPECT_EQ(e.code, ErrorCode::SchemaViolation) << c.what;
    EXPECT_EQ(entity_error(e), c.message) << c.what;
  }
  Error bad_public = refused(dao("keys").insert(
      Value::object({{"kid", "a"}, {"pem", Value::object({{"public_key", "not a key"}})}})));
  EXPECT_EQ(get(bad_public.fields, "pem"), Value("could not load public key"));
  Error mismatch = refused(dao("keys").insert(Value::object(
      {{"kid", "a"}, {"pem", Value::object({{"private_key", kPrivatePem}, {"public_key", kOtherPublicPem}})}})));
  EXPECT_EQ(get(mismatch.fields, "pem"), Value("public key does not match private key"));
  Error empty_pem = refused(dao("keys").insert(Value::object({{"kid", "a"}, {"pem", Value::object()}})));
  EXPECT_EQ(get(empty_pem.fields, "pem.@entity"),
            Value::array({"at least one of these fields must be non-empty: 'private_key', 'public_key'"}));
  EXPECT_EQ(count("keys"), 0);
}

TEST_P(KeysAndVaults, AJwkGivenAsAVaultReferenceIsNotLoaded) {
  insert_ok("keys", jwk_key("a", "{vault://env/my-jwk}"));
}

TEST_P(KeysAndVaults, AnEnvVaultIsStoredWithItsConfigAndFoundByPrefix) {
  Value v = insert_ok("vaults", J(R"({"prefix":"my-env","name":"env","config":{"prefix":"SECRET_"}})"));
  EXPECT_EQ(get(v, "config"), J(R"({"prefix":"SECRET_"})"));
  EXPECT_TRUE(get(v, "description").is_null());
  auto found = dao("vaults").select_by("prefix", Value("my-env"));
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ(get(**found, "id"), get(v, "id"));
  Value defaults = insert_ok("vaults", J(R"({"prefix":"other","name":"env"})"));
  EXPECT_EQ(get(defaults, "config"), J("{}"));  // the DAO leaves nulls out unless asked
}

TEST_P(KeysAndVaults, VaultPrefixesAreUniqueAndValidatedAsKongDoes) {
  insert_ok("vaults", J(R"({"prefix":"taken","name":"env"})"));
  EXPECT_EQ(refused(dao("vaults").insert(J(R"({"prefix":"taken","name":"env"})"))).code,
            ErrorCode::UniqueViolation);
  struct Case {
    const char* input;
    const char* field;
    const char* message;
  };
  const Case cases[] = {
      {R"({"prefix":"env","name":"env"})", "prefix", "must not be one of: env"},
      {R"({"prefix":"Upper","name":"env"})", "prefix", "invalid value: Upper"},
      {R"({"prefix":"a","name":"env"})", "prefix", "invalid value: a"},
      {R"({"prefix":"ends-","name":"env"})", "prefix", "invalid value: ends-"},
      {R"({"prefix":"fine","name":"aws"})", "name", "vault 'aws' is not installed"},
      {R"({"name":"env"})", "prefix", "required field missing"},
  };
  for (const Case& c : cases) {
    Error e = refused(dao("vaults").insert(J(c.input)));
    EXPECT_EQ(e.code, ErrorCode::SchemaViolation) << c.input;
    EXPECT_EQ(get(e.fields, c.field), Value(c.message)) << c.input << ": " << json::encode(e.fields);
  }
  Error bad_config = refused(dao("vaults").insert(J(R"({"prefix":"cfg","name":"env","config":{"prefix":"1bad"}})")));
  EXPECT_EQ(get(bad_config.fields, "config.prefix"), Value("invalid value: 1bad"));
  EXPECT_EQ(count("vaults"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, KeysAndVaults, ::testing::ValuesIn(backends()), BackendName);

}  // namespace
}  // namespace kongdb::conformance
