#include "kongdb/lua/runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "kongdb/core/base64.h"
#include "kongdb/lua/cjson.h"

namespace kongdb::lua {
namespace {

// Addresses used as unique registry keys and as the cjson.empty_array sentinel.
char kArrayMtKey;
char kEmptyArrayMtKey;
char kEmptyArrayTag;

// --- ngx ---

// OpenResty's log level constants.
struct LogLevel {
  const char* name;
  const char* label;
};
constexpr LogLevel kLogLevels[] = {
    {"STDERR", ""},        {"EMERG", "emerg"}, {"ALERT", "alert"}, {"CRIT", "crit"},
    {"ERR", "error"},      {"WARN", "warn"},   {"NOTICE", "notice"}, {"INFO", "info"},
    {"DEBUG", "debug"},
};

int ngx_log(lua_State* L) {
  auto* stream = static_cast<std::FILE*>(lua_touserdata(L, lua_upvalueindex(1)));
  lua_Integer level = luaL_checkinteger(L, 1);
  if (level < 0 || level >= static_cast<lua_Integer>(std::size(kLogLevels))) {
    return luaL_error(L, "bad log level");
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (*kLogLevels[level].label != '\0') {
    lua_pushfstring(L, "[%s] ", kLogLevels[level].label);
    luaL_addvalue(&b);
  }
  luaL_where(L, 1);
  luaL_addvalue(&b);
  int n = lua_gettop(L);
  for (int i = 2; i <= n; ++i) {
    if (is_null(L, i)) {
      lua_pushliteral(L, "null");
    } else if (lua_isnil(L, i)) {
      lua_pushliteral(L, "nil");
    } else if (lua_isboolean(L, i)) {
      lua_pushstring(L, lua_toboolean(L, i) ? "true" : "false");
    } else if (lua_type(L, i) == LUA_TSTRING || lua_type(L, i) == LUA_TNUMBER) {
      lua_pushvalue(L, i);
    } else {
      if (!luaL_callmeta(L, i, "__tostring")) lua_pushstring(L, luaL_typename(L, i));
      if (!lua_isstring(L, -1)) return luaL_error(L, "bad argument #%d to 'log'", i);
    }
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  std::fwrite(text, 1, len, stream ? stream : stderr);
  std::fputc('\n', stream ? stream : stderr);
  return 0;
}

double now_seconds() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() / 1000.0;
}

int ngx_now(lua_State* L) {
  lua_pushnumber(L, now_seconds());
  return 1;
}

int ngx_time(lua_State* L) {
  lua_pushnumber(L, std::floor(now_seconds()));
  return 1;
}

int ngx_update_time(lua_State*) { return 0; }

int ngx_encode_base64(lua_State* L) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  bool no_padding = lua_toboolean(L, 2) != 0;
  std::string out = base64::encode(std::string_view(s, len));
  if (!no_padding) out.append((4 - out.size() % 4) % 4, '=');
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

int ngx_decode_base64(lua_State* L) {
  size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  auto out = base64::decode(std::string_view(s, len));
  if (!out) {
    lua_pushnil(L);
  } else {
    lua_pushlstring(L, out->data(), out->size());
  }
  return 1;
}

void open_ngx(lua_State* L, std::FILE* log_stream) {
  lua_newtable(L);
  push_null(L);
  lua_setfield(L, -2, "null");
  for (size_t i = 0; i < std::size(kLogLevels); ++i) {
    lua_pushinteger(L, static_cast<lua_Integer>(i));
    lua_setfield(L, -2, kLogLevels[i].name);
  }
  lua_pushlightuserdata(L, log_stream);
  lua_pushcclosure(L, &guarded<ngx_log>, 1);
  lua_setfield(L, -2, "log");
  lua_pushcfunction(L, &guarded<ngx_now>);
  lua_setfield(L, -2, "now");
  lua_pushcfunction(L, &guarded<ngx_time>);
  lua_setfield(L, -2, "time");
  lua_pushcfunction(L, &guarded<ngx_update_time>);
  lua_setfield(L, -2, "update_time");
  lua_pushcfunction(L, &guarded<ngx_encode_base64>);
  lua_setfield(L, -2, "encode_base64");
  lua_pushcfunction(L, &guarded<ngx_decode_base64>);
  lua_setfield(L, -2, "decode_base64");
  lua_newtable(L);
  lua_setfield(L, -2, "ctx");
  lua_setglobal(L, "ngx");
}

void create_marker_tables(lua_State* L) {
  lua_pushlightuserdata(L, &kArrayMtKey);
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
  lua_pushlightuserdata(L, &kEmptyArrayMtKey);
  lua_newtable(L);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

void set_package_path(lua_State* L, const std::string& prefix) {
  if (prefix.empty()) return;
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "path");
  std::string default_path = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  std::string path = prefix;
  if (auto pos = path.find(";;"); pos != std::string::npos) {
    path.replace(pos, 2, ";" + default_path + ";");
  } else {
    if (path.back() != ';') path += ';';
    path += default_path;
  }
  lua_pushlstring(L, path.data(), path.size());
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);
}

int traceback_handler(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (msg == nullptr) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
      msg = lua_tostring(L, -1);
    } else {
      msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

// --- Lua -> Value ---

class ToValue {
 public:
  ToValue(lua_State* L, const ToValueOptions& options) : L_(L), options_(options) {}

  bool convert(int idx, Value& out, int depth) {
    if (++count_ > options_.max_values) {
      return fail("table too large (more than " + std::to_string(options_.max_values) + " values)");
    }
    switch (lua_type(L_, idx)) {
      case LUA_TNIL:
        out = Value();
        return true;
      case LUA_TBOOLEAN:
        out = Value(lua_toboolean(L_, idx) != 0);
        return true;
      case LUA_TNUMBER:
        out = number(lua_tonumber(L_, idx));
        return true;
      case LUA_TSTRING: {
        size_t len = 0;
        const char* s = lua_tolstring(L_, idx, &len);
        out = Value(std::string(s, len));
        return true;
      }
      case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L_, idx) == nullptr) {
          out = Value();
          return true;
        }
        if (lua_touserdata(L_, idx) == &kEmptyArrayTag) {
          out = Value(Array{});
          return true;
        }
        return fail("cannot convert a lightuserdata value");
      case LUA_TTABLE:
        return table(idx, out, depth);
      default:
        return fail(std::string("cannot convert a ") + luaL_typename(L_, idx) + " value");
    }
  }

