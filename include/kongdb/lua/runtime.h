// The embedded Lua runtime (LuaJIT, OpenResty branch): a State owner, a stack guard, pcall with
// a traceback, the exception barrier every lua_CFunction goes through, OpenResty's `ngx.null`
// sentinel with a minimal `ngx` table, and conversions between Value and Lua tables.
//
//   lua::State L({.package_path = config.lua_package_path});
//   L.preload("kong.singletons", &open_singletons);      // require-able module
//   if (auto r = L.run_string("return 1 + 1", "=check"); !r) std::cerr << r.error();
//
// Conversions keep what JSON keeps: an explicit null is `ngx.null` (a NULL lightuserdata, equal
// to cjson.null), an absent key is nil; arrays become sequences carrying the cjson-style
// `array_mt` metatable so `[]` and `{}` survive a round trip; integral numbers come back as
// integers. Tables that cannot be a Value (cycles, mixed keys, functions, too deep, too big)
// are reported as a clear error, never a crash.
//
// Exceptions: C++ exceptions never cross a Lua frame. Bodies of C functions are wrapped with
// `guarded<F>`, which turns a thrown std::exception into a Lua error once every C++ object of
// the body is destroyed. To raise a Lua error from C++ code, throw lua::LuaError.
#pragma once

#include <lua.hpp>

#include <cstddef>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/core/value.h"

namespace kongdb::lua {

/// Thrown by binding code to raise a Lua error with this message (as `error(msg, level)`,
/// so level 1 prefixes the caller's position, 0 none).
class LuaError : public std::runtime_error {
 public:
  explicit LuaError(const std::string& message, int level = 1)
      : std::runtime_error(message), level_(level) {}
  int level() const { return level_; }

 private:
  int level_;
};

namespace detail {
/// Pushes the message of a caught exception, prefixed with the caller's position for level 1.
void push_exception_message(lua_State* L, const char* message, int level);
}  // namespace detail

/// The exception barrier: `lua_pushcfunction(L, &guarded<my_fn>)`. A std::exception thrown by
/// `F` becomes a Lua error after the C++ stack of `F` is unwound. Lua's own errors raised
/// inside `F` (luaL_error, out of memory) are foreign exceptions to C++ and pass through
/// untouched: LuaJIT unwinds C++ frames with the system unwinder, so destructors still run.
template <lua_CFunction F>
int guarded(lua_State* L) {
  try {
    return F(L);
  } catch (const LuaError& e) {
    detail::push_exception_message(L, e.what(), e.level());
  } catch (const std::exception& e) {
    detail::push_exception_message(L, e.what(), 0);
  }
  return lua_error(L);
}

/// Restores the stack top on scope exit (the RAII guard for C++ code driving Lua).
class StackGuard {
 public:
  explicit StackGuard(lua_State* L) : L_(L), top_(lua_gettop(L)) {}
  ~StackGuard() { lua_settop(L_, top_); }
  StackGuard(const StackGuard&) = delete;
  StackGuard& operator=(const StackGuard&) = delete;
  int top() const { return top_; }

