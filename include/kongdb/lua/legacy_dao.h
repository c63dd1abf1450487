// The legacy `singletons.dao` of Kong 0.14 (kong/dao/dao.lua), as a view onto the modern DB so
// plugins written for that era keep working:
//
//   local dao = require("kong.singletons").dao
//   local plugin, err = dao.plugins:insert({ name = "key-auth", service_id = service.id })
//   local rows, err, next_offset = dao.plugins:find_page({ service_id = service.id }, nil, 10)
//
// Methods: insert(t, {ttl, quiet}), find(pk), find_all([filter]), find_page([filter], offset,
// size=100) -> rows, err, next_offset, count([filter]), update(t, filter_keys, {full, quiet})
// (partial unless full; nothing when no row matches), delete(pk, {quiet}) -> the deleted row,
// truncate(), cache_key(a1..a5) = "<table>:a1:..:a5", entity_cache_key(entity).
//
// That era's flat foreign keys are accepted and returned: `service_id = X` is the modern
// `service = {id = X}` (and rows carry `service_id` again); `api_id` is refused with a schema
// error, as apis no longer exist. Rows carry no nulls (absent instead). Failures return
// `nil, err` where err = {db_name, message, schema|unique|foreign|db = true, tbl = {field =
// msg}} prints as "[<db_name> error] <message>". Argument mistakes raise 0.14's messages
// ("bad argument #1 to 'insert' (table expected, got nil)", "Missing PRIMARY KEY field").
#pragma once

#include <lua.hpp>

#include "kongdb/dao/db.h"

namespace kongdb::lua {

/// Pushes the legacy dao table for `db` (dao.<entity> for every entity of its registry).
void push_legacy_dao(lua_State* L, dao::DB& db);

}  // namespace kongdb::lua