  const std::string& error() const { return error_; }

 private:
  static Value number(double d) {
    // Integral values within int64 come back as integers, as JSON would carry them.
    if (std::isfinite(d) && d == std::floor(d) && d >= -9223372036854775808.0 &&
        d < 9223372036854775808.0) {
      return Value(static_cast<int64_t>(d));
    }
    return Value(d);
  }

  bool fail(std::string message) {
    if (!path_.empty()) {
      message += " (at ";
      for (size_t i = 0; i < path_.size(); ++i) {
        const PathStep& step = path_[i];
        if (step.key == nullptr) {
          message += "[" + lua_number_string(step.index) + "]";
        } else {
          if (i > 0) message += '.';
          message.append(step.key, step.len);
        }
      }
      message += ')';
    }
    error_ = std::move(message);
    return false;
  }

  bool has_metatable(int idx, const void* key) {
    if (!lua_getmetatable(L_, idx)) return false;
    lua_pushlightuserdata(L_, const_cast<void*>(key));
    lua_rawget(L_, LUA_REGISTRYINDEX);
    bool same = lua_rawequal(L_, -1, -2) != 0;
    lua_pop(L_, 2);
    return same;
  }

  bool table(int idx, Value& out, int depth) {
    if (idx < 0) idx = lua_gettop(L_) + idx + 1;
    if (depth >= options_.max_depth) {
      return fail("table nesting too deep (more than " + std::to_string(options_.max_depth) +
                  " levels)");
    }
    const void* self = lua_topointer(L_, idx);
    if (std::find(visiting_.begin(), visiting_.end(), self) != visiting_.end()) {
      return fail("cannot convert a table that contains itself (cycle)");
    }
    if (!lua_checkstack(L_, 4)) return fail("table nesting too deep for the Lua stack");
    visiting_.push_back(self);
    bool ok = has_metatable(idx, &kArrayMtKey) ? sequence(idx, out, depth) : keyed(idx, out, depth);
    visiting_.pop_back();
    return ok;
  }

  // A table marked with array_mt: elements 1..#t.
  bool sequence(int idx, Value& out, int depth) {
    size_t n = lua_objlen(L_, idx);
    Array items;
    items.reserve(std::min(n, options_.max_values));
    for (size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L_, idx, static_cast<int>(i));
      path_.push_back({nullptr, 0, static_cast<double>(i)});
      Value item;
      bool ok = convert(-1, item, depth + 1);
      lua_pop(L_, 1);
      if (!ok) return false;
      path_.pop_back();
      items.push_back(std::move(item));
    }
    out = Value(std::move(items));
    return true;
  }

