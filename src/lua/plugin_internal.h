// Shared by the plugin loader files: a reference to a Lua value kept alive in the registry of
// a PluginHost's state, calls into it under the host's mutex, and raw table access helpers
// that never run metamethods (so walking a plugin's tables cannot raise a Lua error).
#pragma once

#include <lua.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/core/value.h"
#include "kongdb/lua/plugins.h"

namespace kongdb::lua::plugin {

/// A Lua value pinned with luaL_ref; unpinned (under the mutex) when the last owner goes.
class LuaRef {
 public:
  /// Pins the value at `idx` (the caller holds the host's mutex).
  LuaRef(std::shared_ptr<PluginHost> host, int idx);
  ~LuaRef();
  LuaRef(const LuaRef&) = delete;
  LuaRef& operator=(const LuaRef&) = delete;

  void push(lua_State* L) const { lua_rawgeti(L, LUA_REGISTRYINDEX, ref_); }
  PluginHost& host() const { return *host_; }

  /// Calls the pinned function with `args` under the host's mutex, expecting `nresults`
  /// results; `read` receives the state and the index of the first result. A Lua error
  /// gives its message (without traceback: it may reach an API client).
  tl::expected<void, std::string> call(const std::vector<Value>& args, int nresults,
                                       const std::function<void(lua_State*, int)>& read) const;

 private:
  std::shared_ptr<PluginHost> host_;
  int ref_ = LUA_NOREF;
};

inline int abs_index(lua_State* L, int idx) {
  return (idx > 0 || idx <= LUA_REGISTRYINDEX) ? idx : lua_gettop(L) + idx + 1;
}

/// t[key] without metamethods, pushed.
inline void raw_field(lua_State* L, int table, const char* key) {
  table = abs_index(L, table);
  lua_pushstring(L, key);
  lua_rawget(L, table);
}

/// A short description of a Lua value's type for messages ("a string", "a function").
std::string describe(lua_State* L, int idx);

/// The string at idx when it is one (numbers are not coerced: that would modify the stack).
inline bool get_string(lua_State* L, int idx, std::string& out) {
  if (lua_type(L, idx) != LUA_TSTRING) return false;
  size_t n = 0;
  const char* s = lua_tolstring(L, idx, &n);
  out.assign(s, n);
  return true;
}

/// Does the table at idx hold exactly the keys 1..n (Kong's is_array "strict")?
bool is_sequence(lua_State* L, int idx, size_t* length = nullptr);

}  // namespace kongdb::lua::plugin
