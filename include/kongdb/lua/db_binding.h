// Lua views onto a dao::DB: `kong.db` (Kong's DAO API) and, through singletons.h, the legacy
// 0.14 `singletons.dao`.
//
//   lua::State L;
//   lua::push_db(L, db);          // the kong.db table
//   lua_setglobal(L, "db");
//   L.run_string("local s, err, err_t = db.services:insert({ name = 'x', url = 'http://x' })", "=x");
//
// Every DAO method keeps Kong's calling convention: the entity (or `true` for delete, `rows,
// nil, nil, offset` for page) on success, nothing for a missing row, and on failure `nil,
// "[<strategy>] <message>", err_t` where err_t = {code, name, message, strategy, fields}
// prints as its message with tostring. Argument mistakes raise Lua errors with Kong's messages
// ("primary_key must be a table", "entity must be a table", ...). The Lua side holds raw
// pointers: the DB must outlive the State's use of these tables.
#pragma once

#include <lua.hpp>

#include "kongdb/core/error.h"
#include "kongdb/dao/db.h"

namespace kongdb::lua {

/// Pushes the kong.db table for `db` (created once per State and DB, then reused). Its
/// fields are the DAOs of every entity the registry has, core and plugin alike (created on
/// first access), plus `strategy` and `truncate([name])`.
void push_db(lua_State* L, dao::DB& db);

/// Pushes Kong's failure triple `nil, "[strategy] message", err_t`; returns 3.
int push_error_triple(lua_State* L, const Error& error);

/// Pushes err_t alone: {code, name, message, strategy, fields|options} with a __tostring.
void push_error_table(lua_State* L, const Error& error);

}  // namespace kongdb::lua