  bool keyed(int idx, Value& out, int depth) {
    std::vector<std::pair<double, Value>> numbered;
    std::vector<std::pair<std::string, Value>> named;
    double max_index = 0;
    bool non_index_number = false;
    lua_pushnil(L_);
    while (lua_next(L_, idx) != 0) {
      Value item;
      int key_type = lua_type(L_, -2);
      if (key_type == LUA_TSTRING) {
        size_t len = 0;
        const char* k = lua_tolstring(L_, -2, &len);
        path_.push_back({k, len, 0});
        if (!convert(-1, item, depth + 1)) return pop_after_failure(2);
        path_.pop_back();
        named.emplace_back(std::string(k, len), std::move(item));
      } else if (key_type == LUA_TNUMBER) {
        double k = lua_tonumber(L_, -2);
        path_.push_back({nullptr, 0, k});
        if (!convert(-1, item, depth + 1)) return pop_after_failure(2);
        path_.pop_back();
        if (k >= 1 && k == std::floor(k) && k <= 9007199254740992.0) {
          max_index = std::max(max_index, k);
        } else {
          non_index_number = true;
        }
        numbered.emplace_back(k, std::move(item));
      } else {
        std::string type_name = luaL_typename(L_, -2);
        lua_pop(L_, 2);
        return fail("cannot convert a table with a key of type " + type_name);
      }
      lua_pop(L_, 1);
    }
    if (numbered.empty() && named.empty()) {
      bool as_array = has_metatable(idx, &kEmptyArrayMtKey) || !options_.empty_table_as_object;
      out = as_array ? Value(Array{}) : Value(Object{});
      return true;
    }
    if (!numbered.empty() && (!named.empty() || non_index_number)) {
      if (!options_.stringify_number_keys) {
        return fail(non_index_number && named.empty()
                        ? "cannot convert a table with non-positive or fractional number keys"
                        : "cannot convert a table mixing array items and named keys");
      }
      for (auto& [k, v] : numbered) named.emplace_back(lua_number_string(k), std::move(v));
      numbered.clear();
    }
    if (!numbered.empty()) return array(numbered, max_index, out);
    std::sort(named.begin(), named.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    Object obj;
    obj.reserve(named.size());
    for (auto& [k, v] : named) obj.append(std::move(k), std::move(v));
    out = Value(std::move(obj));
    return true;
  }

  // Positive integer keys: holes become null unless the array is excessively sparse (cjson's
  // rule: more than 10 slots and fewer than half of them used).
  bool array(std::vector<std::pair<double, Value>>& numbered, double max_index, Value& out) {
    size_t n = static_cast<size_t>(max_index);
    if (options_.holes_make_objects && n != numbered.size()) {
      std::sort(numbered.begin(), numbered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      Object obj;
      obj.reserve(numbered.size());
      for (auto& [k, v] : numbered) obj.append(lua_number_string(k), std::move(v));
      out = Value(std::move(obj));
      return true;
    }
    if (n > numbered.size() && n > 10 && n > numbered.size() * 2) {
      return fail("cannot convert an excessively sparse array (" + std::to_string(numbered.size()) +
                  " items, highest index " + lua_number_string(max_index) + ")");
    }
    Array items(n);
    for (auto& [k, v] : numbered) items[static_cast<size_t>(k) - 1] = std::move(v);
    out = Value(std::move(items));
    return true;
  }

  // The failing conversion already recorded its message; drop lua_next's key/value pair.
  bool pop_after_failure(int n) {
    lua_pop(L_, n);
    return false;
  }

  lua_State* L_;
  const ToValueOptions& options_;
  // Where the conversion is, for messages: a string key (pointing into the key on the Lua
  // stack, alive while its step is) or an array index. Built into text only on failure.
  struct PathStep {
    const char* key;
    size_t len;
    double index;
  };
  std::vector<PathStep> path_;
  std::vector<const void*> visiting_;
  size_t count_ = 0;
  std::string error_;
};

}  // namespace

namespace detail {
void push_exception_message(lua_State* L, const char* message, int level) {
  if (level > 0) {
    luaL_where(L, level);
    lua_pushstring(L, message);
    lua_concat(L, 2);
  } else {
    lua_pushstring(L, message);
  }
}
}  // namespace detail

int pcall_traceback(lua_State* L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, &traceback_handler);
  lua_insert(L, base);
  int status = lua_pcall(L, nargs, nresults, base);
  lua_remove(L, base);
  return status;
}

std::string pop_error_message(lua_State* L) {
  std::string message;
  if (const char* s = lua_tostring(L, -1)) {
    message = s;
  } else {
    message = std::string("(error object is a ") + luaL_typename(L, -1) + " value)";
  }
  lua_pop(L, 1);
  return message;
}

