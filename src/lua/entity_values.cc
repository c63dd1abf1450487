#include "lua/entity_values.h"

namespace kongdb::lua {
namespace {

using schema::Field;
using schema::FieldType;

void mark_field(lua_State* L, int idx, const Field& field);

void mark_fields(lua_State* L, int idx, const schema::Fields& fields, const schema::Schema* owner,
                 const schema::Schema* subschema) {
  for (const auto& [name, declared] : fields) {
    const Field* f = owner ? owner->resolve_field(name, subschema) : &declared;
    if (!f) f = &declared;
    lua_pushlstring(L, name.data(), name.size());
    lua_rawget(L, idx);
    if (lua_istable(L, -1)) mark_field(L, lua_gettop(L), *f);
    lua_pop(L, 1);
  }
}

// Replaces a non-empty set's array marker by a metatable whose __index is {member = true}.
void make_set(lua_State* L, int idx) {
  const size_t n = lua_objlen(L, idx);
  if (n == 0) return;  // an empty set keeps its array marker, as Kong's make_set does
  lua_createtable(L, 0, 1);
  lua_createtable(L, 0, static_cast<int>(n));
  for (size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, idx, static_cast<int>(i));
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
  }
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, idx);
}

void mark_elements(lua_State* L, int idx, const Field& element) {
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    if (lua_istable(L, -1)) mark_field(L, lua_gettop(L), element);
    lua_pop(L, 1);
  }
}

void mark_field(lua_State* L, int idx, const Field& field) {
  switch (field.type()) {
    case FieldType::Set:
      if (field.elements_) mark_elements(L, idx, *field.elements_);
      make_set(L, idx);
      break;
    case FieldType::Array:
      if (field.elements_) mark_elements(L, idx, *field.elements_);
      break;
    case FieldType::Map:
      if (field.values_) mark_elements(L, idx, *field.values_);
      break;
    case FieldType::Record:
      if (field.fields_) mark_fields(L, idx, field.fields_->fields, nullptr, nullptr);
      break;
    default: break;
  }
}

}  // namespace

void push_entity(lua_State* L, const Value& entity, const schema::Schema& schema) {
  push_value(L, entity);
  if (!entity.is_object()) return;
  luaL_checkstack(L, 8, "entity too deep");
  mark_fields(L, lua_gettop(L), schema.fields, &schema, schema.get_subschema(entity));
}

void push_error_tree(lua_State* L, const Value& tree) {
  luaL_checkstack(L, 4, "error tree too deep");
  if (tree.is_array()) {
    const Array& items = tree.as_array();
    lua_createtable(L, 0, 0);
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].is_null()) continue;
      push_error_tree(L, items[i]);
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
  } else if (tree.is_object()) {
    lua_createtable(L, 0, static_cast<int>(tree.as_object().size()));
    for (const auto& [key, value] : tree.as_object()) {
      lua_pushlstring(L, key.data(), key.size());
      push_error_tree(L, value);
      lua_rawset(L, -3);
    }
  } else {
    push_value(L, tree);
  }
}

}  // namespace kongdb::lua
