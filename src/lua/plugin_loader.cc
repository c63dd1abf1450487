// Loading plugins from disk (Kong's kong/db/schema/plugin_loader.lua and
// Plugins:load_plugin_schemas): schema.lua as a `plugins` subschema, daos.lua entities (array
// or 0.14 map format) registered as entities, migrations/ as the plugin's subsystem.
// Written for kongdb.
#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "kongdb/core/error.h"
#include "kongdb/schema/metaschema.h"
#include "lua/plugin_internal.h"

namespace kongdb::lua {

PluginHost::PluginHost(const StateOptions& options) : state(options) {}

std::vector<migrations::Subsystem> LoadedPlugins::subsystems() const {
  std::vector<migrations::Subsystem> out;
  for (const auto& p : plugins) {
    if (!p.subsystem.migrations.empty()) out.push_back(p.subsystem);
  }
  return out;
}

namespace {

using namespace plugin;

// require(name) that tells "no such module" (false) from a module failing to load (error).
constexpr const char* kLoadModuleIfExists = R"lua(
return function(name)
  local ok, result = pcall(require, name)
  if ok then return true, result end
  if type(result) == "string" and result:find("module '" .. name .. "' not found", 1, true) then
    return false
  end
  error(result, 0)
end
)lua";

// The 0.14 daos.lua map format ({table = {primary_key, fields = {name = def}, ...}}) as the
// array format: flat `x_id` foreign keys become foreign fields `x` (same column), `id` and
// `timestamp` types become uuid / integer timestamps, `func` and `self_check` become a
// custom_validator and a legacy check. Fields come primary key first, then by name.
constexpr const char* kTranslateLegacyDaos = R"lua(
local translate_fields
local function fail(where, msg) error(where .. ": " .. msg, 0) end

local function ordered_names(fields, first)
  local names, seen = {}, {}
  for _, name in ipairs(first) do
    if fields[name] ~= nil and not seen[name] then names[#names + 1] = name; seen[name] = true end
  end
  local rest = {}
  for name in pairs(fields) do
    if type(name) ~= "string" then fail("fields", "field names must be strings") end
    if not seen[name] then rest[#rest + 1] = name end
  end
  table.sort(rest)
  for _, name in ipairs(rest) do names[#names + 1] = name end
  return names
end

local function translate_field(where, name, def, renamed)
  if type(def) ~= "table" then fail(where, "expected a table, got " .. type(def)) end
  local out, new_name = {}, name
  local t = def.type
  if def.foreign ~= nil then
    if type(def.foreign) ~= "string" then fail(where, "foreign must be a string") end
    local ref, column = def.foreign:match("^([%w_]+):([%w_]+)$")
    if not ref then fail(where, "invalid foreign reference '" .. def.foreign .. "'") end
    new_name = name:match("^(.+)_" .. column .. "$")
    if not new_name then fail(where, "a foreign key field must be named <entity>_" .. column) end
    out = { type = "foreign", reference = ref, on_delete = "cascade" }
  elseif t == "id" then
    out = { type = "string", uuid = true, auto = def.dao_insert_value or nil }
  elseif t == "timestamp" then
    out = { type = "integer", timestamp = true, auto = def.dao_insert_value or nil }
  elseif t == "string" or t == "number" or t == "boolean" then
    out = { type = t }
  elseif t == "array" then
    out = { type = "array", elements = { type = "string" } }
  elseif t == "url" then
    out = require("kong.db.schema.typedefs").url {}
  elseif t == "table" then
    if type(def.schema) ~= "table" or type(def.schema.fields) ~= "table" then
      fail(where, "a table field needs a schema with fields")
    end
    out = { type = "record", fields = translate_fields(where, def.schema.fields, {}, {}) }
  else
    fail(where, "unsupported type '" .. tostring(t) .. "'")
  end
  for key, value in pairs(def) do
    if key == "required" or key == "unique" or key == "immutable" or key == "default" then
      out[key] = value
    elseif key == "enum" then
      out.one_of = value
    elseif key == "func" then
      local func, column = value, name
      out.custom_validator = function(v)
        local ok, err = func(v, {}, column)
        if ok == false then return nil, err ~= nil and tostring(err) or nil end
        return true
      end
    elseif key ~= "type" and key ~= "foreign" and key ~= "dao_insert_value" and key ~= "schema" then
      fail(where, "unsupported attribute '" .. tostring(key) .. "'")
    end
  end
  renamed[name] = new_name
  return new_name, out
end

translate_fields = function(where, fields, first, renamed)
  local out = {}
  for _, name in ipairs(ordered_names(fields, first)) do
    local new_name, def = translate_field(where .. ": field '" .. name .. "'", name, fields[name], renamed)
    out[#out + 1] = { [new_name] = def }
  end
  return out
end

local function rename_all(list, renamed)
  if list == nil then return nil end
  local out = {}
  for i, name in ipairs(list) do out[i] = renamed[name] or name end
  return out
end

return function(daos)
  local names = {}
  for name in pairs(daos) do names[#names + 1] = name end
  table.sort(names)
  local out = {}
  for _, name in ipairs(names) do
    local old = daos[name]
    local where = "entity '" .. name .. "'"
    if type(old) ~= "table" then fail(where, "expected a table, got " .. type(old)) end
    if type(old.fields) ~= "table" then fail(where, "fields must be a table") end
    if type(old.primary_key) ~= "table" then fail(where, "primary_key must be a table") end
    local renamed = {}
    local first = { unpack(old.primary_key) }
    first[#first + 1] = "created_at"
    local entity = {
      name = name,
      primary_key = nil,
      fields = translate_fields(where, old.fields, first, renamed),
      ttl = old.fields.ttl == nil or nil,
    }
    entity.primary_key = rename_all(old.primary_key, renamed)
    entity.cache_key = rename_all(old.cache_key, renamed)
    if old.table ~= nil and old.table ~= name then entity.table_name = old.table end
    if old.self_check ~= nil then
      local self_check = old.self_check
      entity.check = function(row)
        local ok, err = self_check(nil, row, nil, false)
        if ok == false then
          if type(err) == "table" then err = err.tbl or err.message or tostring(err) end
          return nil, err
        end
        return true
      end
    end
    out[#out + 1] = entity
  end
  return out
end
)lua";

struct Failure {
  std::string message;
};

// Runs the chunk `code` once per state and caches the function it returns in the registry.
void push_helper(lua_State* L, const char* key, const char* code) {
  lua_pushstring(L, key);
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (lua_type(L, -1) == LUA_TFUNCTION) return;
  lua_pop(L, 1);
  if (luaL_loadbuffer(L, code, std::char_traits<char>::length(code), key) != 0 || lua_pcall(L, 0, 1, 0) != 0) {
    throw Failure{"internal error loading " + std::string(key) + ": " + pop_error_message(L)};
  }
  lua_pushstring(L, key);
  lua_pushvalue(L, -2);
  lua_rawset(L, LUA_REGISTRYINDEX);
}

// Pushes the module (true) or nothing (false, not found); a module that fails raises Failure.
bool require_if_exists(lua_State* L, const std::string& module) {
  push_helper(L, "kongdb.load_module_if_exists", kLoadModuleIfExists);
  lua_pushstring(L, module.c_str());
  // No traceback: the message (file:line: why) is what names the problem.
  if (lua_pcall(L, 1, 2, 0) != 0) throw Failure{pop_error_message(L)};
  const bool found = lua_toboolean(L, -2) != 0;
  if (!found) {
    lua_pop(L, 2);
    return false;
  }
  lua_remove(L, -2);
  return true;
}

std::string strip_prefix(std::string s, const std::string& prefix) {
  if (s.rfind(prefix, 0) == 0) s.erase(0, prefix.size());
  return s;
}

bool is_plugin_name(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// connector:query(sql) for a plugin migration's teardown; the box is emptied afterwards.
struct ConnectorBox {
  strategy::Connector* connector = nullptr;
};

int connector_query(lua_State* L) {
  auto* box = static_cast<ConnectorBox*>(lua_touserdata(L, lua_upvalueindex(1)));
  size_t n = 0;
  const char* sql = luaL_checklstring(L, 2, &n);
  if (!box || !box->connector) {
    lua_pushnil(L);
    lua_pushstring(L, "the migration connector is no longer available");
    return 2;
  }
  strategy::MigrationStore* store = box->connector->migrations();
  Result<void> r = store ? store->execute_sql(std::string(sql, n))
                         : Result<void>(errors::operation_unsupported(std::string(box->connector->name()) +
                                                                      " cannot run SQL statements"));
  if (!r) {
    lua_pushnil(L);
    lua_pushstring(L, r.error().to_string().c_str());
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

int connector_noop(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

std::function<tl::expected<void, std::string>(strategy::Connector&)> teardown_of(std::shared_ptr<LuaRef> fn) {
  return [fn](strategy::Connector& connector) -> tl::expected<void, std::string> {
    std::lock_guard lock(fn->host().state.mutex());
    lua_State* L = fn->host().state.get();
    StackGuard guard(L);
    fn->push(L);
    auto* box = static_cast<ConnectorBox*>(lua_newuserdata(L, sizeof(ConnectorBox)));
    box->connector = &connector;
    const int box_index = lua_gettop(L);
    lua_newtable(L);  // the connector object
    lua_pushvalue(L, box_index);
    lua_pushcclosure(L, &guarded<connector_query>, 1);
    lua_setfield(L, -2, "query");
    lua_pushcfunction(L, &guarded<connector_noop>);
    lua_setfield(L, -2, "connect_migrations");
    lua_remove(L, box_index);
    const int status = pcall_traceback(L, 1, 2);
    box->connector = nullptr;  // still pinned by the closure if the plugin kept it
    if (status != 0) return tl::unexpected(pop_error_message(L));
    if (lua_isnil(L, -2) && !lua_isnil(L, -1)) {
      size_t n = 0;
      const char* msg = lua_tolstring(L, -1, &n);
      return tl::unexpected(msg ? std::string(msg, n) : std::string("teardown failed"));
    }
    return {};
  };
}

std::string base_migration_name(const std::string& plugin) {
  std::string out = "000_base_" + plugin;
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

// kong.plugins.<name>.migrations: init.lua lists the names; each module has a postgres part
// ({up = SQL, teardown = fn}) and possibly others (cassandra), of which kongdb runs postgres.
std::optional<migrations::Subsystem> load_migrations(const std::shared_ptr<PluginHost>& host,
                                                     const std::string& plugin) {
  lua_State* L = host->state.get();
  StackGuard guard(L);
  const std::string ns = "kong.plugins." + plugin + ".migrations";
  if (!require_if_exists(L, ns)) return std::nullopt;
  const int list = lua_gettop(L);
  size_t n = 0;
  if (!is_sequence(L, list, &n)) throw Failure{"migrations: " + ns + " must return an array of migration names"};
  migrations::Subsystem sub{plugin, {}};
  for (size_t i = 1; i <= n; ++i) {
    StackGuard item_guard(L);
    lua_rawgeti(L, list, static_cast<int>(i));
    std::string name;
    if (!get_string(L, -1, name) || !is_plugin_name(name)) {
      throw Failure{"migrations: entry " + std::to_string(i) + " of " + ns + " is not a migration name"};
    }
    const std::string where = "migration '" + name + "'";
    if (!require_if_exists(L, ns + "." + name)) throw Failure{where + ": module " + ns + "." + name + " not found"};
    const int mod = lua_gettop(L);
    if (lua_type(L, mod) != LUA_TTABLE) throw Failure{where + ": expected a table, got " + describe(L, mod)};
    migrations::Migration m;
    m.name = name;
    bool has_part = false;
    lua_pushnil(L);
    while (lua_next(L, mod) != 0) {
      std::string strategy_name;
      if (!get_string(L, -2, strategy_name)) throw Failure{where + ": keys must be strategy names"};
      if (lua_type(L, -1) != LUA_TTABLE) throw Failure{where + ": " + strategy_name + " must be a table"};
      has_part = true;
      // A backend's own migration text, run by the store of that name (SQL for postgres, CQL
      // for cassandra, as Kong ran them).
      if (strategy_name == "postgres" || strategy_name == "cassandra") {
        const int part = lua_gettop(L);
        lua_pushnil(L);
        while (lua_next(L, part) != 0) {
          std::string key;
          get_string(L, -2, key);
          if (key == "up") {
            std::string sql;
            if (!get_string(L, -1, sql)) throw Failure{where + ": " + strategy_name + ".up must be a string"};
            m.up_sql[strategy_name] = sql;
          } else if (key == "teardown") {
            if (lua_type(L, -1) != LUA_TFUNCTION) throw Failure{where + ": " + strategy_name + ".teardown must be a function"};
            m.teardown[strategy_name] = teardown_of(std::make_shared<LuaRef>(host, lua_gettop(L)));
          } else {
            throw Failure{where + ": " + strategy_name + "." + (key.empty() ? describe(L, -2) : key) +
                          " is not supported (expected up or teardown)"};
          }
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
    }
    if (!has_part) throw Failure{where + ": at least one of these fields must be non-empty: 'postgres', 'cassandra'"};
    sub.migrations.push_back(std::move(m));
  }
  return sub;
}

struct PluginDefinition {
  schema::Schema config;
  std::vector<schema::Schema> entities;
  migrations::Subsystem subsystem;
};

// Everything a plugin brings, converted and checked, before anything is registered.
PluginDefinition read_plugin(const std::shared_ptr<PluginHost>& host, const std::string& name) {
  lua_State* L = host->state.get();
  StackGuard guard(L);
  PluginDefinition def;

  if (!require_if_exists(L, "kong.plugins." + name + ".schema")) {
    throw Failure{"no configuration schema found for plugin: " + name};
  }
  auto config = schema_from_lua(host, -1, SchemaKind::Plugin);
  if (!config) throw Failure{"schema.lua: " + config.error()};
  if (config->name != name) {
    throw Failure{"schema.lua: schema attribute 'name': expected '" + name + "', got '" + config->name + "'"};
  }
  if (auto errs = schema::check_plugin_definition(*config)) {
    throw Failure{"schema.lua: " + errors::schema_violation(*errs).message};
  }
  def.config = std::move(*config);
  lua_pop(L, 1);

  if (require_if_exists(L, "kong.plugins." + name + ".daos")) {
    int daos = lua_gettop(L);
    size_t n = 0;
    bool array = is_sequence(L, daos, &n);
    if (!array && lua_type(L, daos) == LUA_TTABLE) {
      // The 0.14 map format: string keys only.
      bool map = true;
      lua_pushnil(L);
      while (lua_next(L, daos) != 0) {
        map = map && lua_type(L, -2) == LUA_TSTRING;
        lua_pop(L, 1);
      }
      if (map) {
        push_helper(L, "kongdb.translate_legacy_daos", kTranslateLegacyDaos);
        lua_pushvalue(L, daos);
        if (lua_pcall(L, 1, 1, 0) != 0) throw Failure{"daos.lua (0.14 format): " + pop_error_message(L)};
        daos = lua_gettop(L);
        array = is_sequence(L, daos, &n);
      }
    }
    if (!array) throw Failure{"custom plugin '" + name + "' returned non-array daos definition table"};
    for (size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L, daos, static_cast<int>(i));
      auto entity = schema_from_lua(host, -1, SchemaKind::Entity);
      lua_pop(L, 1);
      if (!entity) throw Failure{"daos.lua: entity " + std::to_string(i) + ": " + entity.error()};
      if (auto errs = schema::check_entity_definition(*entity)) {
        throw Failure{"schema of custom plugin entity '" + name + "." + entity->name +
                      "' is invalid: " + errors::schema_violation(*errs).message};
      }
      def.entities.push_back(std::move(*entity));
    }
  }

  std::vector<std::string> entity_names;
  for (const auto& e : def.entities) entity_names.push_back(e.name);
  if (auto sub = load_migrations(host, name)) {
    def.subsystem = std::move(*sub);
  } else if (!entity_names.empty()) {
    def.subsystem = {name, {{base_migration_name(name), {}, false}}};
  }
  def.subsystem.name = name;
  if (!entity_names.empty()) {
    if (def.subsystem.migrations.empty()) {
      throw Failure{"migrations: kong.plugins." + name + ".migrations lists no migration to create its entities"};
    }
    def.subsystem.migrations.front().entities = entity_names;
  }
  return def;
}

}  // namespace

tl::expected<LoadedPlugins, std::string> load_plugins(const std::shared_ptr<PluginHost>& host,
                                                      const std::vector<std::string>& plugin_names) {
  std::lock_guard lock(host->state.mutex());
  lua_State* L = host->state.get();
  StackGuard guard(L);
  install_schema_modules(L);

  LoadedPlugins out;
  out.registry = std::make_shared<schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
  const std::vector<std::string> bundled = out.registry->plugin_names();
  std::set<std::string> seen;
  std::vector<std::string> errs;
  for (const std::string& name : plugin_names) {
    if (name == "bundled" || name == "off" || !seen.insert(name).second) continue;
    if (std::find(bundled.begin(), bundled.end(), name) != bundled.end()) continue;
    auto fail = [&](const std::string& why) { errs.push_back("on plugin '" + name + "': " + why); };
    if (!is_plugin_name(name)) {
      fail("invalid plugin name (letters, digits, '-' and '_' only)");
      continue;
    }
    PluginDefinition def;
    try {
      def = read_plugin(host, name);
    } catch (const Failure& f) {
      fail(f.message);
      continue;
    }
    // Registration only fails on what needs the registry (unknown references, a name taken).
    if (auto r = out.registry->add_plugin(def.config); !r) {
      fail(strip_prefix(r.error(), "error loading plugin schemas: on plugin '" + name + "': "));
      continue;
    }
    LoadedPlugin loaded{name, {}, def.subsystem};
    bool ok = true;
    for (auto& entity : def.entities) {
      const std::string entity_name = entity.name;
      if (auto r = out.registry->add(std::move(entity)); !r) {
        fail("schema of custom plugin entity '" + name + "." + entity_name + "' is invalid: " +
             strip_prefix(r.error(), "schema of entity '" + entity_name + "' is invalid: "));
        ok = false;
        break;
      }
      loaded.entities.push_back(entity_name);
    }
    if (ok) out.plugins.push_back(std::move(loaded));
  }
  if (!errs.empty()) {
    std::string message = "error loading plugin schemas: ";
    for (size_t i = 0; i < errs.size(); ++i) message += (i ? "; " : "") + errs[i];
    return tl::unexpected(message);
  }
  return out;
}

}  // namespace kongdb::lua
