// singletons.dao: Kong 0.14's legacy DAO over the modern DB (flat foreign keys, that era's
// methods, errors and argument checks).
#include <gtest/gtest.h>

#include "unit/lua/lua_db_fixture.h"

namespace kongdb::lua::testing {
namespace {

class LegacyDao : public LuaDb {};

TEST_P(LegacyDao, InsertFindAndFlatForeignKeys) {
  run(R"lua(
    local singletons = require "kong.singletons"
    local dao = singletons.dao
    local service = assert(singletons.db.services:insert({ name = "s", host = "a.org" }))
    local plugin, err = dao.plugins:insert({ name = "key-auth", service_id = service.id })
    assert(plugin and err == nil, tostring(err))
    assert(plugin.service_id == service.id and plugin.service == nil)
    assert(plugin.route_id == nil and plugin.consumer_id == nil)
    local found = dao.plugins:find({ id = plugin.id })
    assert(found.id == plugin.id and found.service_id == service.id)
    assert(dao.plugins:find({ id = "00000000-0000-4000-8000-000000000000" }) == nil)
    local modern = singletons.db.plugins:select({ id = plugin.id })
    assert(modern.service.id == service.id)
  )lua");
}

TEST_P(LegacyDao, ErrorsHaveThatErasShape) {
  run(R"lua(
    local dao = require("kong.singletons").dao
    local strategy = kong.db.strategy
    local c, err = dao.consumers:insert({ username = "bob" })
    assert(c, tostring(err))
    local dup, derr = dao.consumers:insert({ username = "bob" })
    assert(dup == nil and derr.unique == true and derr.db_name == strategy)
    assert(derr.tbl.username == "already exists with value 'bob'", derr.message)
    assert(tostring(derr) == "[" .. strategy .. " error] username=already exists with value 'bob'", tostring(derr))
    assert(("x: " .. derr):find("error%] username="))

    local bad, berr = dao.plugins:insert({ name = "key-auth", service_id = "00000000-0000-4000-8000-000000000000" })
    assert(bad == nil and berr.foreign == true, tostring(berr))
    assert(berr.tbl.service_id == "does not exist with value '{id=\"00000000-0000-4000-8000-000000000000\"}'"
      or berr.tbl.service_id:find("does not exist with value", 1, true), tostring(berr))

    local inv, ierr = dao.services:insert({ name = "x", port = "nope" })
    assert(inv == nil and ierr.schema == true and ierr.tbl.port, tostring(ierr))
    assert(ierr.tbl.host == "required field missing")

    local api, aerr = dao.plugins:insert({ name = "key-auth", api_id = "00000000-0000-4000-8000-000000000000" })
    assert(api == nil and aerr.schema == true and aerr.tbl.api_id:find("apis are not supported"), tostring(aerr))
  )lua");
}

TEST_P(LegacyDao, ArgumentErrorsUseThatErasMessages) {
  run(R"lua(
    local dao = require("kong.singletons").dao
    local function raises(expected, fn, ...)
      local ok, err = pcall(fn, ...)
      assert(not ok and err:find(expected, 1, true), tostring(err))
    end
    raises("bad argument #1 to 'insert' (table expected, got nil)", dao.plugins.insert, dao.plugins, nil)
    raises("bad argument #1 to 'insert' (table expected, got string)", dao.plugins.insert, dao.plugins, "x")
    raises("bad argument #2 to 'insert' (table expected, got number)", dao.plugins.insert, dao.plugins, {}, 1)
    raises("bad argument #1 to 'find' (table expected, got number)", dao.plugins.find, dao.plugins, 42)
    raises("Missing PRIMARY KEY field", dao.plugins.find, dao.plugins, { name = "x" })
    raises("bad argument #1 to 'find_all' (expected table to not be empty)", dao.plugins.find_all, dao.plugins, {})
    raises("bad argument #1 to 'update' (expected table to not be empty)", dao.plugins.update, dao.plugins, {}, { id = "x" })
    raises("bad argument #2 to 'update' (table expected, got nil)", dao.plugins.update, dao.plugins, { enabled = false })
    raises("bad argument #3 to 'find_page' (number expected, got string)", dao.plugins.find_page, dao.plugins, nil, nil, "10")
    raises("Missing PRIMARY KEY field", dao.plugins.delete, dao.plugins, { name = "x" })
    local cyclic = {}
    cyclic.me = cyclic
    raises("cycle", dao.plugins.insert, dao.plugins, cyclic)
    raises("cannot convert a function value", dao.plugins.insert, dao.plugins, { name = print })
  )lua");
}

TEST_P(LegacyDao, FindAllFindPageCountWithFilters) {
  run(R"lua(
    local singletons = require "kong.singletons"
    local dao = singletons.dao
    local s1 = assert(singletons.db.services:insert({ name = "s1", host = "a.org" }))
    local s2 = assert(singletons.db.services:insert({ name = "s2", host = "b.org" }))
    for i = 1, 3 do
      assert(dao.consumers:insert({ username = "u" .. i }))
    end
    assert(dao.plugins:insert({ name = "key-auth", service_id = s1.id }))
    assert(dao.plugins:insert({ name = "key-auth", service_id = s2.id }))
    assert(dao.consumers:count() == 3)
    assert(dao.plugins:count({ service_id = s1.id }) == 1)
    local all = assert(dao.consumers:find_all())
    assert(#all == 3)
    local one = assert(dao.consumers:find_all({ username = "u2" }))
    assert(#one == 1 and one[1].username == "u2")
    local rows, err, offset = dao.consumers:find_page(nil, nil, 2)
    assert(#rows == 2 and err == nil and offset)
    local rest = dao.consumers:find_page(nil, offset, 2)
    assert(#rest == 1)
    local f1, ferr, foff = dao.plugins:find_page({ name = "key-auth" }, nil, 1)
    assert(#f1 == 1 and foff == "1", tostring(ferr))
    local f2, _, foff2 = dao.plugins:find_page({ name = "key-auth" }, foff, 1)
    assert(#f2 == 1 and foff2 == nil and f2[1].id ~= f1[1].id)
    local unknown, uerr = dao.consumers:find_all({ nope = 1 })
    assert(unknown == nil and uerr.schema and uerr.tbl.nope == "unknown field", tostring(uerr))
  )lua");
}

TEST_P(LegacyDao, UpdatePartialFullDeleteAndCacheKeys) {
  run(R"lua(
    local dao = require("kong.singletons").dao
    local c = assert(dao.consumers:insert({ username = "carol", custom_id = "c1" }))
    local u, err = dao.consumers:update({ custom_id = "c2" }, { id = c.id })
    assert(u and u.username == "carol" and u.custom_id == "c2", tostring(err))
    local cleared = assert(dao.consumers:update({ custom_id = ngx.null }, { id = c.id }))
    assert(cleared.custom_id == nil and cleared.username == "carol")
    local full = assert(dao.consumers:update({ custom_id = "only" }, { id = c.id }, { full = true }))
    assert(full.custom_id == "only" and full.username == nil)
    local none, nerr = dao.consumers:update({ custom_id = "x" }, { id = "00000000-0000-4000-8000-000000000000" })
    assert(none == nil and nerr == nil)
    local deleted = assert(dao.consumers:delete({ id = c.id }))
    assert(deleted.id == c.id)
    assert(dao.consumers:delete({ id = c.id }) == nil)
    -- the same key kong.db answers, workspace suffix included
    assert(dao.consumers:cache_key("a", "b") == kong.db.consumers:cache_key("a", "b"))
    assert(dao.consumers:cache_key("a", "b"):find("^consumers:a:b::::"))
    assert(dao.consumers:truncate() == true)
    assert(dao.consumers:count() == 0)
  )lua");
}

TEST_P(LegacyDao, PluginErrorsReadAsThatErasDao) {
  run(R"lua(
    local dao = require("kong.singletons").dao
    assert(dao.plugins:insert({ name = "key-auth" }))
    local dup, err = dao.plugins:insert({ name = "key-auth" })
    assert(dup == nil and err.unique, tostring(err))
    assert(tostring(err) == "[" .. dao.db_type .. " error] name=already exists with value 'key-auth'", tostring(err))
    local bad, berr = dao.plugins:insert({ name = 42 })
    assert(bad == nil and berr.schema and berr.tbl.name == "name is not a string", tostring(berr))
  )lua");
}

INSTANTIATE_TEST_SUITE_P(Backends, LegacyDao, ::testing::Values("sqlite", "postgres", "memory"), backend_name);

}  // namespace
}  // namespace kongdb::lua::testing
