#include "kongdb/lua/singletons.h"

#include <mutex>

#include "kongdb/lua/db_binding.h"
#include "kongdb/lua/legacy_dao.h"

namespace kongdb::lua {
namespace {

char kConfigurationKey;

// The module loader: {db = kong.db, dao = legacy dao}.
int open_singletons(lua_State* L) {
  auto& db = *static_cast<dao::DB*>(lua_touserdata(L, lua_upvalueindex(1)));
  lua_createtable(L, 0, 2);
  push_db(L, db);
  lua_setfield(L, -2, "db");
  push_legacy_dao(L, db);
  lua_setfield(L, -2, "dao");
  lua_pushlightuserdata(L, &kConfigurationKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_setfield(L, -2, "configuration");
  return 1;
}

}  // namespace

void install_singletons(State& state, dao::DB& db) {
  std::lock_guard lock(state.mutex());
  lua_State* L = state;
  StackGuard guard(L);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushlightuserdata(L, &db);
  lua_pushcclosure(L, &guarded<open_singletons>, 1);
  lua_setfield(L, -2, "kong.singletons");
  lua_settop(L, guard.top());

  // kong = kong or {}; kong.db = <db>
  lua_getglobal(L, "kong");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "kong");
  }
  push_db(L, db);
  lua_setfield(L, -2, "db");
}

void set_configuration(State& state, const Value& configuration) {
  std::lock_guard lock(state.mutex());
  lua_State* L = state;
  StackGuard guard(L);
  lua_pushlightuserdata(L, &kConfigurationKey);
  push_value(L, configuration);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_getglobal(L, "kong");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setglobal(L, "kong");
  }
  lua_pushlightuserdata(L, &kConfigurationKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_setfield(L, -2, "configuration");
  // A module already loaded sees it too.
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "loaded");
  lua_getfield(L, -1, "kong.singletons");
  if (lua_istable(L, -1)) {
    lua_pushlightuserdata(L, &kConfigurationKey);
    lua_rawget(L, LUA_REGISTRYINDEX);
    lua_setfield(L, -2, "configuration");
  }
}

}  // namespace kongdb::lua
