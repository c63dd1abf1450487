#include "kongdb/lua/db_binding.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kongdb/dao/tags.h"
#include "kongdb/lua/runtime.h"
#include "kongdb/schema/schema_json.h"
#include "lua/entity_values.h"

namespace kongdb::lua {
namespace {

using schema::FieldType;

// Registry keys: the err_t metatable, and the per-State cache {DB* -> kong.db table}.
char kErrorMtKey;
char kDbCacheKey;
constexpr const char* kIteratorMt = "kongdb.row_iterator";

// --- arguments ---

// Entity input: a table with holes is no array (Kong's is_sequence), so a schema refuses it.
const ToValueOptions kEntityInput{.holes_make_objects = true};

dao::DAO& upvalue_dao(lua_State* L) {
  return *static_cast<dao::DAO*>(lua_touserdata(L, lua_upvalueindex(1)));
}

std::string upvalue_field(lua_State* L) {
  size_t len = 0;
  const char* s = lua_tolstring(L, lua_upvalueindex(2), &len);
  return std::string(s, len);
}

// A table argument as a Value; `must_be` is Kong's message for a non-table.
Value table_arg(lua_State* L, int idx, const char* must_be) {
  if (!lua_istable(L, idx)) throw LuaError(must_be);
  auto v = to_value(L, idx, kEntityInput);
  if (!v) throw LuaError(std::string(must_be, std::string_view(must_be).find(' ')) + ": " + v.error());
  return std::move(*v);
}

// Options: nil -> none; a table -> its Value; anything else raises Kong's message.
Value options_arg(lua_State* L, int idx) {
  if (lua_isnoneornil(L, idx)) return Value();
  if (!lua_istable(L, idx)) throw LuaError("options must be a table when specified");
  auto v = to_value(L, idx);
  if (!v) throw LuaError("options: " + v.error());
  return std::move(*v);
}

// A page size: nil -> the default; not a number raises; a number that is not an integer in
// range is passed as 0 so the DAO reports INVALID_SIZE with the applicable maximum.
std::optional<int64_t> size_arg(lua_State* L, int idx) {
  if (lua_isnoneornil(L, idx)) return std::nullopt;
  if (lua_type(L, idx) != LUA_TNUMBER) throw LuaError("size must be a number");
  double d = lua_tonumber(L, idx);
  if (!std::isfinite(d) || d != std::floor(d) || d < 1) return 0;
  if (d > 1e15) return int64_t{1'000'000'000'000'000};
  return static_cast<int64_t>(d);
}

std::optional<std::string> offset_arg(lua_State* L, int idx) {
  if (lua_isnoneornil(L, idx)) return std::nullopt;
  if (lua_type(L, idx) != LUA_TSTRING) throw LuaError("offset must be a string");
  size_t len = 0;
  const char* s = lua_tolstring(L, idx, &len);
  return std::string(s, len);
}

// Kong's validate_unique_type: the Lua type a unique field's value must have.
Value unique_arg(lua_State* L, int idx, const dao::DAO& dao, const std::string& name) {
  const schema::Field* field = dao.schema().field(name);
  int type = lua_type(L, idx);
  const char* expected = nullptr;
  switch (field ? field->type() : FieldType::Any) {
    case FieldType::Array:
    case FieldType::Set:
    case FieldType::Map:
    case FieldType::Record:
    case FieldType::Foreign:
      if (type != LUA_TTABLE) expected = "table";
      break;
    case FieldType::String:
      if (type != LUA_TSTRING) expected = "string";
      break;
    case FieldType::Number:
    case FieldType::Integer:
      if (type != LUA_TNUMBER) expected = "number";
      break;
    case FieldType::Boolean:
      if (type != LUA_TBOOLEAN) expected = "boolean";
      break;
    default:
      break;
  }
  if (expected) throw LuaError(name + " must be a " + expected);
  auto v = to_value(L, idx, kEntityInput);
  if (!v) throw LuaError(name + ": " + v.error());
  return std::move(*v);
}

// --- results ---

int push_entity_result(lua_State* L, const Result<Value>& r, const schema::Schema& schema) {
  if (!r) return push_error_triple(L, r.error());
  push_entity(L, *r, schema);
  return 1;
}

int push_optional_result(lua_State* L, const Result<std::optional<Value>>& r, const schema::Schema& schema) {
  if (!r) return push_error_triple(L, r.error());
  if (!*r) {
    lua_pushnil(L);
    return 1;
  }
  push_entity(L, **r, schema);
  return 1;
}

int push_bool_result(lua_State* L, const Result<bool>& r) {
  if (!r) return push_error_triple(L, r.error());
  lua_pushboolean(L, *r);
  return 1;
}

// rows (a sequence with array_mt), nil, nil, offset
int push_page_result(lua_State* L, const Result<dao::Page>& r, const schema::Schema& schema) {
  if (!r) return push_error_triple(L, r.error());
  lua_createtable(L, static_cast<int>(r->rows.size()), 0);
  int i = 0;
  for (const Value& row : r->rows) {
    push_entity(L, row, schema);
    lua_rawseti(L, -2, ++i);
  }
  push_array_mt(L);
  lua_setmetatable(L, -2);
  if (!r->offset) return 1;
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushlstring(L, r->offset->data(), r->offset->size());
  return 4;
}

// --- iterators (each, each_for_<fk>) ---

// The C++ iterator plus the first row, fetched when the iterator is made (as Kong's pager
// does) so argument errors come back from each() itself rather than from the first step.
struct LuaRowIterator {
  dao::RowIterator rows;
  const schema::Schema* schema;
  std::optional<Result<std::optional<Value>>> first;
  int first_page = 0;
  bool failed = false;
};

int iterator_gc(lua_State* L) {
  static_cast<LuaRowIterator*>(luaL_checkudata(L, 1, kIteratorMt))->~LuaRowIterator();
  return 0;
}

// Yields row, nil, page_no; then nothing; on an error `false, err, err_t` once.
int iterator_step(lua_State* L) {
  auto* it = static_cast<LuaRowIterator*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (it->failed) return 0;
  Result<std::optional<Value>> next = std::optional<Value>();
  int page = 0;
  if (it->first) {
    next = std::move(*it->first);
    it->first.reset();
    page = it->first_page;
  } else {
    next = it->rows.next();
    page = it->rows.page_number();
  }
  if (!next) {
    it->failed = true;
    lua_pushboolean(L, false);
    std::string message = next.error().to_string();
    lua_pushlstring(L, message.data(), message.size());
    push_error_table(L, next.error());
    return 3;
  }
  if (!*next) {
    it->failed = true;  // exhausted: further calls return nothing
    return 0;
  }
  push_entity(L, **next, *it->schema);
  lua_pushnil(L);
  lua_pushinteger(L, page);
  return 3;
}

// Pushes the iterator function, or Kong's error triple for invalid arguments.
int push_iterator(lua_State* L, dao::RowIterator rows, const schema::Schema& schema) {
  void* mem = lua_newuserdata(L, sizeof(LuaRowIterator));
  auto* it = new (mem) LuaRowIterator{std::move(rows), &schema, std::nullopt, 0, false};
  luaL_getmetatable(L, kIteratorMt);
  lua_setmetatable(L, -2);
  it->first = it->rows.next();
  it->first_page = it->rows.page_number();
  if (!*it->first) {
    ErrorCode code = it->first->error().code;
    if (code == ErrorCode::InvalidSize || code == ErrorCode::InvalidOptions ||
        code == ErrorCode::InvalidPrimaryKey) {
      Error e = it->first->error();
      lua_pop(L, 1);
      return push_error_triple(L, e);
    }
  }
  lua_pushcclosure(L, &guarded<iterator_step>, 1);
  return 1;
}

// --- DAO methods (args start at 2; 1 is the DAO table, as with `dao:method(...)`) ---

int dao_select(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Value pk = table_arg(L, 2, "primary_key must be a table");
  Value options = options_arg(L, 3);
  return push_optional_result(L, dao.select(pk, options), dao.schema());
}

int dao_page(lua_State* L) {
  auto& dao = upvalue_dao(L);
  auto size = size_arg(L, 2);
  auto offset = offset_arg(L, 3);
  Value options = options_arg(L, 4);
  return push_page_result(L, dao.page(size, std::move(offset), options), dao.schema());
}

int dao_each(lua_State* L) {
  auto& dao = upvalue_dao(L);
  auto size = size_arg(L, 2);
  Value options = options_arg(L, 3);
  return push_iterator(L, dao.each(size, options), dao.schema());
}

int dao_each_for_export(lua_State* L) {
  auto& dao = upvalue_dao(L);
  auto size = size_arg(L, 2);
  Value options = options_arg(L, 3);
  return push_iterator(L, dao.each_for_export(size, options), dao.schema());
}

int dao_insert(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Value entity = table_arg(L, 2, "entity must be a table");
  Value options = options_arg(L, 3);
  return push_entity_result(L, dao.insert(entity, options), dao.schema());
}

int dao_update(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Value pk = table_arg(L, 2, "primary_key must be a table");
  Value entity = table_arg(L, 3, "entity must be a table");
  Value options = options_arg(L, 4);
  return push_entity_result(L, dao.update(pk, entity, options), dao.schema());
}

int dao_upsert(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Value pk = table_arg(L, 2, "primary_key must be a table");
  Value entity = table_arg(L, 3, "entity must be a table");
  Value options = options_arg(L, 4);
  return push_entity_result(L, dao.upsert(pk, entity, options), dao.schema());
}

int dao_delete(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Value pk = table_arg(L, 2, "primary_key must be a table");
  Value options = options_arg(L, 3);
  return push_bool_result(L, dao.remove(pk, options));
}

int dao_truncate(lua_State* L) {
  auto& dao = upvalue_dao(L);
  auto r = dao.truncate();
  if (!r) return push_error_triple(L, r.error());
  lua_pushboolean(L, true);
  return 1;
}

int dao_select_by(lua_State* L) {
  auto& dao = upvalue_dao(L);
  std::string field = upvalue_field(L);
  Value value = unique_arg(L, 2, dao, field);
  Value options = options_arg(L, 3);
  return push_optional_result(L, dao.select_by(field, value, options), dao.schema());
}

int dao_update_by(lua_State* L) {
  auto& dao = upvalue_dao(L);
  std::string field = upvalue_field(L);
  Value value = unique_arg(L, 2, dao, field);
  Value entity = table_arg(L, 3, "entity must be a table");
  Value options = options_arg(L, 4);
  return push_entity_result(L, dao.update_by(field, value, entity, options), dao.schema());
}

int dao_upsert_by(lua_State* L) {
  auto& dao = upvalue_dao(L);
  std::string field = upvalue_field(L);
  Value value = unique_arg(L, 2, dao, field);
  Value entity = table_arg(L, 3, "entity must be a table");
  Value options = options_arg(L, 4);
  return push_entity_result(L, dao.upsert_by(field, value, entity, options), dao.schema());
}

int dao_delete_by(lua_State* L) {
  auto& dao = upvalue_dao(L);
  std::string field = upvalue_field(L);
  Value value = unique_arg(L, 2, dao, field);
  Value options = options_arg(L, 3);
  return push_bool_result(L, dao.remove_by(field, value, options));
}

void check_single_foreign_pk(const dao::DAO& dao, const std::string& field) {
  const schema::Field* f = dao.schema().field(field);
  if (f && f->foreign_schema_ && f->foreign_schema_->primary_key.size() > 1) {
    throw LuaError("primary keys containing composite foreign keys are currently not supported");
  }
}

int dao_page_for(lua_State* L) {
  auto& dao = upvalue_dao(L);
  std::string field = upvalue_field(L);
  Value fk = table_arg(L, 2, "foreign_key must be a table");
  check_single_foreign_pk(dao, field);
  auto size = size_arg(L, 3);
  auto offset = offset_arg(L, 4);
  Value options = options_arg(L, 5);
  return push_page_result(L, dao.page_for(field, fk, size, std::move(offset), options), dao.schema());
}

// snis:list_for_certificate(pk, options): the certificate's SNI names, sorted, as a JSON array.
int snis_list_for_certificate(lua_State* L) {
  auto& dao = upvalue_dao(L);
  Value fk = table_arg(L, 2, "foreign_key must be a table");
  check_single_foreign_pk(dao, "certificate");
  Value options = options_arg(L, 3);
  dao::RowIterator rows = dao.each_for("certificate", fk, std::nullopt, options);
  std::vector<std::string> names;
  for (;;) {
    auto row = rows.next();
    if (!row) return push_error_triple(L, row.error());
    if (!*row) break;
    if (const Value* name = (*row)->find("name"); name && name->is_string()) names.push_back(name->as_string());
  }
  std::sort(names.begin(), names.end());
  lua_createtable(L, static_cast<int>(names.size()), 0);
  for (size_t i = 0; i < names.size(); ++i) {
    lua_pushlstring(L, names[i].data(), names[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  push_array_mt(L);
  lua_setmetatable(L, -2);
  return 1;
}

// tags:page_by_tag(tag, size, offset, options): the entities carrying `tag`; a tag the schema
// refuses is Kong's invalid-unique error.
int tags_page_by_tag(lua_State* L) {
  auto& tags = static_cast<dao::TagsDAO&>(upvalue_dao(L));
  const schema::Field* tag_field = tags.schema().field("tag");
  auto tag = to_value(L, 2, kEntityInput);
  if (!tag) throw LuaError("tag: " + tag.error());
  std::optional<Value> refused;
  if (tag_field) refused = tags.schema().validate_field(*tag_field, *tag);
  if (refused || !tag->is_string()) {
    std::string why = !refused ? "expected a string" : refused->is_string() ? refused->as_string() : refused->to_lua_string();
    return push_error_triple(L, errors::invalid_unique("tag", std::move(why)));
  }
  auto size = size_arg(L, 3);
  auto offset = offset_arg(L, 4);
  Value options = options_arg(L, 5);
  return push_page_result(L, tags.page_by_tag(tag->as_string(), size, std::move(offset), options), tags.schema());
}

int dao_each_for(lua_State* L) {
  auto& dao = upvalue_dao(L);
  std::string field = upvalue_field(L);
  Value fk = table_arg(L, 2, "foreign_key must be a table");
  check_single_foreign_pk(dao, field);
  auto size = size_arg(L, 3);
  Value options = options_arg(L, 4);
  return push_iterator(L, dao.each_for(field, fk, size, options), dao.schema());
}

// cache_key(key, a2, a3, a4, a5, ws_id): a string key takes the parts as given; a table is
// an entity whose cache_key (or primary key) fields are used.
int dao_cache_key(lua_State* L) {
  auto& dao = upvalue_dao(L);
  if (lua_type(L, 2) == LUA_TSTRING) {
    std::vector<Value> parts;
    for (int i = 2; i <= 6; ++i) {
      if (lua_isnoneornil(L, i)) {
        parts.emplace_back();
        continue;
      }
      auto v = to_value(L, i);
      if (!v || v->is_table()) throw LuaError("cache key parts must be strings, numbers or booleans");
      parts.push_back(std::move(*v));
    }
    std::string ws_id = lua_type(L, 7) == LUA_TSTRING ? lua_tostring(L, 7) : "";
    std::string key = dao.cache_key(parts, ws_id);
    lua_pushlstring(L, key.data(), key.size());
    return 1;
  }
  if (!lua_istable(L, 2)) throw LuaError("key must be a string or an entity table");
  Value entity = table_arg(L, 2, "key must be a string or an entity table");
  std::string key = dao.cache_key(entity);
  lua_pushlstring(L, key.data(), key.size());
  return 1;
}

int dao_select_by_cache_key(lua_State* L) {
  auto& dao = upvalue_dao(L);
  if (dao.schema().cache_key.empty()) throw LuaError("entity does not have a cache_key defined");
  Value key;
  if (lua_type(L, 2) == LUA_TSTRING) {
    key = Value(std::string(lua_tostring(L, 2)));
  } else {
    key = table_arg(L, 2, "key must be a string or an entity table");
  }
  Value options = options_arg(L, 3);
  return push_optional_result(L, dao.select_by_cache_key(key, options), dao.schema());
}

// --- building the tables ---

void set_method(lua_State* L, dao::DAO& dao, const char* name, lua_CFunction fn) {
  lua_pushlightuserdata(L, &dao);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, -2, name);
}

void set_field_method(lua_State* L, dao::DAO& dao, const std::string& name,
                      const std::string& field, lua_CFunction fn) {
  lua_pushlightuserdata(L, &dao);
  lua_pushlstring(L, field.data(), field.size());
  lua_pushcclosure(L, fn, 2);
  lua_setfield(L, -2, name.c_str());
}

// One entity's DAO table: its schema (as GET /schemas shows it) and Kong's methods.
void push_dao_table(lua_State* L, dao::DAO& dao) {
  lua_newtable(L);
  push_value(L, schema::schema_to_value(dao.schema()));
  lua_setfield(L, -2, "schema");
  set_method(L, dao, "select", &guarded<dao_select>);
  set_method(L, dao, "page", &guarded<dao_page>);
  set_method(L, dao, "each", &guarded<dao_each>);
  set_method(L, dao, "each_for_export", &guarded<dao_each_for_export>);
  set_method(L, dao, "insert", &guarded<dao_insert>);
  set_method(L, dao, "update", &guarded<dao_update>);
  set_method(L, dao, "upsert", &guarded<dao_upsert>);
  set_method(L, dao, "delete", &guarded<dao_delete>);
  set_method(L, dao, "truncate", &guarded<dao_truncate>);
  set_method(L, dao, "cache_key", &guarded<dao_cache_key>);
  set_method(L, dao, "select_by_cache_key", &guarded<dao_select_by_cache_key>);
  // Kong's DAO default paging: every DAO carries it, and page/each take their sizes from it.
  lua_createtable(L, 0, 2);
  lua_pushinteger(L, dao::kDefaultPageSize);
  lua_setfield(L, -2, "page_size");
  lua_pushinteger(L, dao::kMaxPageSize);
  lua_setfield(L, -2, "max_page_size");
  lua_setfield(L, -2, "pagination");
  if (dao.schema().name == "snis" && dao.schema().field("certificate")) {
    set_method(L, dao, "list_for_certificate", &guarded<snis_list_for_certificate>);
  }
  if (dynamic_cast<dao::TagsDAO*>(&dao)) set_method(L, dao, "page_by_tag", &guarded<tags_page_by_tag>);
  for (const auto& [name, field] : dao.schema().fields) {
    if (dao.is_unique_field(name)) {
      set_field_method(L, dao, "select_by_" + name, name, &guarded<dao_select_by>);
      set_field_method(L, dao, "update_by_" + name, name, &guarded<dao_update_by>);
      set_field_method(L, dao, "upsert_by_" + name, name, &guarded<dao_upsert_by>);
      set_field_method(L, dao, "delete_by_" + name, name, &guarded<dao_delete_by>);
    }
    if (field.type() == FieldType::Foreign) {
      set_field_method(L, dao, "page_for_" + name, name, &guarded<dao_page_for>);
      set_field_method(L, dao, "each_for_" + name, name, &guarded<dao_each_for>);
    }
  }
}

// kong.db.<name>: builds the DAO table on first access and caches it in kong.db.
int db_index(lua_State* L) {
  auto& db = *static_cast<dao::DB*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (lua_type(L, 2) != LUA_TSTRING) return 0;
  dao::DAO* dao = db.dao(lua_tostring(L, 2));
  if (dao == nullptr) return 0;
  push_dao_table(L, *dao);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, 1);
  return 1;
}

// db:truncate([name]): one entity or all of them.
int db_truncate(lua_State* L) {
  auto& db = *static_cast<dao::DB*>(lua_touserdata(L, lua_upvalueindex(1)));
  std::string name;
  if (!lua_isnoneornil(L, 2)) {
    if (lua_type(L, 2) != LUA_TSTRING) throw LuaError("table name must be a string");
    name = lua_tostring(L, 2);
    if (db.dao(name) == nullptr) throw LuaError("unknown table '" + name + "'");
  }
  auto r = db.truncate(name);
  if (!r) return push_error_triple(L, r.error());
  lua_pushboolean(L, true);
  return 1;
}

int error_tostring(lua_State* L) {
  lua_getfield(L, 1, "strategy");
  lua_getfield(L, 1, "message");
  if (lua_isstring(L, -2)) {
    lua_pushfstring(L, "[%s] %s", lua_tostring(L, -2), luaL_optstring(L, -1, ""));
  } else {
    lua_pushstring(L, luaL_optstring(L, -1, ""));
  }
  return 1;
}

void ensure_metatables(lua_State* L) {
  lua_pushlightuserdata(L, &kErrorMtKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  bool exists = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (exists) return;
  lua_pushlightuserdata(L, &kErrorMtKey);
  lua_newtable(L);
  lua_pushcfunction(L, &guarded<error_tostring>);
  lua_setfield(L, -2, "__tostring");
  lua_rawset(L, LUA_REGISTRYINDEX);
  luaL_newmetatable(L, kIteratorMt);
  lua_pushcfunction(L, &iterator_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);
}

}  // namespace

lua_CFunction dao_cache_key_function() { return &guarded<dao_cache_key>; }

void push_error_table(lua_State* L, const Error& error) {
  ensure_metatables(L);
  push_error_tree(L, error.to_value(/*with_strategy=*/true));
  lua_pushlightuserdata(L, &kErrorMtKey);
  lua_rawget(L, LUA_REGISTRYINDEX);
  lua_setmetatable(L, -2);
}

int push_error_triple(lua_State* L, const Error& error) {
  lua_pushnil(L);
  std::string message = error.to_string();
  lua_pushlstring(L, message.data(), message.size());
  push_error_table(L, error);
  return 3;
}

void push_db(lua_State* L, dao::DB& db) {
  ensure_metatables(L);
  push_cached(L, &kDbCacheKey, &db, [&] {
    lua_newtable(L);
    std::string strategy(db.strategy_name());
    lua_pushlstring(L, strategy.data(), strategy.size());
    lua_setfield(L, -2, "strategy");
    lua_pushlightuserdata(L, &db);
    lua_pushcclosure(L, &guarded<db_truncate>, 1);
    lua_setfield(L, -2, "truncate");
    lua_newtable(L);
    lua_pushlightuserdata(L, &db);
    lua_pushcclosure(L, &guarded<db_index>, 1);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
  });
}

}  // namespace kongdb::lua
