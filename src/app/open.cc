#include "kongdb/app/open.h"

#include <algorithm>

#include "kongdb/lua/plugins.h"
#include "kongdb/strategy/backends.h"

namespace kongdb::app {

std::optional<std::string> ConfigSettings::get(std::string_view key) const {
  // The typed fields win over `raw`: a program embedding kongdb may set them directly.
  if (key == "sqlite_path") return config_.sqlite_path;
  if (key == "database") return config_.database;
  return config_.get(std::string(key));
}

const strategy::BackendRegistry& backends() { return strategy::builtin_backends(); }

std::shared_ptr<const schema::EntityRegistry> shared_registry() {
  static const std::shared_ptr<const schema::EntityRegistry> registry =
      std::make_shared<const schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
  return registry;
}

tl::expected<strategy::OpenedConnector, std::string> open_connector(const Config& config,
                                                                    strategy::OpenOptions options) {
  return backends().open(config.database, ConfigSettings(config), options);
}

tl::expected<ConfiguredRegistry, std::string> configured_registry(const Config& config, bool with_lua) {
  ConfiguredRegistry out;
  const auto bundled = shared_registry()->plugin_names();
  const bool from_disk = std::any_of(config.plugins.begin(), config.plugins.end(), [&](const std::string& name) {
    return name != "bundled" && name != "off" && std::find(bundled.begin(), bundled.end(), name) == bundled.end();
  });
  if (from_disk || with_lua) {
    out.lua = std::make_shared<lua::PluginHost>(lua::StateOptions{.package_path = config.lua_package_path});
  }
  if (!from_disk) {
    out.registry = shared_registry();
    out.catalogue = migrations::catalogue(*out.registry);
    return out;
  }
  auto loaded = lua::load_plugins(out.lua, config.plugins);
  if (!loaded) return tl::unexpected(loaded.error());
  out.catalogue = migrations::catalogue(*loaded->registry, loaded->subsystems());
  out.registry = std::move(loaded->registry);
  return out;
}

tl::expected<std::unique_ptr<dao::DB>, std::string> open_db(const Config& config, std::ostream& log) {
  auto registry = configured_registry(config);
  if (!registry) return tl::unexpected(registry.error());
  return open_db(config, *registry, log);
}

tl::expected<OpenedDb, std::string> open_db_with_lua(const Config& config, std::ostream& log) {
  auto registry = configured_registry(config, true);
  if (!registry) return tl::unexpected(registry.error());
  auto db = open_db(config, *registry, log);
  if (!db) return tl::unexpected(db.error());
  return OpenedDb{std::move(*db), registry->lua};
}

tl::expected<std::unique_ptr<dao::DB>, std::string> open_db(const Config& config,
                                                            const ConfiguredRegistry& registry,
                                                            std::ostream& log) {
  auto opened = open_connector(config);
  if (!opened) return tl::unexpected(opened.error());
  {
    migrations::Runner runner(*opened->connector, *registry.registry, registry.catalogue,
                              {.db_label = opened->label});
    if (auto ok = runner.ensure_bootstrapped(opened->is_new, log); !ok) return tl::unexpected(ok.error());
  }
  auto db = dao::DB::create(std::move(opened->connector), registry.registry);
  if (!db) return tl::unexpected(db.error().to_string());
  // Expired ttl rows are already invisible; each command also clears them out of the file.
  if (auto purged = (*db)->connector().purge_expired(); !purged) return tl::unexpected(purged.error().to_string());
  return std::move(*db);
}

}  // namespace kongdb::app