void push_empty_array(lua_State* L) { lua_pushlightuserdata(L, &kEmptyArrayTag); }

bool is_empty_array(lua_State* L, int idx) {
  return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == &kEmptyArrayTag;
}

void push_array_mt(lua_State* L) {
  lua_pushlightuserdata(L, &kArrayMtKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
}

void push_empty_array_mt(lua_State* L) {
  lua_pushlightuserdata(L, &kEmptyArrayMtKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
}

tl::expected<Value, std::string> to_value(lua_State* L, int idx, const ToValueOptions& options) {
  StackGuard guard(L);
  if (idx < 0) idx = lua_gettop(L) + idx + 1;
  ToValue converter(L, options);
  Value out;
  if (!converter.convert(idx, out, 0)) return tl::unexpected(converter.error());
  return out;
}

void push_value(lua_State* L, const Value& v, bool mark_arrays) {
  luaL_checkstack(L, 3, "value nesting too deep");
  switch (v.kind()) {
    case Value::Kind::Null:
      push_null(L);
      return;
    case Value::Kind::Boolean:
      lua_pushboolean(L, v.as_boolean());
      return;
    case Value::Kind::Integer:
      lua_pushnumber(L, static_cast<lua_Number>(v.as_integer()));
      return;
    case Value::Kind::Float:
      lua_pushnumber(L, v.as_number());
      return;
    case Value::Kind::String:
      lua_pushlstring(L, v.as_string().data(), v.as_string().size());
      return;
    case Value::Kind::Array: {
      const Array& items = v.as_array();
      lua_createtable(L, static_cast<int>(items.size()), 0);
      int i = 0;
      for (const Value& item : items) {
        push_value(L, item, mark_arrays);
        lua_rawseti(L, -2, ++i);
      }
      if (mark_arrays) {
        push_array_mt(L);
        lua_setmetatable(L, -2);
      }
      return;
    }
    case Value::Kind::Object: {
      const Object& obj = v.as_object();
      lua_createtable(L, 0, static_cast<int>(obj.size()));
      for (const auto& [key, item] : obj) {
        lua_pushlstring(L, key.data(), key.size());
        push_value(L, item, mark_arrays);
        lua_rawset(L, -3);
      }
      return;
    }
  }
}

State::State(const StateOptions& options) : L_(luaL_newstate()) {
  if (L_ == nullptr) throw std::bad_alloc();
  luaL_openlibs(L_);
  create_marker_tables(L_);
  open_ngx(L_, options.log_stream);
  preload_cjson(L_);
  set_package_path(L_, options.package_path);
}

State::~State() { lua_close(L_); }

void State::preload(const std::string& name, lua_CFunction fn) {
  StackGuard guard(L_);
  lua_getglobal(L_, "package");
  lua_getfield(L_, -1, "preload");
  lua_pushcfunction(L_, fn);
  lua_setfield(L_, -2, name.c_str());
}

tl::expected<void, std::string> State::run_string(std::string_view code,
                                                  const std::string& chunk_name) {
  std::lock_guard lock(mutex_);
  StackGuard guard(L_);
  if (luaL_loadbuffer(L_, code.data(), code.size(), chunk_name.c_str()) != 0) {
    return tl::unexpected(pop_error_message(L_));
  }
  if (pcall_traceback(L_, 0, 0) != 0) return tl::unexpected(pop_error_message(L_));
  return {};
}

tl::expected<void, std::string> State::run_file(const std::string& path,
                                                const std::vector<std::string>& args,
                                                const std::string& interpreter_name) {
  std::lock_guard lock(mutex_);
  StackGuard guard(L_);
  lua_createtable(L_, static_cast<int>(args.size()), 2);
  lua_pushstring(L_, interpreter_name.c_str());
  lua_rawseti(L_, -2, -1);
  lua_pushstring(L_, path.c_str());
  lua_rawseti(L_, -2, 0);
  for (size_t i = 0; i < args.size(); ++i) {
    lua_pushlstring(L_, args[i].data(), args[i].size());
    lua_rawseti(L_, -2, static_cast<int>(i + 1));
  }
  lua_setglobal(L_, "arg");
  if (luaL_loadfile(L_, path.c_str()) != 0) return tl::unexpected(pop_error_message(L_));
  luaL_checkstack(L_, static_cast<int>(args.size()) + 2, "too many arguments");
  for (const std::string& a : args) lua_pushlstring(L_, a.data(), a.size());
  if (pcall_traceback(L_, static_cast<int>(args.size()), 0) != 0) {
    return tl::unexpected(pop_error_message(L_));
  }
  return {};
}

}  // namespace kongdb::lua
