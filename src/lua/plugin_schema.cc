// Lua schema tables (Kong's schema.lua / daos.lua format) to schema::Schema. The tables are
// walked with raw accesses only; Lua functions found in them become callbacks pinned in the
// host's state. Written for kongdb after kong/db/schema/metaschema.lua's attribute list.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "kongdb/schema/typedefs.h"
#include "lua/plugin_internal.h"

namespace kongdb::lua {
namespace plugin {

LuaRef::LuaRef(std::shared_ptr<PluginHost> host, int idx) : host_(std::move(host)) {
  lua_State* L = host_->state.get();
  lua_pushvalue(L, idx);
  ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
}

LuaRef::~LuaRef() {
  std::lock_guard lock(host_->state.mutex());
  luaL_unref(host_->state.get(), LUA_REGISTRYINDEX, ref_);
}

tl::expected<void, std::string> LuaRef::call(const std::vector<Value>& args, int nresults,
                                             const std::function<void(lua_State*, int)>& read) const {
  std::lock_guard lock(host_->state.mutex());
  lua_State* L = host_->state.get();
  StackGuard guard(L);
  if (!lua_checkstack(L, static_cast<int>(args.size()) + nresults + 4)) {
    return tl::unexpected(std::string("Lua stack overflow"));
  }
  push(L);
  for (const Value& v : args) push_value(L, v);
  if (lua_pcall(L, static_cast<int>(args.size()), nresults, 0) != 0) return tl::unexpected(pop_error_message(L));
  read(L, lua_gettop(L) - nresults + 1);
  return {};
}

std::string describe(lua_State* L, int idx) {
  if (is_null(L, idx)) return "null";
  switch (lua_type(L, idx)) {
    case LUA_TNIL: return "nil";
    case LUA_TBOOLEAN: return "a boolean";
    case LUA_TNUMBER: return "a number";
    case LUA_TSTRING: return "a string";
    case LUA_TTABLE: return "a table";
    case LUA_TFUNCTION: return "a function";
    default: return std::string("a ") + lua_typename(L, lua_type(L, idx));
  }
}

bool is_sequence(lua_State* L, int idx, size_t* length) {
  idx = abs_index(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE) return false;
  size_t count = 0;
  double max_key = 0;
  bool ok = true;
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TNUMBER) {
      ok = false;
      continue;
    }
    double k = lua_tonumber(L, -1);
    if (k < 1 || std::floor(k) != k) ok = false;
    max_key = std::max(max_key, k);
    ++count;
  }
  if (!ok || max_key != static_cast<double>(count)) return false;
  if (length) *length = count;
  return true;
}

}  // namespace plugin

