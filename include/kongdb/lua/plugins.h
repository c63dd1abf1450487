// Plugins from disk: Kong plugins written in Lua (kong/plugins/<name>/schema.lua, daos.lua,
// migrations/) loaded into the entity registry, as Kong's DB.new and plugin_loader do.
//
//   auto host = std::make_shared<lua::PluginHost>(lua::StateOptions{.package_path = conf.lua_package_path});
//   auto loaded = lua::load_plugins(host, conf.plugins);   // "bundled" and kongdb's own are skipped
//   if (!loaded) return loaded.error();   // "error loading plugin schemas: on plugin 'x': ..."
//   auto db = dao::DB::create(std::move(connector), loaded->registry);
//
// Schema tables are walked directly: Lua functions in them (custom_validator,
// custom_entity_check, shorthand func, transformations, legacy check/func/self_check) become
// callbacks into the host's State. Those callbacks lock the State's mutex, so the Admin API may
// validate from several threads; a Lua error in a callback becomes a validation message.
//
// daos.lua may use Kong's array format (1.0+) or the 0.14 map format
// ({table_name = {primary_key=..., fields = {consumer_id = {type="id", foreign="consumers:id"}}}}),
// which is translated to the array form (consumer_id -> foreign `consumer`, same column).
// Loading is all-or-nothing: on any error no registry is returned.
#pragma once

#include <lua.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/lua/runtime.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/schema/registry.h"

namespace kongdb::lua {

/// A State shared by the plugins' schema callbacks and by scripts run against the same DB.
/// Every C++ entry into `state` holds state.mutex() (recursive: a script's DAO call may run
/// a plugin validator on the same thread).
struct PluginHost {
  explicit PluginHost(const StateOptions& options = {});
  State state;
};

/// One plugin loaded from disk.
struct LoadedPlugin {
  std::string name;
  /// Its daos.lua entities, in registration order.
  std::vector<std::string> entities;
  /// Its migrations subsystem (named after the plugin). From kong.plugins.<name>.migrations
  /// when the plugin has them, else one derived migration "000_base_<name>" creating its
  /// entities' tables from their schemas. The first migration introduces the entities.
  migrations::Subsystem subsystem;
};

struct LoadedPlugins {
  /// Core entities, the bundled plugins and the loaded ones.
  std::shared_ptr<schema::EntityRegistry> registry;
  std::vector<LoadedPlugin> plugins;
  /// The plugins' subsystems, for migrations::catalogue(registry, extra).
  std::vector<migrations::Subsystem> subsystems() const;
};

/// Loads every name in `plugin_names` that is not "bundled", "off" or a plugin kongdb bundles,
/// in order, with the host's package.path. Errors name the plugin and, where there is one,
/// the field: "error loading plugin schemas: on plugin 'x': ...".
tl::expected<LoadedPlugins, std::string> load_plugins(const std::shared_ptr<PluginHost>& host,
                                                      const std::vector<std::string>& plugin_names);

/// Registers kong.db.schema.typedefs, kong.db.schema, kong.constants and kong.tools.utils in
/// package.preload (done by load_plugins; exposed for scripts and tests).
void install_schema_modules(lua_State* L);

/// What a schema table describes, for the checks that differ.
enum class SchemaKind { Plugin, Entity };

/// Converts the schema table at `idx` of the host's state (caller holds state.mutex()). Errors
/// name the offending field by path ("field 'config.key_names': expected a boolean").
tl::expected<schema::Schema, std::string> schema_from_lua(const std::shared_ptr<PluginHost>& host,
                                                          int idx, SchemaKind kind);

}  // namespace kongdb::lua
