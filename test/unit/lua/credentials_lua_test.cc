// The auth plugins' credential DAOs from Lua (kong.db.<entity>), as plugin code reaches them:
// hashed basic-auth passwords, generated secrets, cache-key lookups of ACLs, uniques and
// cascades, on SQLite, PostgreSQL (with KONG_PG_HOST) and memory.
#include <gtest/gtest.h>

#include "unit/lua/lua_db_fixture.h"

namespace kongdb::lua::testing {
namespace {

class CredentialsFromLua : public LuaDb {};

// The expected digest: printf '%s' "s3cret5e0bf6ac-12fb-4c1a-9bd9-8d2a2d3e0e11" | sha1sum
TEST_P(CredentialsFromLua, BasicAuthPasswordIsStoredAsKongHashesIt) {
  run(R"lua(
    local db = kong.db
    local bob = assert(db.consumers:insert({ id = "5e0bf6ac-12fb-4c1a-9bd9-8d2a2d3e0e11", username = "bob" }))
    local cred = assert(db.basicauth_credentials:insert({ consumer = { id = bob.id }, username = "u1", password = "s3cret" }))
    assert(cred.password == "f24b8e522667907a44f033c0a15560997e6930f7", cred.password)
    local got = assert(db.basicauth_credentials:select_by_username("u1"))
    assert(got.password == cred.password and got.consumer.id == bob.id)
    local dup, err, err_t = db.basicauth_credentials:insert({ consumer = { id = bob.id }, username = "u1", password = "x" })
    assert(dup == nil and err_t.code == 5, err)
  )lua");
}

TEST_P(CredentialsFromLua, AclsAreFoundByTheirConsumerAndGroupCacheKey) {
  run(R"lua(
    local db = kong.db
    local bob = assert(db.consumers:insert({ username = "bob" }))
    local acl = assert(db.acls:insert({ consumer = { id = bob.id }, group = "admins" }))
    local found = assert(db.acls:select_by_cache_key(db.acls:cache_key(bob.id, "admins")))
    assert(found.id == acl.id and found.group == "admins")
    local none, err = db.acls:select_by_cache_key(db.acls:cache_key(bob.id, "ops"))
    assert(none == nil and err == nil, err)
    local n = 0
    for row, e in db.acls:each_for_consumer({ id = bob.id }) do
      assert(row, e)
      n = n + 1
    end
    assert(n == 1)
  )lua");
}

TEST_P(CredentialsFromLua, GeneratedSecretsAndKeysAreFilledIn) {
  run(R"lua(
    local db = kong.db
    local bob = assert(db.consumers:insert({ username = "bob" }))
    local hmac = assert(db.hmacauth_credentials:insert({ consumer = { id = bob.id }, username = "h1" }))
    assert(type(hmac.secret) == "string" and #hmac.secret == 32)
    local jwt = assert(db.jwt_secrets:insert({ consumer = { id = bob.id } }))
    assert(#jwt.key == 32 and #jwt.secret == 32 and jwt.algorithm == "HS256")
    assert(db.jwt_secrets:select_by_key(jwt.key).id == jwt.id)
    local app = assert(db.oauth2_credentials:insert({ consumer = { id = bob.id }, name = "app" }))
    assert(#app.client_id == 32 and #app.client_secret == 32 and app.hash_secret == false)
    local token = assert(db.oauth2_tokens:insert({ credential = { id = app.id }, expires_in = 60 }))
    assert(#token.access_token == 32 and token.token_type == "bearer")
  )lua");
}

TEST_P(CredentialsFromLua, JwtRsaAlgorithmWithABadKeyReturnsKongsErrT) {
  run(R"lua(
    local db = kong.db
    local bob = assert(db.consumers:insert({ username = "bob" }))
    local row, err, err_t = db.jwt_secrets:insert({ consumer = { id = bob.id }, algorithm = "RS512", rsa_public_key = "nope" })
    assert(row == nil and err_t.code == 2, err)
    assert(err_t.fields.rsa_public_key == "invalid key", err)
    assert(db.jwt_secrets:page() and #db.jwt_secrets:page() == 0)
  )lua");
}

TEST_P(CredentialsFromLua, DeletingTheConsumerCascadesToItsCredentials) {
  run(R"lua(
    local db = kong.db
    local bob = assert(db.consumers:insert({ username = "bob" }))
    assert(db.acls:insert({ consumer = { id = bob.id }, group = "g" }))
    assert(db.basicauth_credentials:insert({ consumer = { id = bob.id }, username = "u", password = "p" }))
    local app = assert(db.oauth2_credentials:insert({ consumer = { id = bob.id }, name = "app" }))
    assert(db.oauth2_tokens:insert({ credential = { id = app.id }, expires_in = 60 }))
    assert(db.consumers:delete({ id = bob.id }))
    for _, name in ipairs({ "acls", "basicauth_credentials", "oauth2_credentials", "oauth2_tokens" }) do
      local rows = assert(db[name]:page())
      assert(#rows == 0, name)
    end
  )lua");
}

TEST_P(CredentialsFromLua, ACredentialForAMissingConsumerWritesNothing) {
  run(R"lua(
    local db = kong.db
    local row, err, err_t = db.acls:insert({ consumer = { id = "7d9e5f3a-1b2c-4d5e-8f90-123456789abc" }, group = "g" })
    assert(row == nil and err_t.code == 4 and err_t.name == "foreign key violation", err)
    assert(#assert(db.acls:page()) == 0)
  )lua");
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, CredentialsFromLua, ::testing::Values("sqlite", "postgres", "memory"),
                         backend_name);

}  // namespace kongdb::lua::testing
