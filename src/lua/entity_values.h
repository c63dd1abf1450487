// Entities as Kong's DAO hands them to Lua: values pushed as tables (runtime.h's push_value), then
// every non-empty set field, at any depth the schema reaches, given a metatable that answers
// membership (`route.methods.GET == true`), as Kong's make_set does. Error trees keep Kong's
// sparse per-element tables ({[2] = "..."}), without ngx.null placeholders.
#pragma once

#include "kongdb/core/error.h"
#include "kongdb/core/value.h"
#include "kongdb/lua/runtime.h"
#include "kongdb/schema/schema.h"

namespace kongdb::lua {

/// Pushes `entity` (a row of `schema`) with set membership on its set fields.
void push_entity(lua_State* L, const Value& entity, const schema::Schema& schema);

/// Pushes an error tree (err_t.fields): objects as tables, arrays as sparse tables holding only
/// their non-null entries at their 1-based positions.
void push_error_tree(lua_State* L, const Value& tree);

/// Kong's `<dao>:cache_key(...)` as a Lua C function whose upvalue 1 is the dao::DAO: kong.db
/// and singletons.dao both register it, so both answer the same key (workspace suffix included).
lua_CFunction dao_cache_key_function();

}  // namespace kongdb::lua
