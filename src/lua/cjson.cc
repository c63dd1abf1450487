#include "kongdb/lua/cjson.h"

#include <cmath>
#include <new>
#include <string>

#include "kongdb/core/json.h"
#include "kongdb/lua/runtime.h"

namespace kongdb::lua {
namespace {

constexpr const char* kConfigMt = "kongdb.cjson_config";

// One module instance's settings (cjson.new() makes another).
struct CjsonConfig {
  bool safe = false;  // cjson.safe: errors are returned, not raised
  bool empty_table_as_object = true;
  bool decode_array_with_array_mt = false;
  bool escape_forward_slash = true;
  int encode_max_depth = 1000;
  int decode_max_depth = 1000;
  int number_precision = 14;
  bool encode_invalid_numbers = false;
};

CjsonConfig& config(lua_State* L) {
  return *static_cast<CjsonConfig*>(lua_touserdata(L, lua_upvalueindex(1)));
}

// Raises (cjson) or returns nil, message (cjson.safe).
int fail(lua_State* L, const std::string& message) {
  if (!config(L).safe) throw LuaError(message, 0);
  lua_pushnil(L);
  lua_pushlstring(L, message.data(), message.size());
  return 2;
}

bool has_invalid_number(const Value& v) {
  if (v.is_float()) return !std::isfinite(v.as_number());
  if (v.is_array()) {
    for (const Value& item : v.as_array()) {
      if (has_invalid_number(item)) return true;
    }
  } else if (v.is_object()) {
    for (const auto& [key, item] : v.as_object()) {
      if (has_invalid_number(item)) return true;
    }
  }
  return false;
}

int cjson_encode(lua_State* L) {
  const CjsonConfig& c = config(L);
  luaL_checkany(L, 1);
  ToValueOptions options;
  options.stringify_number_keys = true;
  options.empty_table_as_object = c.empty_table_as_object;
  options.max_depth = c.encode_max_depth;
  auto v = to_value(L, 1, options);
  if (!v) return fail(L, "Cannot serialise: " + v.error());
  if (!c.encode_invalid_numbers && has_invalid_number(*v)) {
    return fail(L, "Cannot serialise number: must not be NaN or Infinity");
  }
  std::string text = json::encode(*v);
  if (c.escape_forward_slash) {
    // '/' can only occur inside JSON strings, so escaping every one is exact.
    std::string escaped;
    escaped.reserve(text.size());
    for (char ch : text) {
      if (ch == '/') escaped += '\\';
      escaped += ch;
    }
    text = std::move(escaped);
  }
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

int cjson_decode(lua_State* L) {
  const CjsonConfig& c = config(L);
  size_t len = 0;
  const char* text = luaL_checklstring(L, 1, &len);
  auto v = json::parse(std::string_view(text, len));
  if (!v) return fail(L, "Expected JSON: " + v.error());
  push_value(L, *v, c.decode_array_with_array_mt);
  return 1;
}

// Setters take a boolean or "on"/"off" and return the current setting.
bool on_off_arg(lua_State* L, int idx, bool current) {
  if (lua_isnoneornil(L, idx)) return current;
  if (lua_isboolean(L, idx)) return lua_toboolean(L, idx) != 0;
  if (lua_type(L, idx) == LUA_TSTRING) {
    std::string s = lua_tostring(L, idx);
    if (s == "on") return true;
    if (s == "off") return false;
  }
  throw LuaError("bad argument #" + std::to_string(idx) + " (boolean or 'on'/'off' expected, got " +
              luaL_typename(L, idx) + ")");
}

int set_flag(lua_State* L, bool CjsonConfig::*member) {
  CjsonConfig& c = config(L);
  c.*member = on_off_arg(L, 1, c.*member);
  lua_pushboolean(L, c.*member);
  return 1;
}

int cjson_encode_empty_table_as_object(lua_State* L) {
  return set_flag(L, &CjsonConfig::empty_table_as_object);
}
int cjson_decode_array_with_array_mt(lua_State* L) {
  return set_flag(L, &CjsonConfig::decode_array_with_array_mt);
}
int cjson_encode_escape_forward_slash(lua_State* L) {
  return set_flag(L, &CjsonConfig::escape_forward_slash);
}
int cjson_encode_invalid_numbers(lua_State* L) {
  return set_flag(L, &CjsonConfig::encode_invalid_numbers);
}

int set_int(lua_State* L, int CjsonConfig::*member, int lo, int hi) {
  CjsonConfig& c = config(L);
  if (!lua_isnoneornil(L, 1)) {
    lua_Number n = luaL_checknumber(L, 1);
    if (n < lo || n > hi || n != std::floor(n)) {
      throw LuaError("bad argument #1 (expected integer between " + std::to_string(lo) + " and " +
                  std::to_string(hi) + ")");
    }
    c.*member = static_cast<int>(n);
  }
  lua_pushinteger(L, c.*member);
  return 1;
}

int cjson_encode_max_depth(lua_State* L) {
  return set_int(L, &CjsonConfig::encode_max_depth, 1, 1000000);
}
int cjson_decode_max_depth(lua_State* L) {
  return set_int(L, &CjsonConfig::decode_max_depth, 1, 1000000);
}
int cjson_encode_number_precision(lua_State* L) {
  return set_int(L, &CjsonConfig::number_precision, 1, 16);
}

// Accepted for compatibility; sparse arrays follow cjson's default rule (ratio 2, safe 10).
int cjson_encode_sparse_array(lua_State* L) {
  lua_pushboolean(L, false);
  lua_pushinteger(L, 2);
  lua_pushinteger(L, 10);
  return 3;
}

// Accepted for compatibility: no effect.
int cjson_ignored_setting(lua_State* L) {
  lua_pushboolean(L, true);
  return 1;
}

int cjson_new(lua_State* L);

void push_module(lua_State* L, bool safe) {
  lua_newtable(L);
  void* mem = lua_newuserdata(L, sizeof(CjsonConfig));
  new (mem) CjsonConfig{};
  static_cast<CjsonConfig*>(mem)->safe = safe;
  int config_idx = lua_gettop(L);
  struct Entry {
    const char* name;
    lua_CFunction fn;
  };
  const Entry entries[] = {
      {"encode", &guarded<cjson_encode>},
      {"decode", &guarded<cjson_decode>},
      {"new", &guarded<cjson_new>},
      {"encode_empty_table_as_object", &guarded<cjson_encode_empty_table_as_object>},
      {"decode_array_with_array_mt", &guarded<cjson_decode_array_with_array_mt>},
      {"encode_escape_forward_slash", &guarded<cjson_encode_escape_forward_slash>},
      {"encode_invalid_numbers", &guarded<cjson_encode_invalid_numbers>},
      {"decode_invalid_numbers", &guarded<cjson_ignored_setting>},
      {"encode_keep_buffer", &guarded<cjson_ignored_setting>},
      {"encode_max_depth", &guarded<cjson_encode_max_depth>},
      {"decode_max_depth", &guarded<cjson_decode_max_depth>},
      {"encode_number_precision", &guarded<cjson_encode_number_precision>},
      {"encode_sparse_array", &guarded<cjson_encode_sparse_array>},
  };
  for (const Entry& e : entries) {
    lua_pushvalue(L, config_idx);
    lua_pushcclosure(L, e.fn, 1);
    lua_setfield(L, -3, e.name);
  }
  lua_pop(L, 1);  // the config userdata, now held by the closures
  push_null(L);
  lua_setfield(L, -2, "null");
  push_array_mt(L);
  lua_setfield(L, -2, "array_mt");
  push_empty_array_mt(L);
  lua_setfield(L, -2, "empty_array_mt");
  push_empty_array(L);
  lua_setfield(L, -2, "empty_array");
  lua_pushliteral(L, "cjson");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "2.1.0.10");
  lua_setfield(L, -2, "_VERSION");
}

int cjson_new(lua_State* L) {
  push_module(L, config(L).safe);
  return 1;
}

int open_cjson(lua_State* L) {
  push_module(L, false);
  return 1;
}

int open_cjson_safe(lua_State* L) {
  push_module(L, true);
  return 1;
}

}  // namespace

void preload_cjson(lua_State* L) {
  StackGuard guard(L);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  lua_pushcfunction(L, &guarded<open_cjson>);
  lua_setfield(L, -2, "cjson");
  lua_pushcfunction(L, &guarded<open_cjson_safe>);
  lua_setfield(L, -2, "cjson.safe");
}

}  // namespace kongdb::lua
