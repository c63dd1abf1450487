#include "kongdb/lua/legacy_dao.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kongdb/lua/runtime.h"
#include "lua/entity_values.h"

namespace kongdb::lua {
namespace {

using schema::FieldType;

char kLegacyErrorMtKey;
char kLegacyCacheKey;

// 0.14's default find_page size.
constexpr int64_t kLegacyPageSize = 100;

// Upvalues of every method: 1 = the DAO, 2 = its DB.
dao::DAO& upvalue_dao(lua_State* L) {
  return *static_cast<dao::DAO*>(lua_touserdata(L, lua_upvalueindex(1)));
}

// check_arg: "bad argument #<n> to '<method>' (<type> expected, got <type>)".
void check_table_arg(lua_State* L, int idx, int arg_n, const char* method) {
  if (lua_type(L, idx) == LUA_TTABLE) return;
  // A missing argument is "nil" to Lua code's type(), as 0.14 reported it.
  const char* got = lua_isnone(L, idx) ? "nil" : luaL_typename(L, idx);
  throw LuaError("bad argument #" + std::to_string(arg_n) + " to '" + method + "' (table expected, got " +
                 got + ")");
}

void check_not_empty(const Value& tbl, int arg_n, const char* method) {
  if (tbl.is_object() && !tbl.as_object().empty()) return;
  throw LuaError("bad argument #" + std::to_string(arg_n) + " to '" + method +
              "' (expected table to not be empty)");
}

Value table_value(lua_State* L, int idx, const char* method) {
  auto v = to_value(L, idx, {.holes_make_objects = true});
  if (!v) throw LuaError(std::string(method) + ": " + v.error());
  if (v->is_array() && v->as_array().empty()) return Value(Object{});
  if (!v->is_object()) throw LuaError(std::string(method) + ": expected a table with named fields");
  return std::move(*v);
}

// The modern foreign field a flat `<name>_id` key stands for, if any.
const schema::Field* flat_foreign(const schema::Schema& s, std::string_view key, std::string* base) {
  if (key.size() <= 3 || key.substr(key.size() - 3) != "_id" || s.field(key) != nullptr) return nullptr;
  std::string name(key.substr(0, key.size() - 3));
  const schema::Field* f = s.field(name);
  if (f == nullptr || f->type() != FieldType::Foreign) return nullptr;
  *base = std::move(name);
  return f;
}

// 0.14 input -> the modern entity: `x_id = V` becomes `x = {id = V}`. `api_id` is refused.
// The Lua type a scalar field wants, when `value` (not null) has another.
std::optional<std::string> legacy_type_mismatch(const schema::Field* f, const Value& value) {
  if (!f || value.is_null()) return std::nullopt;
  switch (f->type()) {
    case FieldType::String: return value.is_string() ? std::nullopt : std::optional<std::string>("string");
    case FieldType::Number:
    case FieldType::Integer: return value.is_number() ? std::nullopt : std::optional<std::string>("number");
    case FieldType::Boolean: return value.is_boolean() ? std::nullopt : std::optional<std::string>("boolean");
    default: return std::nullopt;
  }
}

Value to_modern(const schema::Schema& s, const Value& tbl, Object& errors) {
  Object out;
  for (const auto& [key, value] : tbl.as_object()) {
    std::string base;
    if (flat_foreign(s, key, &base)) {
      out.set(base, value.is_null() ? Value() : Value::object({{"id", value}}));
    } else if (key == "api_id" && s.field("api_id") == nullptr) {
      errors.set("api_id", "apis are not supported (removed in Kong 1.0): use service_id or route_id");
    } else if (auto expected = legacy_type_mismatch(s.field(key), value)) {
      // That era's validator checked a scalar's Lua type first: "name is not a string".
      errors.set(key, key + " is not a " + *expected);  // and left out of the entity
    } else {
      out.set(key, value);
    }
  }
  return Value(std::move(out));
}

// A modern entity -> a 0.14 row: foreign keys flattened to `x_id`, nulls left out.
Value to_legacy(const schema::Schema& s, const Value& entity) {
  Object out;
  for (const auto& [key, value] : entity.as_object()) {
    if (value.is_null()) continue;
    const schema::Field* f = s.field(key);
    if (f && f->type() == FieldType::Foreign && value.is_object()) {
      if (const Value* id = value.find("id")) out.set(key + "_id", *id);
      continue;
    }
    out.set(key, value);
  }
  return Value(std::move(out));
}

// kong.tools.printable: "k=v k2=v2", arrays joined with ",", keys sorted here for stability.
std::string printable(const Value& v) {
  if (v.is_array()) {
    std::string out;
    for (const Value& item : v.as_array()) {
      if (!out.empty()) out += ',';
      out += item.is_table() ? printable(item) : item.to_lua_string();
    }
    return out;
  }
  if (!v.is_object()) return v.to_lua_string();
  std::vector<std::string> parts;
  for (const auto& [key, value] : v.as_object()) parts.push_back(key + "=" + printable(value));
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

// Renames a modern error tree's foreign fields to their flat names (service -> service_id,
// with {id = msg} collapsed to msg).
Value flatten_error_fields(const schema::Schema& s, const Value& fields) {
  if (!fields.is_object()) return fields;
  Object out;
  for (const auto& [key, value] : fields.as_object()) {
    const schema::Field* f = s.field(key);
    if (f && f->type() == FieldType::Foreign) {
      const Value* id = value.find("id");
      out.set(key + "_id", id ? *id : value);
    } else {
      out.set(key, value);
    }
  }
  return Value(std::move(out));
}

struct LegacyError {
  std::string kind;  // schema | unique | foreign | db
  Value tbl;         // null for db errors carrying only a message
  std::string message;
};

LegacyError legacy_error(const schema::Schema& s, const Error& e) {
  switch (e.code) {
    case ErrorCode::SchemaViolation:
    case ErrorCode::InvalidPrimaryKey:
    case ErrorCode::InvalidForeignKey:
    case ErrorCode::ForeignKeysUnresolved:
    case ErrorCode::InvalidUnique: {
      Value tbl = e.fields.is_object() ? flatten_error_fields(s, e.fields) : Value();
      return {"schema", tbl, tbl.is_null() ? e.message : printable(tbl)};
    }
    case ErrorCode::UniqueViolation:
    case ErrorCode::PrimaryKeyViolation: {
      Object tbl;
      if (e.fields.is_object()) {
        const Value flat = flatten_error_fields(s, e.fields);
        for (const auto& [key, value] : flat.as_object()) {
          // A composite key's unset parts (a global plugin's route_id) are no duplicate value.
          if (value.is_null()) continue;
          tbl.set(key, "already exists with value '" + (value.is_table() ? printable(value)
                                                                        : value.to_lua_string()) + "'");
        }
      }
      Value t(std::move(tbl));
      return {"unique", t, printable(t)};
    }
    case ErrorCode::ForeignKeyViolation:
      if (e.fields.is_object() && !e.fields.find("@referenced_by")) {
        Object tbl;
        const Value flat = flatten_error_fields(s, e.fields);
        for (const auto& [key, value] : flat.as_object()) {
          tbl.set(key, "does not exist with value '" +
                           (value.is_table() ? printable(value) : value.to_lua_string()) + "'");
        }
        Value t(std::move(tbl));
        return {"foreign", t, printable(t)};
      }
      return {"db", Value(), e.message};
    default:
      return {"db", Value(), e.message};
  }
}

int legacy_error_tostring(lua_State* L) {
  lua_getfield(L, 1, "db_name");
  lua_getfield(L, 1, "message");
  if (lua_isstring(L, -2)) {
    lua_pushfstring(L, "[%s error] %s", lua_tostring(L, -2), luaL_optstring(L, -1, ""));
  } else {
    lua_pushstring(L, luaL_optstring(L, -1, ""));
  }
  return 1;
}

int legacy_error_concat(lua_State* L) {
  for (int i = 1; i <= 2; ++i) {
    if (lua_istable(L, i)) {
      lua_pushcfunction(L, &guarded<legacy_error_tostring>);
      lua_pushvalue(L, i);
      lua_call(L, 1, 1);
      lua_replace(L, i);
    }
  }
  lua_concat(L, 2);
  return 1;
}

void push_legacy_error_table(lua_State* L, const std::string& db_name, const LegacyError& e) {
  lua_newtable(L);
  lua_pushlstring(L, db_name.data(), db_name.size());
  lua_setfield(L, -2, "db_name");
  lua_pushlstring(L, e.message.data(), e.message.size());
  lua_setfield(L, -2, "message");
  lua_pushboolean(L, true);
  lua_setfield(L, -2, e.kind.c_str());
  if (!e.tbl.is_null()) {
    push_value(L, e.tbl);
    lua_setfield(L, -2, "tbl");
  }
  lua_pushlightuserdata(L, &kLegacyErrorMtKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_setmetatable(L, -2);
}

// nil, err
int push_failure(lua_State* L, dao::DAO& dao, const Error& e) {
  lua_pushnil(L);
  auto& db = *static_cast<dao::DB*>(lua_touserdata(L, lua_upvalueindex(2)));
  push_legacy_error_table(L, std::string(db.strategy_name()), legacy_error(dao.schema(), e));
  return 2;
}

int push_schema_failure(lua_State* L, dao::DAO& dao, Object errors) {
  return push_failure(L, dao, errors::schema_violation(Value(std::move(errors))));
}

// A write refused before it reached the DAO (a scalar of the wrong Lua type): that era's
// validator still reported everything else wrong with the entity, so the schema's other errors
// (on the rest of the entity, defaults applied) are added to these.
int push_write_refusal(lua_State* L, dao::DAO& dao, const Value& entity, Object errors, bool insert) {
  const schema::Context context = insert ? schema::Context::Insert : schema::Context::Update;
  if (auto processed = dao.schema().process_auto_fields(entity, context)) {
    auto tree = insert ? dao.schema().validate_insert(processed->data) : dao.schema().validate_update(processed->data);
    if (tree && tree->is_object()) {
      for (const auto& [key, value] : tree->as_object()) {
        if (!errors.contains(key)) errors.set(key, value);
      }
    }
  }
  return push_schema_failure(L, dao, std::move(errors));
}

int push_row(lua_State* L, dao::DAO& dao, const Value& entity) {
  push_value(L, to_legacy(dao.schema(), entity));
  return 1;
}

// The primary key named by a 0.14 table (flat keys translated), or a Lua error as 0.14 raised.
Value primary_key_of(const dao::DAO& dao, const Value& modern) {
  Object pk;
  for (const std::string& name : dao.schema().primary_key) {
    const Value* v = modern.find(name);
    if (v == nullptr || v->is_null()) throw LuaError("Missing PRIMARY KEY field");
    pk.set(name, *v);
  }
  return Value(std::move(pk));
}

// A find_all/find_page/count filter: every key must be a field ("unknown field").
std::optional<Value> modern_filter(const dao::DAO& dao, const Value& filter, Object& errors) {
  Value modern = to_modern(dao.schema(), filter, errors);
  for (const auto& [key, value] : modern.as_object()) {
    if (dao.schema().field(key) == nullptr) errors.set(key, "unknown field");
  }
  if (!errors.empty()) return std::nullopt;
  return modern;
}

bool matches(const Value& entity, const Value& filter) {
  for (const auto& [key, value] : filter.as_object()) {
    const Value* v = entity.find(key);
    if (v == nullptr ? !value.is_null() : !(*v == value)) return false;
  }
  return true;
}

// Every row matching `filter` (null: all), in storage order.
Result<std::vector<Value>> scan(dao::DAO& dao, const Value& filter) {
  std::vector<Value> rows;
  dao::RowIterator it = dao.each(dao::kMaxPageSize);
  while (true) {
    auto next = it.next();
    if (!next) return next.error();
    if (!*next) break;
    if (filter.is_null() || matches(**next, filter)) rows.push_back(std::move(**next));
  }
  return rows;
}

Value modern_options(const dao::DAO& dao, lua_State* L, int idx, bool allow_ttl) {
  Object o;
  if (!lua_istable(L, idx)) return Value();
  lua_getfield(L, idx, "quiet");
  if (lua_toboolean(L, -1)) o.set("no_broadcast_crud_event", true);
  lua_pop(L, 1);
  if (allow_ttl && dao.schema().ttl) {
    lua_getfield(L, idx, "ttl");
    if (lua_type(L, -1) == LUA_TNUMBER) o.set("ttl", static_cast<int64_t>(lua_tonumber(L, -1)));
    lua_pop(L, 1);
  }
  return o.empty() ? Value() : Value(std::move(o));
}

// --- methods (self at 1) ---

int legacy_insert(lua_State* L) {
  auto& dao = upvalue_dao(L);
  check_table_arg(L, 2, 1, "insert");
  if (!lua_isnoneornil(L, 3)) check_table_arg(L, 3, 2, "insert");
  Object errors;
  Value entity = to_modern(dao.schema(), table_value(L, 2, "insert"), errors);
  if (!errors.empty()) return push_write_refusal(L, dao, entity, std::move(errors), true);
  auto r = dao.insert(entity, modern_options(dao, L, 3, true));
  if (!r) return push_failure(L, dao, r.error());
  return push_row(L, dao, *r);
}

int legacy_find(lua_State* L) {
  auto& dao = upvalue_dao(L);
  check_table_arg(L, 2, 1, "find");
  Object errors;
  Value modern = to_modern(dao.schema(), table_value(L, 2, "find"), errors);
  if (!errors.empty()) return push_schema_failure(L, dao, std::move(errors));
  auto r = dao.select(primary_key_of(dao, modern));
  if (!r) return push_failure(L, dao, r.error());
  if (!*r) return 0;
  return push_row(L, dao, **r);
}

// Optional filter at `idx`: nil -> none; else a non-empty table of known fields.
std::optional<Value> filter_arg(lua_State* L, dao::DAO& dao, int idx, const char* method,
                                Object& errors) {
  if (lua_isnoneornil(L, idx)) return Value();
  check_table_arg(L, idx, 1, method);
  Value tbl = table_value(L, idx, method);
  check_not_empty(tbl, 1, method);
  return modern_filter(dao, tbl, errors);
}

int push_rows(lua_State* L, dao::DAO& dao, const std::vector<Value>& rows) {
  lua_createtable(L, static_cast<int>(rows.size()), 0);
  int i = 0;
  for (const Value& row : rows) {
    push_row(L, dao, row);
    lua_rawseti(L, -2, ++i);
  }
  return 1;
}

int legacy_find_all(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Object errors;
  auto filter = filter_arg(L, dao, 2, "find_all", errors);
  if (!filter) return push_schema_failure(L, dao, std::move(errors));
  auto rows = scan(dao, *filter);
  if (!rows) return push_failure(L, dao, rows.error());
  return push_rows(L, dao, *rows);
}

// find_page(filter, offset, size) -> rows, nil, next_offset. Without a filter the offset is the
// modern page token; with one it is the number of matching rows already returned.
int legacy_find_page(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Object errors;
  auto filter = filter_arg(L, dao, 2, "find_page", errors);
  if (!filter) return push_schema_failure(L, dao, std::move(errors));
  int64_t size = kLegacyPageSize;
  if (!lua_isnoneornil(L, 4)) {
    if (lua_type(L, 4) != LUA_TNUMBER) {
      throw LuaError(std::string("bad argument #3 to 'find_page' (number expected, got ") +
                  luaL_typename(L, 4) + ")");
    }
    size = static_cast<int64_t>(lua_tonumber(L, 4));
  }
  std::optional<std::string> offset;
  if (lua_type(L, 3) == LUA_TSTRING || lua_type(L, 3) == LUA_TNUMBER) offset = lua_tostring(L, 3);
  if (filter->is_null()) {
    auto page = dao.page(size, offset);
    if (!page) return push_failure(L, dao, page.error());
    push_rows(L, dao, page->rows);
    if (!page->offset) return 1;
    lua_pushnil(L);
    lua_pushlstring(L, page->offset->data(), page->offset->size());
    return 3;
  }
  size_t skip = 0;
  if (offset) {
    try {
      skip = std::stoul(*offset);
    } catch (const std::exception&) {
      return push_failure(L, dao, errors::invalid_offset(*offset, "bad offset"));
    }
  }
  if (size < 1 || size > dao::kMaxPageSize) {
    return push_failure(L, dao, errors::invalid_size("size must be an integer between 1 and " +
                                                     std::to_string(dao::kMaxPageSize)));
  }
  auto rows = scan(dao, *filter);
  if (!rows) return push_failure(L, dao, rows.error());
  size_t begin = std::min(skip, rows->size());
  size_t end = std::min(begin + static_cast<size_t>(size), rows->size());
  push_rows(L, dao, std::vector<Value>(rows->begin() + begin, rows->begin() + end));
  if (end >= rows->size()) return 1;
  lua_pushnil(L);
  lua_pushstring(L, std::to_string(end).c_str());
  return 3;
}

int legacy_count(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Object errors;
  auto filter = filter_arg(L, dao, 2, "count", errors);
  if (!filter) return push_schema_failure(L, dao, std::move(errors));
  auto rows = scan(dao, *filter);
  if (!rows) return push_failure(L, dao, rows.error());
  lua_pushinteger(L, static_cast<lua_Integer>(rows->size()));
  return 1;
}

// update(t, filter_keys, {full}): partial by default (explicit ngx.null clears a field), a
// full replacement with full=true; nothing when no row matches.
int legacy_update(lua_State* L) {
  auto& dao = upvalue_dao(L);
  check_table_arg(L, 2, 1, "update");
  Value tbl = table_value(L, 2, "update");
  check_not_empty(tbl, 1, "update");
  check_table_arg(L, 3, 2, "update");
  Value keys = table_value(L, 3, "update");
  check_not_empty(keys, 2, "update");
  if (!lua_isnoneornil(L, 4)) check_table_arg(L, 4, 3, "update");
  bool full = false;
  if (lua_istable(L, 4)) {
    lua_getfield(L, 4, "full");
    full = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
  }
  for (const auto& [key, value] : keys.as_object()) {
    if (!tbl.find(key)) tbl.as_object().set(key, value);
  }
  Object errors;
  Value modern = to_modern(dao.schema(), tbl, errors);
  if (!errors.empty()) return push_write_refusal(L, dao, modern, std::move(errors), false);
  Value pk = primary_key_of(dao, modern);
  for (const std::string& name : dao.schema().primary_key) modern.as_object().erase(name);
  auto existing = dao.select(pk);
  if (!existing) return push_failure(L, dao, existing.error());
  if (!*existing) return 0;
  Value options = modern_options(dao, L, 4, false);
  auto r = full ? dao.upsert(pk, modern, options) : dao.update(pk, modern, options);
  if (!r) return push_failure(L, dao, r.error());
  return push_row(L, dao, *r);
}

// delete(pk, {quiet}) -> the deleted row, or nothing when there was none.
int legacy_delete(lua_State* L) {
  auto& dao = upvalue_dao(L);
  check_table_arg(L, 2, 1, "delete");
  if (!lua_isnoneornil(L, 3)) check_table_arg(L, 3, 2, "delete");
  Object errors;
  Value modern = to_modern(dao.schema(), table_value(L, 2, "delete"), errors);
  if (!errors.empty()) return push_schema_failure(L, dao, std::move(errors));
  Value pk = primary_key_of(dao, modern);
  auto existing = dao.select(pk);
  if (!existing) return push_failure(L, dao, existing.error());
  if (!*existing) return 0;
  auto r = dao.remove(pk, modern_options(dao, L, 3, false));
  if (!r) return push_failure(L, dao, r.error());
  return push_row(L, dao, **existing);
}

int legacy_truncate(lua_State* L) {
  auto& dao = upvalue_dao(L);
  auto r = dao.truncate();
  if (!r) return push_failure(L, dao, r.error());
  lua_pushboolean(L, true);
  return 1;
}

// The modern entity cache key (its cache_key fields, or its primary key).
int legacy_entity_cache_key(lua_State* L) {
  auto& dao = upvalue_dao(L);
  check_table_arg(L, 2, 1, "entity_cache_key");
  Object errors;
  Value modern = to_modern(dao.schema(), table_value(L, 2, "entity_cache_key"), errors);
  std::string key = dao.cache_key(modern);
  lua_pushlstring(L, key.data(), key.size());
  return 1;
}

void set_method(lua_State* L, dao::DB& db, dao::DAO& dao, const char* name, lua_CFunction fn) {
  lua_pushlightuserdata(L, &dao);
  lua_pushlightuserdata(L, &db);
  lua_pushcclosure(L, fn, 2);
  lua_setfield(L, -2, name);
}

void push_legacy_table(lua_State* L, dao::DB& db, dao::DAO& dao) {
  lua_newtable(L);
  const std::string table = dao.schema().table_name.value_or(dao.schema().name);
  lua_pushlstring(L, table.data(), table.size());
  lua_setfield(L, -2, "table");
  set_method(L, db, dao, "insert", &guarded<legacy_insert>);
  set_method(L, db, dao, "find", &guarded<legacy_find>);
  set_method(L, db, dao, "find_all", &guarded<legacy_find_all>);
  set_method(L, db, dao, "find_page", &guarded<legacy_find_page>);
  set_method(L, db, dao, "count", &guarded<legacy_count>);
  set_method(L, db, dao, "update", &guarded<legacy_update>);
  set_method(L, db, dao, "delete", &guarded<legacy_delete>);
  set_method(L, db, dao, "truncate", &guarded<legacy_truncate>);
  set_method(L, db, dao, "cache_key", dao_cache_key_function());
  set_method(L, db, dao, "entity_cache_key", &guarded<legacy_entity_cache_key>);
}

int legacy_index(lua_State* L) {
  auto& db = *static_cast<dao::DB*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (lua_type(L, 2) != LUA_TSTRING) return 0;
  dao::DAO* dao = db.dao(lua_tostring(L, 2));
  if (dao == nullptr) return 0;
  push_legacy_table(L, db, *dao);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);
  return 1;
}

}  // namespace

void push_legacy_dao(lua_State* L, dao::DB& db) {
  lua_pushlightuserdata(L, &kLegacyErrorMtKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  bool have_mt = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (!have_mt) {
    lua_pushlightuserdata(L, &kLegacyErrorMtKey);
    lua_newtable(L);
    lua_pushcfunction(L, &guarded<legacy_error_tostring>);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, &guarded<legacy_error_concat>);
    lua_setfield(L, -2, "__concat");
    lua_rawset(L, LUA_REGISTRYINDEX);
  }
  push_cached(L, &kLegacyCacheKey, &db, [&] {
    lua_newtable(L);
    std::string strategy(db.strategy_name());
    lua_pushlstring(L, strategy.data(), strategy.size());
    lua_setfield(L, -2, "db_type");
    lua_newtable(L);
    lua_pushlightuserdata(L, &db);
    lua_pushcclosure(L, &guarded<legacy_index>, 1);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
  });
}

}  // namespace kongdb::lua
