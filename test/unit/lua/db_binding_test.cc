// kong.db from Lua: Kong's calling convention, error triples, argument errors and bad tables,
// on SQLite and (with KONG_PG_HOST) PostgreSQL.
#include <gtest/gtest.h>

#include "kongdb/lua/db_binding.h"
#include "conformance/test_certificate.h"
#include "unit/lua/lua_db_fixture.h"

namespace kongdb::lua::testing {
namespace {

class KongDb : public LuaDb {};

TEST_P(KongDb, InsertSelectAndMissingRowFollowKongsConvention) {
  run(R"lua(
    local db = require("kong.singletons").db
    assert(db == kong.db)
    local s, err, err_t = db.services:insert({ name = "mockbin", url = "http://mockbin.org/x" })
    assert(s and err == nil and err_t == nil, err)
    assert(s.host == "mockbin.org" and s.path == "/x" and s.port == 80)
    assert(s.client_certificate == nil)
    local with_nulls = db.services:select({ id = s.id }, { nulls = true })
    assert(with_nulls.client_certificate == ngx.null and with_nulls.tags == ngx.null)
    local got = db.services:select({ id = s.id })
    assert(got.id == s.id and got.name == "mockbin")
    local n = select("#", db.services:select({ id = "00000000-0000-4000-8000-000000000000" }))
    local missing, e2 = db.services:select({ id = "00000000-0000-4000-8000-000000000000" })
    assert(n == 1 and missing == nil and e2 == nil)
    assert(db.services:select_by_name("mockbin").id == s.id)
    assert(db.strategy == ")lua" + GetParam() + R"lua(")
  )lua");
}

TEST_P(KongDb, FailuresReturnNilMessageAndErrT) {
  run(R"lua(
    local db = kong.db
    local s, err, err_t = db.services:insert({ name = "x", port = 99999 })
    assert(s == nil)
    assert(err_t.code == 2 and err_t.name == "schema violation", err)
    assert(err_t.strategy == db.strategy)
    assert(err == "[" .. db.strategy .. "] " .. err_t.message, err)
    assert(tostring(err_t) == err)
    assert(err_t.fields.port == "value should be between 0 and 65535", err)
    assert(err_t.fields.host == "required field missing", err)

    assert(db.services:insert({ name = "dup", host = "a.org" }))
    local d, derr, derr_t = db.services:insert({ name = "dup", host = "b.org" })
    assert(d == nil and derr_t.code == 5 and derr_t.name == "unique constraint violation", derr)
    assert(derr_t.fields.name == "dup")
  )lua");
}

TEST_P(KongDb, ArgumentMistakesRaiseKongsMessages) {
  run(R"lua(
    local db = kong.db
    local function raises(expected, fn, ...)
      local ok, err = pcall(fn, ...)
      assert(not ok, "expected an error: " .. expected)
      assert(err:find(expected, 1, true), err)
    end
    raises("entity must be a table", db.services.insert, db.services, nil)
    raises("entity must be a table", db.services.insert, db.services, "x")
    raises("primary_key must be a table", db.services.select, db.services, 42)
    raises("options must be a table when specified", db.services.insert, db.services, { host = "a" }, "x")
    raises("options must be a table when specified", db.services.select, db.services, { id = "x" }, 1)
    raises("size must be a number", db.services.page, db.services, "10")
    raises("offset must be a string", db.services.page, db.services, 10, 5)
    raises("name must be a string", db.services.select_by_name, db.services, 42)
    raises("foreign_key must be a table", db.routes.page_for_service, db.routes, "x")
    raises("primary_key must be a table", db.services.update, db.services, nil, {})
    raises("entity must be a table", db.services.update, db.services, { id = "x" }, nil)
    raises("key must be a string or an entity table", db.services.cache_key, db.services, 42)
    raises("entity does not have a cache_key defined", db.services.select_by_cache_key, db.services, "k")
    -- the caller's position is reported, as error(msg, 3) does in Kong
    local ok, err = pcall(function() local r = db.services:insert(nil) return r end)
    assert(err:find("^test:%d+: entity must be a table"), err)
  )lua");
}

TEST_P(KongDb, BadTablesAreLuaErrorsAndWriteNothing) {
  run(R"lua(
    local db = kong.db
    local function raises(expected, entity)
      local ok, err = pcall(db.services.insert, db.services, entity)
      assert(not ok and err:find(expected, 1, true), tostring(err))
    end
    local cyclic = { host = "a.org" }
    cyclic.self = cyclic
    raises("contains itself (cycle)", cyclic)
    raises("mixing array items and named keys", { "x", host = "a.org" })
    raises("cannot convert a function value (at host)", { host = print })
    raises("cannot convert a userdata value (at tags[1])", { host = "a.org", tags = { io.stdout } })
    raises("cannot convert a thread value", { host = coroutine.create(print) })
    local deep = {}
    for i = 1, 2000 do deep = { deep } end
    raises("table nesting too deep", { host = "a.org", tags = deep })
    -- a sparse table is no sequence: Kong's schema refuses it (no Lua error, nothing written)
    local s, err, err_t = db.services:insert({ host = "a.org", tags = { [100000] = "x" } })
    assert(s == nil and err_t.fields.tags == "expected a set", err)
    local rows = db.services:page()
    assert(#rows == 0)
  )lua");
}

TEST_P(KongDb, LargeValuesRoundTrip) {
  run(R"lua(
    local db = kong.db
    local tags = {}
    for i = 1, 1000 do tags[i] = "t" .. i end
    local s, err = db.services:insert({ host = "a.org", tags = tags })
    assert(s and #s.tags == 1000, err)
    assert(db.services:delete({ id = s.id }))
    local big = string.rep("x", 1024 * 1024)
    local s2, err2 = db.services:insert({ path = "/" .. big, host = "a.org" })
    assert(s2 and #s2.path == #big + 1, err2)
    assert(#db.services:select({ id = s2.id }).path == #big + 1)
    -- a unique value that large: SQLite stores it; PostgreSQL's btree index refuses it, which
    -- comes back as a database error value (Kong on PostgreSQL does the same)
    local s3, err3, err_t3 = db.services:insert({ name = big, host = "a.org" })
    assert((s3 and #s3.name == #big) or (s3 == nil and err_t3.code == 8), err3)
  )lua");
}

TEST_P(KongDb, PageReturnsRowsAndOffsetOnlyWhenMoreRemain) {
  run(R"lua(
    local db = kong.db
    for i = 1, 5 do assert(db.services:insert({ name = "s" .. i, host = "h" .. i .. ".org" })) end
    local rows, err, err_t, offset = db.services:page(2)
    assert(#rows == 2 and err == nil and err_t == nil and type(offset) == "string")
    local seen = #rows
    while offset do
      rows, err, err_t, offset = db.services:page(2, offset)
      assert(rows, err)
      seen = seen + #rows
    end
    assert(seen == 5)
    local all, e, et, off = db.services:page()
    assert(#all == 5 and off == nil)
    local bad, berr, bt = db.services:page(1.5)
    assert(bad == nil and bt.code == 9 and berr:find("size must be an integer between 1 and 50000", 1, true), berr)
    local bad2, berr2, bt2 = db.services:page(0)
    assert(bad2 == nil and bt2.code == 9, berr2)
    local bad3, berr3, bt3 = db.services:page(10, "garbage")
    assert(bad3 == nil and bt3.code == 7, berr3)
  )lua");
}

TEST_P(KongDb, EachIteratesRowsWithPageNumbers) {
  run(R"lua(
    local db = kong.db
    for i = 1, 5 do assert(db.services:insert({ name = "s" .. i, host = "h.org" })) end
    local n, last_page = 0, 0
    for row, err, page in db.services:each(2) do
      assert(row and err == nil, err)
      n = n + 1
      last_page = page
    end
    assert(n == 5 and last_page == 3, n .. " " .. last_page)
    local it, err, err_t = db.services:each(0)
    assert(it == nil and err_t.code == 9, err)
    local it2, err2, err_t2 = db.services:each(nil, { ttl = "x" })
    assert(it2 == nil and err_t2.code == 11, err2)
  )lua");
}

TEST_P(KongDb, UpdateUpsertDeleteAndNulls) {
  run(R"lua(
    local db = kong.db
    local s = assert(db.services:insert({ name = "svc", url = "http://a.org/p" }))
    local u, err = db.services:update({ id = s.id }, { path = ngx.null, retries = 2 })
    assert(u and u.path == nil and u.retries == 2 and u.host == "a.org", err)
    local missing, merr, mt = db.services:update({ id = "00000000-0000-4000-8000-000000000000" }, { retries = 1 })
    assert(missing == nil and mt.code == 6 and mt.name == "not found", merr)
    local up = assert(db.services:upsert({ id = s.id }, { name = "svc2", host = "b.org" }))
    assert(up.name == "svc2" and up.retries == 5 and up.path == nil)
    local by = assert(db.services:update_by_name("svc2", { port = 8080 }))
    assert(by.port == 8080)
    local ub, uberr, ubt = db.services:update_by_name("nope", { port = 1 })
    assert(ub == nil and ubt.code == 6 and uberr:find("could not find the entity with '{name=\"nope\"}'", 1, true), uberr)
    local created = assert(db.services:upsert_by_name("fresh", { host = "c.org" }))
    assert(created.name == "fresh")
    assert(db.services:delete({ id = s.id }) == true)
    assert(db.services:delete({ id = s.id }) == true)
    assert(db.services:delete_by_name("fresh") == true)
    assert(db.services:select({ id = s.id }) == nil)
    assert(#db.services:page() == 0)
  )lua");
}

TEST_P(KongDb, ForeignKeyMethodsAndArraysAsSequences) {
  run(R"lua(
    local db = kong.db
    local s = assert(db.services:insert({ name = "svc", host = "a.org" }))
    local r1 = assert(db.routes:insert({ service = { id = s.id }, paths = { "/a", "/b" } }))
    assert(#r1.paths == 2 and r1.paths[2] == "/b")
    assert(r1.protocols[1] == "http" and r1.protocols[2] == "https")
    assert(getmetatable(r1.paths) == require("cjson").array_mt)
    local r2 = assert(db.routes:insert({ service = { name = "svc" }, hosts = { "x.org" } }))
    assert(r2.service.id == s.id)
    local rows = assert(db.routes:page_for_service({ id = s.id }))
    assert(#rows == 2)
    local n = 0
    for row in db.routes:each_for_service({ id = s.id }) do n = n + 1 end
    assert(n == 2)
    local bad, err, err_t = db.routes:page_for_service({ id = "nope" })
    assert(bad == nil and err_t.code == 1, err)
    local unresolved, uerr, ut = db.routes:insert({ service = { name = "ghost" }, paths = { "/" } })
    assert(unresolved == nil and ut.code == 13, uerr)
    local r3 = assert(db.routes:insert({ service = { id = s.id }, paths = { "/c" }, tags = {} }))
    assert(type(r3.tags) == "table" and #r3.tags == 0)
  )lua");
}

TEST_P(KongDb, PluginEntitiesAndCacheKeys) {
  run(R"lua(
    local db = kong.db
    local c = assert(db.consumers:insert({ username = "alice" }))
    local cred = assert(db.keyauth_credentials:insert({ consumer = { id = c.id }, key = "secret" }))
    assert(db.keyauth_credentials:select_by_key("secret").id == cred.id)
    local p = assert(db.plugins:insert({ name = "key-auth" }))
    local key = db.plugins:cache_key(p)
    assert(key:find("^plugins:key%-auth:"), key)
    local same = db.plugins:select_by_cache_key(key)
    assert(same and same.id == p.id)
    assert(db.services:cache_key("a", "b") :find("^services:a:b::::"))
    assert(db.nonexistent == nil)
    assert(db:truncate("plugins") == true)
    assert(#db.plugins:page() == 0)
    assert(not pcall(db.truncate, db, "nope"))
    assert(db.services:truncate() == true)
  )lua");
}

TEST_P(KongDb, InvalidOptionsAreKongErrors) {
  run(R"lua(
    local db = kong.db
    local s, err, err_t = db.services:insert({ host = "a.org" }, { ttl = 10 })
    assert(s == nil and err_t.code == 11, err)
    assert(err_t.options.ttl == "cannot be used with 'services'", err)
    local rows, perr, pt = db.services:page(nil, nil, { tags = "x" })
    assert(rows == nil and pt.code == 11, perr)
    local wrong, werr, wt = db.services:select_by_name("x", { workspace = ngx.null })
    assert(wrong == nil and wt.code == 18, werr)
  )lua");
}

TEST_P(KongDb, CxxSeesWhatLuaWrote) {
  run(R"lua(
    svc = assert(kong.db.services:insert({ name = "from-lua", host = "a.org", tags = { "t1" } }))
  )lua");
  auto row = db().dao("services")->select_by("name", Value("from-lua"));
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(*(*row)->find("id"), *global("svc").find("id"));
  EXPECT_EQ(*(*row)->find("tags"), Value::array({"t1"}));
}

TEST_P(KongDb, ArrayOrSetWithHolesIsRejectedAndNothingIsWritten) {
  run(R"lua(
    local r, err, err_t = kong.db.routes:insert({ paths = { "/a", nil, "/b" } })
    assert(r == nil and err_t.code == 2 and err_t.fields.paths == "expected an array", err)
    r, err, err_t = kong.db.routes:insert({ paths = { "/a" }, methods = { [1] = "GET", [3] = "POST" } })
    assert(r == nil and err_t.fields.methods == "expected a set", err)
    -- ngx.null inside a sequence is an element, refused as such
    r, err, err_t = kong.db.routes:insert({ paths = { "/a", ngx.null } })
    assert(r == nil and type(err_t.fields.paths) == "table", err)
    assert(#kong.db.routes:page() == 0)
  )lua");
}

TEST_P(KongDb, PerElementErrorsAreSparseTablesWithoutNullPlaceholders) {
  run(R"lua(
    local s, err, err_t = kong.db.services:insert({ host = "a.org", tags = { "ok", 42, "fine" } })
    assert(s == nil and err_t.code == 2, err)
    local tags = err_t.fields.tags
    assert(tags[1] == nil and tags[3] == nil and tags[2] == "expected a string", err)
    local n = 0
    for _ in pairs(tags) do n = n + 1 end
    assert(n == 1)
  )lua");
}

TEST_P(KongDb, SetFieldsReadBackAnswerMembership) {
  run(R"lua(
    local cjson = require "cjson"
    local r = assert(kong.db.routes:insert({ paths = { "/" }, methods = { "GET", "POST" } }))
    assert(r.methods.GET == true and r.methods.POST == true and r.methods.PUT == nil)
    assert(r.methods[1] == "GET" and #r.methods == 2)
    local got = assert(kong.db.routes:select({ id = r.id }))
    assert(got.methods.POST == true and got.paths["/"] == nil)  -- arrays are no sets
    assert(kong.db.routes:page()[1].methods.GET == true)
    for row in kong.db.routes:each() do assert(row.methods.GET == true) end
    assert(cjson.encode(got.methods) == '["GET","POST"]')
    -- a set read back can be written back
    assert(kong.db.routes:update({ id = r.id }, { methods = got.methods }))
    local empty = assert(kong.db.routes:insert({ paths = { "/e" } }))
    assert(empty.methods == nil or cjson.encode(kong.db.routes:select({ id = empty.id }, { nulls = true }).methods) == "null")
    -- plugin config sets, through the plugin's own schema
    local p = assert(kong.db.plugins:insert({ name = "cors", config = { methods = { "GET" } }, protocols = { "http" } }))
    assert(p.protocols.http == true and p.protocols.https == nil)
  )lua");
}

TEST_P(KongDb, TagsOptionMustBeATableWhenPresent) {
  run(R"lua(
    local rows, err, err_t = kong.db.services:page(nil, nil, { tags = ngx.null, tags_cond = "and" })
    assert(rows == nil and err_t.code == 11, err)  -- INVALID_OPTIONS
    assert(err_t.message == "invalid option (tags: must be a table)", err)
    rows, err, err_t = kong.db.services:page(nil, nil, { tags = ngx.null })
    assert(rows == nil and err_t.message == "invalid option (tags: invalid filter syntax)", err)
  )lua");
}

TEST_P(KongDb, SnisListForCertificateTagsPageByTagAndPaginationAsKong) {
  run(std::string("CERT = [[") + conformance::kCert + "]] KEY = [[" + conformance::kKey + "]]");
  run(R"lua(
    local cjson = require "cjson"
    assert(kong.db.services.pagination.page_size == 1000 and kong.db.services.pagination.max_page_size == 50000)
    assert(kong.db.routes.pagination.page_size == 1000)
    local cert = assert(kong.db.certificates:insert({ cert = CERT, key = KEY }))
    local none = assert(kong.db.snis:list_for_certificate({ id = cert.id }))
    assert(#none == 0 and cjson.encode(none) == "[]")
    assert(kong.db.snis:insert({ name = "b.example.com", certificate = { id = cert.id } }))
    assert(kong.db.snis:insert({ name = "a.example.com", certificate = { id = cert.id } }))
    local names = assert(kong.db.snis:list_for_certificate({ id = cert.id }))
    assert(cjson.encode(names) == '["a.example.com","b.example.com"]', cjson.encode(names))

    local s = assert(kong.db.services:insert({ host = "a.org", tags = { "red", "blue" } }))
    assert(kong.db.consumers:insert({ username = "u", tags = { "red" } }))
    local rows, err, err_t, offset = kong.db.tags:page_by_tag("red", 1)
    assert(rows and #rows == 1 and rows[1].tag == "red" and offset, err)
    local rest = assert(kong.db.tags:page_by_tag("red", 1, offset))
    assert(#rest == 1 and rest[1].entity_id ~= rows[1].entity_id)
    local bad, berr, berr_t = kong.db.tags:page_by_tag(42)
    assert(bad == nil and berr_t.code == 10, berr)  -- INVALID_UNIQUE on tag
    assert(#assert(kong.db.tags:page_by_tag("blue")) == 1 and s.id)
  )lua");
}

TEST_P(KongDb, RenamingToATakenNameIsAUniqueViolation) {
  run(R"lua(
    assert(kong.db.services:insert({ name = "a", host = "a.org" }))
    assert(kong.db.services:insert({ name = "b", host = "b.org" }))
    local s, err, err_t = kong.db.services:update_by_name("b", { name = "a" })
    assert(s == nil and err_t and err_t.code == 5 and err_t.fields.name == "a", err)
    assert(kong.db.services:select_by_name("b").host == "b.org")
    -- upsert_by_<key> writes the row of that key: the key in the entity is overridden, as Kong does
    local u = assert(kong.db.services:upsert_by_name("b", { name = "a", host = "b2.org" }))
    assert(u.name == "b" and kong.db.services:select_by_name("a").host == "a.org")
  )lua");
}

INSTANTIATE_TEST_SUITE_P(Backends, KongDb, ::testing::Values("sqlite", "postgres", "memory"), backend_name);

}  // namespace
}  // namespace kongdb::lua::testing