 private:
  lua_State* L_;
  int top_;
};

/// lua_pcall with debug.traceback as the message handler. On failure the single value left is
/// the error message followed by "\nstack traceback:\n...", and LUA_ERR* is returned.
int pcall_traceback(lua_State* L, int nargs, int nresults);

/// The message of the error value on the stack top (non-strings via tostring), popped.
std::string pop_error_message(lua_State* L);

// --- ngx.null and cjson's array markers (shared by every module of a State) ---

/// Pushes ngx.null (== cjson.null): a NULL lightuserdata, distinct from nil.
inline void push_null(lua_State* L) { lua_pushlightuserdata(L, nullptr); }
inline bool is_null(lua_State* L, int idx) {
  return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == nullptr;
}
/// cjson.empty_array: a lightuserdata that encodes as [] (distinct from ngx.null).
void push_empty_array(lua_State* L);
bool is_empty_array(lua_State* L, int idx);
/// cjson.array_mt: a table carrying it is always an array.
void push_array_mt(lua_State* L);
/// cjson.empty_array_mt: an empty table carrying it is [], a non-empty one decides by its keys.
void push_empty_array_mt(lua_State* L);

/// Pushes the value cached in the registry under (`cache`, `owner`), e.g. the kong.db table of
/// one DB; on a miss `build()` pushes a new value, which is cached and left on the stack.
template <class Build>
void push_cached(lua_State* L, const void* cache, const void* owner, Build&& build) {
  lua_pushlightuserdata(L, const_cast<void*>(cache));
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushlightuserdata(L, const_cast<void*>(cache));
    lua_pushvalue(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
  }
  lua_pushlightuserdata(L, const_cast<void*>(owner));
  lua_rawget(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    build();
    lua_pushlightuserdata(L, const_cast<void*>(owner));
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
  }
  lua_remove(L, -2);
}

// --- conversions ---

struct ToValueOptions {
  /// cjson semantics: a table with number keys and string keys becomes an object whose number
  /// keys are stringified. Otherwise (entities) mixing them is an error.
  bool stringify_number_keys = false;
  /// An empty table with no array marker: {} (true, cjson's default) or [] (false).
  bool empty_table_as_object = true;
  /// Nesting limit (cjson's default encode_max_depth).
  int max_depth = 1000;
  /// Upper bound on the number of values converted (tables and scalars), against runaway
  /// memory use. Sparse arrays follow cjson: holes become null unless excessively sparse.
  size_t max_values = 10'000'000;
  /// A table whose positive integer keys leave holes ({1, nil, 3}) becomes an object keyed by
  /// the numbers' text, which a schema refuses as "expected an array" / "expected a set" (Kong's
  /// is_sequence), instead of cjson's array with nulls in the holes. For entity input.
  bool holes_make_objects = false;
};

/// The Lua value at `idx` as a Value; an unconvertible value gives a message naming where it
/// sits ("cannot convert a function (at config.handler)"). Leaves the stack as it was.
tl::expected<Value, std::string> to_value(lua_State* L, int idx, const ToValueOptions& options = {});

/// Pushes `v`: null -> ngx.null, arrays -> sequences (carrying array_mt unless `mark_arrays`
/// is false, as plain cjson.decode does), objects -> tables, integers and floats -> numbers.
/// Always pushes exactly one value.
void push_value(lua_State* L, const Value& v, bool mark_arrays = true);

// --- the State ---

struct StateOptions {
  /// Prepended to package.path (Kong's lua_package_path); ";;" stands for the default path.
  std::string package_path;
  /// Where ngx.log writes (stderr when null).
  std::FILE* log_stream = nullptr;
};

/// Owns a lua_State with the standard libraries, the `ngx` global and package.path set.
class State {
 public:
  explicit State(const StateOptions& options = {});
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  lua_State* get() const { return L_; }
  operator lua_State*() const { return L_; }

  /// A lua_State is single-threaded: every entry from C++ (a script run, a schema callback
  /// from a DAO thread) holds this lock. Recursive, because Lua calls into the DAO, which may
  /// call back into Lua validators on the same thread.
  std::recursive_mutex& mutex() { return mutex_; }

  /// package.preload[name] = fn (the function should be a guarded<...> one).
  void preload(const std::string& name, lua_CFunction fn);

  /// Loads and runs a chunk under pcall_traceback (taking mutex()). Returns the message + traceback on error.
  tl::expected<void, std::string> run_string(std::string_view code, const std::string& chunk_name);
  /// Runs a file with `...` = args and the global `arg` set as the `lua` interpreter does
  /// (arg[0] = script, arg[1..n] = args, arg[-1] = interpreter_name).
  tl::expected<void, std::string> run_file(const std::string& path,
                                           const std::vector<std::string>& args,
                                           const std::string& interpreter_name = "kongdb lua");

 private:
  lua_State* L_;
  std::recursive_mutex mutex_;
};

}  // namespace kongdb::lua