namespace {

using namespace plugin;
using schema::EntityCheck;
using schema::Field;
using schema::FieldType;
using schema::Schema;

constexpr const char* kTypedefMarker = "__kongdb_typedef";

// Conversion failures carry the path of the offending attribute; thrown only inside this
// file's walk and turned into an error value by schema_from_lua.
struct ConvertError {
  std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw ConvertError{where + ": " + what};
}

std::string join(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

class Converter {
 public:
  explicit Converter(std::shared_ptr<PluginHost> host) : host_(std::move(host)), L(host_->state.get()) {}

  Schema schema(int idx, SchemaKind kind) {
    idx = abs_index(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE) fail("schema", "expected a table, got " + describe(L, idx));
    Schema s;
    for_each_key(idx, "schema", [&](const std::string& key, int v) {
      const std::string where = "schema attribute '" + key + "'";
      if (key == "name") {
        s.name = string_of(v, where);
      } else if (key == "primary_key") {
        s.primary_key = strings_of(v, where);
      } else if (key == "fields") {
        s.fields = fields(v, "");
      } else if (key == "entity_checks") {
        s.entity_checks = entity_checks(v, "");
      } else if (key == "shorthand_fields") {
        s.shorthand_fields = shorthand_fields(v, "");
      } else if (key == "transformations") {
        s.transformations = transformations(v);
      } else if (key == "check") {
        s.check = legacy_check(v, where);
      } else if (key == "subschema_key") {
        s.subschema_key = string_of(v, where);
      } else if (key == "subschema_error") {
        s.subschema_error = string_of(v, where);
      } else if (key == "workspaceable") {
        s.workspaceable = bool_of(v, where);
      } else if (key == "ttl") {
        s.ttl = bool_of(v, where);
      } else if (key == "db_export") {
        s.db_export = bool_of(v, where);
      } else if (key == "generate_admin_api") {
        s.generate_admin_api = bool_of(v, where);
      } else if (key == "endpoint_key") {
        s.endpoint_key = string_of(v, where);
      } else if (key == "cache_key") {
        s.cache_key = strings_of(v, where);
      } else if (key == "table_name") {
        s.table_name = string_of(v, where);
      } else if (key == "admin_api_name") {
        s.admin_api_name = string_of(v, where);
      } else if (key == "admin_api_nested_name") {
        s.admin_api_nested_name = string_of(v, where);
      } else if (key == "dao") {
        fail(where, "custom DAO modules are not supported by kongdb");
      } else {
        fail(where, "unknown field");
      }
    });
    if (s.name.empty()) fail("schema attribute 'name'", "required field missing");
    if (kind == SchemaKind::Entity && s.primary_key.empty()) {
      fail("schema attribute 'primary_key'", "required field missing");
    }
    return s;
  }

 private:
  // Calls fn(key, value index) for each string key of the table at idx (non-string keys fail).
  template <class Fn>
  void for_each_key(int idx, const std::string& where, Fn fn) {
    idx = abs_index(L, idx);
    StackGuard guard(L);
    lua_pushnil(L);
    while (lua_next(L, idx) != 0) {
      std::string key;
      if (!get_string(L, -2, key)) fail(where, "unexpected key of type " + describe(L, -2));
      fn(key, lua_gettop(L));
      lua_pop(L, 1);
    }
  }

  // Calls fn(1-based position, value index) for each element of a sequence.
  template <class Fn>
  void for_each_item(int idx, const std::string& where, Fn fn) {
    idx = abs_index(L, idx);
    size_t n = 0;
    if (!is_sequence(L, idx, &n)) fail(where, "expected an array, got " + describe(L, idx));
    for (size_t i = 1; i <= n; ++i) {
      StackGuard guard(L);
      lua_rawgeti(L, idx, static_cast<int>(i));
      fn(i, lua_gettop(L));
    }
  }

  std::string string_of(int idx, const std::string& where) {
    std::string s;
    if (!get_string(L, idx, s)) fail(where, "expected a string, got " + describe(L, idx));
    return s;
  }

  bool bool_of(int idx, const std::string& where) {
    if (lua_type(L, idx) != LUA_TBOOLEAN) fail(where, "expected a boolean, got " + describe(L, idx));
    return lua_toboolean(L, idx) != 0;
  }

  double number_of(int idx, const std::string& where) {
    if (lua_type(L, idx) != LUA_TNUMBER) fail(where, "expected a number, got " + describe(L, idx));
    return lua_tonumber(L, idx);
  }

  int64_t integer_of(int idx, const std::string& where) {
    double d = number_of(idx, where);
    if (std::floor(d) != d || std::fabs(d) > 9.007199254740992e15) fail(where, "expected an integer");
    return static_cast<int64_t>(d);
  }

  std::vector<std::string> strings_of(int idx, const std::string& where) {
    std::vector<std::string> out;
    for_each_item(idx, where, [&](size_t i, int v) {
      out.push_back(string_of(v, where + "[" + std::to_string(i) + "]"));
    });
    return out;
  }

  Value value_of(int idx, const std::string& where, bool empty_as_array = false) {
    if (lua_type(L, idx) == LUA_TFUNCTION) fail(where, "functions are not supported here");
    ToValueOptions opts;
    opts.empty_table_as_object = !empty_as_array;
    auto v = to_value(L, idx, opts);
    if (!v) fail(where, v.error());
    return std::move(*v);
  }

  std::shared_ptr<LuaRef> function_of(int idx, const std::string& where) {
    if (lua_type(L, idx) != LUA_TFUNCTION) fail(where, "expected a function, got " + describe(L, idx));
    return std::make_shared<LuaRef>(host_, idx);
  }

  // --- fields ---

  schema::Fields fields(int idx, const std::string& path) {
    schema::Fields out;
    const std::string where = path.empty() ? "fields" : "field '" + path + "': fields";
    for_each_item(idx, where, [&](size_t i, int entry) {
      const std::string at = where + "[" + std::to_string(i) + "]";
      if (lua_type(L, entry) != LUA_TTABLE) fail(at, "expected a table, got " + describe(L, entry));
      std::optional<std::string> name;
      for_each_key(entry, at, [&](const std::string& key, int) {
        if (name) fail(at, "a field entry must have exactly one key");
        name = key;
      });
      if (!name) fail(at, "field entry table is empty");
      raw_field(L, entry, name->c_str());
      out.emplace_back(*name, field(lua_gettop(L), join(path, *name), false));
      lua_pop(L, 1);
    });
    return out;
  }

  Field field(int idx, const std::string& path, bool partial) {
    const std::string where = "field '" + path + "'";
    if (lua_type(L, idx) != LUA_TTABLE) fail(where, "expected a table, got " + describe(L, idx));
    Field f;
    raw_field(L, idx, kTypedefMarker);
    std::string typedef_name;
    if (get_string(L, -1, typedef_name)) {
      auto base = schema::typedefs::by_name(typedef_name);
      if (!base) fail(where, "schema typedef error: definition " + typedef_name + " does not exist");
      f = std::move(*base);
    }
    lua_pop(L, 1);
    std::optional<Schema> record;  // fields, entity_checks and shorthands of a record
    bool array_like = f.type_ == FieldType::Array || f.type_ == FieldType::Set;
    raw_field(L, idx, "type");
    std::string declared_type;
    if (get_string(L, -1, declared_type)) array_like = declared_type == "array" || declared_type == "set";
    lua_pop(L, 1);
    auto nested = [&]() -> Schema& {
      if (!record) record = f.fields_ ? *f.fields_ : Schema{};
      return *record;
    };
    for_each_key(idx, where, [&](const std::string& key, int v) {
      const std::string at = where + ": attribute '" + key + "'";
      if (key == kTypedefMarker) return;
      if (key == "type") {
        std::string t = string_of(v, at);
        auto type = schema::parse_field_type(t);
        if (!type) fail(at, "invalid type: " + t);
        f.type_ = *type;
      } else if (auto flag = bool_member(f, key)) {
        *flag = bool_of(v, at);
      } else if (key == "default") {
        if (lua_type(L, v) == LUA_TFUNCTION) {
          // 0.14-style generated defaults (utils.random_string): an auto-filled string.
          f.auto_ = true;
        } else {
          // An empty table default of an array or set is [], not {}.
          f.default_ = value_of(v, at, array_like);
        }
      } else if (key == "eq") {
        f.eq_ = value_of(v, at);
      } else if (key == "ne") {
        f.ne_ = value_of(v, at);
      } else if (key == "contains") {
        f.contains_ = value_of(v, at);
      } else if (key == "one_of" || key == "not_one_of") {
        std::vector<Value> items;
        for_each_item(v, at, [&](size_t, int item) { items.push_back(value_of(item, at)); });
        (key == "one_of" ? f.one_of_ : f.not_one_of_) = std::move(items);
      } else if (key == "gt") {
        f.gt_ = number_of(v, at);
      } else if (key == "between") {
        std::vector<double> bounds;
        for_each_item(v, at, [&](size_t, int item) { bounds.push_back(number_of(item, at)); });
        if (bounds.size() != 2) fail(at, "length must be 2");
        f.between_ = {bounds[0], bounds[1]};
      } else if (key == "len_eq") {
        f.len_eq_ = integer_of(v, at);
      } else if (key == "len_min") {
        f.len_min_ = integer_of(v, at);
      } else if (key == "len_max") {
        f.len_max_ = integer_of(v, at);
      } else if (key == "starts_with") {
        f.starts_with_ = string_of(v, at);
      } else if (key == "match") {
        f.match_ = string_of(v, at);
      } else if (key == "not_match") {
        f.not_match_ = string_of(v, at);
      } else if (key == "match_all" || key == "match_none") {
        std::vector<schema::PatternRule> rules;
        for_each_item(v, at, [&](size_t, int item) { rules.push_back(pattern_rule(item, at)); });
        (key == "match_all" ? f.match_all_ : f.match_none_) = std::move(rules);
      } else if (key == "match_any") {
        f.match_any_ = match_any(v, at);
      } else if (key == "custom_validator") {
        f.custom_validator_ = custom_validator(function_of(v, at));
      } else if (key == "mutually_exclusive_subsets") {
        std::vector<std::vector<std::string>> subsets;
        for_each_item(v, at, [&](size_t, int item) { subsets.push_back(strings_of(item, at)); });
        f.mutually_exclusive_subsets_ = std::move(subsets);
      } else if (key == "err") {
        f.err_ = string_of(v, at);
      } else if (key == "description") {
        f.description_ = string_of(v, at);
      } else if (key == "reference") {
        f.reference_ = string_of(v, at);
      } else if (key == "on_delete") {
        f.on_delete_ = string_of(v, at);
      } else if (key == "elements") {
        f.elements_ = std::make_shared<Field>(field(v, path + ".elements", false));
      } else if (key == "keys") {
        f.keys_ = std::make_shared<Field>(field(v, path + ".keys", false));
      } else if (key == "values") {
        f.values_ = std::make_shared<Field>(field(v, path + ".values", false));
      } else if (key == "fields") {
        nested().fields = fields(v, path);
      } else if (key == "entity_checks") {
        nested().entity_checks = entity_checks(v, path);
      } else if (key == "shorthand_fields") {
        nested().shorthand_fields = shorthand_fields(v, path);
      } else if (key == "examples" || key == "deprecation" || key == "json_schema" ||
                 key == "translate_backwards") {
        // Documentation and deprecation warnings: nothing kongdb validates or stores.
      } else {
        fail(at, "unknown field");
      }
    });
    if (record) f.fields_ = std::make_shared<Schema>(std::move(*record));
    if (!partial && !f.type_) fail(where, "missing type declaration");
    return f;
  }

  static std::optional<bool>* bool_member(Field& f, const std::string& key) {
    if (key == "required") return &f.required_;
    if (key == "auto") return &f.auto_;
    if (key == "unique") return &f.unique_;
    if (key == "unique_across_ws") return &f.unique_across_ws_;
    if (key == "immutable") return &f.immutable_;
    if (key == "abstract") return &f.abstract_;
    if (key == "transient") return &f.transient_;
    if (key == "referenceable") return &f.referenceable_;
    if (key == "encrypted") return &f.encrypted_;
    if (key == "nilable") return &f.nilable_;
    if (key == "timestamp") return &f.timestamp_;
    if (key == "uuid") return &f.uuid_;
    if (key == "is_regex") return &f.is_regex_;
    return nullptr;
  }

  schema::PatternRule pattern_rule(int idx, const std::string& where) {
    schema::PatternRule rule;
    bool has_pattern = false;
    if (lua_type(L, idx) != LUA_TTABLE) fail(where, "expected a record, got " + describe(L, idx));
    for_each_key(idx, where, [&](const std::string& key, int v) {
      if (key == "pattern") {
        rule.pattern = string_of(v, where + ".pattern");
        has_pattern = true;
      } else if (key == "err") {
        rule.err = string_of(v, where + ".err");
      } else {
        fail(where + "." + key, "unknown field");
      }
    });
    if (!has_pattern) fail(where + ".pattern", "required field missing");
    return rule;
  }

  schema::MatchAny match_any(int idx, const std::string& where) {
    schema::MatchAny m;
    bool has_patterns = false;
    if (lua_type(L, idx) != LUA_TTABLE) fail(where, "expected a record, got " + describe(L, idx));
    for_each_key(idx, where, [&](const std::string& key, int v) {
      if (key == "patterns") {
        m.patterns = strings_of(v, where + ".patterns");
        has_patterns = true;
      } else if (key == "err") {
        m.err = string_of(v, where + ".err");
      } else {
        fail(where + "." + key, "unknown field");
      }
    });
    if (!has_patterns) fail(where + ".patterns", "required field missing");
    return m;
  }

  // --- entity checks, shorthands, transformations ---

  std::vector<EntityCheck> entity_checks(int idx, const std::string& path) {
    std::vector<EntityCheck> out;
    const std::string where = path.empty() ? "entity_checks" : "field '" + path + "': entity_checks";
    for_each_item(idx, where, [&](size_t i, int entry) {
      const std::string at = where + "[" + std::to_string(i) + "]";
      if (lua_type(L, entry) != LUA_TTABLE) fail(at, "expected a table, got " + describe(L, entry));
      std::optional<EntityCheck> check;
      for_each_key(entry, at, [&](const std::string& name, int arg) {
        if (check) fail(at, "an entity check must have exactly one checker");
        check = entity_check(name, arg, at + "." + name);
      });
      if (!check) fail(at, "an entity check must name a checker");
      out.push_back(std::move(*check));
    });
    return out;
  }

  EntityCheck entity_check(const std::string& name, int arg, const std::string& where) {
    using K = EntityCheck::Kind;
    static const std::pair<const char*, K> list_checkers[] = {
        {"at_least_one_of", K::AtLeastOneOf}, {"only_one_of", K::OnlyOneOf},
        {"distinct", K::Distinct},           {"mutually_required", K::MutuallyRequired},
        {"mutually_exclusive", K::MutuallyExclusive}};
    for (const auto& [checker, kind] : list_checkers) {
      if (name == checker) {
        EntityCheck c;
        c.kind = kind;
        c.fields = strings_of(arg, where);
        return c;
      }
    }
    if (lua_type(L, arg) != LUA_TTABLE) fail(where, "expected a record, got " + describe(L, arg));
    EntityCheck c;
    if (name == "mutually_exclusive_sets") {
      c.kind = K::MutuallyExclusiveSets;
      for_each_key(arg, where, [&](const std::string& key, int v) {
        if (key == "set1") c.set1 = strings_of(v, where + ".set1");
        else if (key == "set2") c.set2 = strings_of(v, where + ".set2");
        else fail(where + "." + key, "unknown field");
      });
    } else if (name == "conditional" || name == "conditional_at_least_one_of") {
      c.kind = name == "conditional" ? K::Conditional : K::ConditionalAtLeastOneOf;
      for_each_key(arg, where, [&](const std::string& key, int v) {
        const std::string at = where + "." + key;
        if (key == "if_field") c.if_field = string_of(v, at);
        else if (key == "if_match") c.if_match = field(v, at, true);
        else if (key == "then_field") c.then_field = string_of(v, at);
        else if (key == "then_match") c.then_match = field(v, at, true);
        else if (key == "then_err") c.then_err = string_of(v, at);
        else if (key == "then_at_least_one_of") c.then_at_least_one_of = strings_of(v, at);
        else if (key == "else_match") c.else_match = field(v, at, true);
        else if (key == "else_then_at_least_one_of") c.else_then_at_least_one_of = strings_of(v, at);
        else if (key == "else_then_err") c.else_then_err = string_of(v, at);
        else fail(at, "unknown field");
      });
    } else if (name == "custom_entity_check") {
      c.kind = K::CustomEntityCheck;
      for_each_key(arg, where, [&](const std::string& key, int v) {
        const std::string at = where + "." + key;
        if (key == "field_sources") c.field_sources = strings_of(v, at);
        else if (key == "fn") c.fn = entity_check_fn(function_of(v, at));
        else if (key == "run_with_missing_fields") c.run_with_missing_fields = bool_of(v, at);
        else if (key == "run_with_invalid_fields") c.run_with_invalid_fields = bool_of(v, at);
        else fail(at, "unknown field");
      });
      if (!c.fn) fail(where + ".fn", "required field missing");
    } else {
      fail(where, "unknown entity checker");
    }
    return c;
  }

  std::vector<schema::ShorthandField> shorthand_fields(int idx, const std::string& path) {
    std::vector<schema::ShorthandField> out;
    const std::string where = path.empty() ? "shorthand_fields" : "field '" + path + "': shorthand_fields";
    for_each_item(idx, where, [&](size_t i, int entry) {
      const std::string at = where + "[" + std::to_string(i) + "]";
      if (lua_type(L, entry) != LUA_TTABLE) fail(at, "expected a table, got " + describe(L, entry));
      std::optional<std::string> name;
      for_each_key(entry, at, [&](const std::string& key, int) {
        if (name) fail(at, "a shorthand entry must have exactly one key");
        name = key;
      });
      if (!name) fail(at, "shorthand entry table is empty");
      raw_field(L, entry, name->c_str());
      const int def = lua_gettop(L);
      if (lua_type(L, def) != LUA_TTABLE) fail(at, "expected a table, got " + describe(L, def));
      schema::ShorthandField sh;
      sh.name = *name;
      // func and deprecation are shorthand attributes; the rest is an ordinary field definition.
      lua_newtable(L);
      const int copy = lua_gettop(L);
      for_each_key(def, at, [&](const std::string& key, int v) {
        if (key == "func") {
          sh.func = shorthand_fn(function_of(v, at + ".func"));
        } else if (key == "deprecation") {
          sh.deprecation = deprecation(v, at + ".deprecation");
        } else {
          lua_pushstring(L, key.c_str());
          lua_pushvalue(L, v);
          lua_rawset(L, copy);
        }
      });
      sh.field = field(copy, join(path, *name), false);
      lua_pop(L, 2);
      out.push_back(std::move(sh));
    });
    return out;
  }

  schema::ShorthandField::Deprecation deprecation(int idx, const std::string& where) {
    schema::ShorthandField::Deprecation d;
    if (lua_type(L, idx) != LUA_TTABLE) fail(where, "expected a record, got " + describe(L, idx));
    for_each_key(idx, where, [&](const std::string& key, int v) {
      const std::string at = where + "." + key;
      if (key == "message") {
        d.message = string_of(v, at);
      } else if (key == "removal_in_version") {
        d.removal_in_version = string_of(v, at);
      } else if (key == "replaced_with") {
        for_each_item(v, at, [&](size_t, int item) {
          if (lua_type(L, item) != LUA_TTABLE) fail(at, "expected a record");
          raw_field(L, item, "path");
          d.replaced_with.push_back(strings_of(lua_gettop(L), at + ".path"));
          lua_pop(L, 1);
        });
      } else if (key != "old_default") {
        fail(at, "unknown field");
      }
    });
    return d;
  }

  std::vector<schema::Transformation> transformations(int idx) {
    std::vector<schema::Transformation> out;
    for_each_item(idx, "transformations", [&](size_t i, int entry) {
      const std::string at = "transformations[" + std::to_string(i) + "]";
      if (lua_type(L, entry) != LUA_TTABLE) fail(at, "expected a table, got " + describe(L, entry));
      schema::Transformation t;
      for_each_key(entry, at, [&](const std::string& key, int v) {
        if (key == "input") t.input = strings_of(v, at + ".input");
        else if (key == "needs") t.needs = strings_of(v, at + ".needs");
        else if (key == "on_write") t.on_write = transformation_fn(function_of(v, at + ".on_write"));
        else if (key == "on_read") t.on_read = transformation_fn(function_of(v, at + ".on_read"));
        else fail(at + "." + key, "unknown field");
      });
      out.push_back(std::move(t));
    });
    return out;
  }

  // --- callbacks into Lua ---

  static std::string error_text(lua_State* L, int idx) {
    std::string s;
    if (get_string(L, idx, s)) return s;
    if (lua_type(L, idx) == LUA_TNUMBER) return Value(lua_tonumber(L, idx)).to_lua_string();
    return {};
  }

  static schema::CustomValidator custom_validator(std::shared_ptr<LuaRef> fn) {
    return [fn](const Value& value, std::string& err) {
      bool ok = false;
      auto called = fn->call({value}, 2, [&](lua_State* L, int first) {
        ok = lua_toboolean(L, first) != 0;
        if (!ok) err = error_text(L, first + 1);
      });
      if (!called) {
        err = called.error();
        return false;
      }
      return ok;
    };
  }

  static std::function<std::optional<std::string>(const Value&)> entity_check_fn(std::shared_ptr<LuaRef> fn) {
    return [fn](const Value& entity) -> std::optional<std::string> {
      std::optional<std::string> result;
      auto called = fn->call({entity}, 2, [&](lua_State* L, int first) {
        if (!lua_toboolean(L, first)) result = error_text(L, first + 1);
      });
      if (!called) return called.error();
      return result;
    };
  }

  static std::function<Value(const Value&)> shorthand_fn(std::shared_ptr<LuaRef> fn) {
    return [fn](const Value& value) {
      Value out = Value::object();
      // A failing or non-table result expands to nothing: the real fields then validate
      // (or miss) as if the shorthand had not been given.
      (void)fn->call({value}, 1, [&](lua_State* L, int first) {
        if (lua_type(L, first) != LUA_TTABLE) return;
        if (auto v = to_value(L, first); v && v->is_object()) out = std::move(*v);
      });
      return out;
    };
  }

  static schema::Transformation::Fn transformation_fn(std::shared_ptr<LuaRef> fn) {
    return [fn](const std::vector<Value>& args) -> tl::expected<Value, std::string> {
      tl::expected<Value, std::string> out = Value::object();
      auto called = fn->call(args, 2, [&](lua_State* L, int first) {
        if (lua_type(L, first) == LUA_TTABLE) {
          auto v = to_value(L, first);
          if (v) out = std::move(*v);
          else out = tl::unexpected(v.error());
        } else {
          std::string err = error_text(L, first + 1);
          out = tl::unexpected(err.empty() ? std::string("transformation returned no table") : err);
        }
      });
      if (!called) return tl::unexpected(called.error());
      return out;
    };
  }

  schema::LegacyCheck legacy_check(int idx, const std::string& where) {
    auto fn = function_of(idx, where);
    return [fn](const Value& entity) -> std::optional<Value> {
      std::optional<Value> result;
      auto called = fn->call({entity}, 2, [&](lua_State* L, int first) {
        if (lua_toboolean(L, first)) return;
        const int err = first + 1;
        if (lua_type(L, err) == LUA_TTABLE) {
          auto v = to_value(L, err);
          result = v ? std::move(*v) : Value();
        } else {
          std::string text = error_text(L, err);
          result = text.empty() ? Value() : Value(text);
        }
      });
      if (!called) return Value(called.error());
      return result;
    };
  }

 private:
  std::shared_ptr<PluginHost> host_;
  lua_State* L;
};

}  // namespace

tl::expected<schema::Schema, std::string> schema_from_lua(const std::shared_ptr<PluginHost>& host,
                                                          int idx, SchemaKind kind) {
  lua_State* L = host->state.get();
  StackGuard guard(L);
  idx = abs_index(L, idx);
  try {
    Converter c(host);
    return c.schema(idx, kind);
  } catch (const ConvertError& e) {
    return tl::unexpected(e.message);
  }
}

}  // namespace kongdb::lua
