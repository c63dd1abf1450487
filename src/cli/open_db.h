// Opening the database a configuration names: the connector, the migrations check and the DB
// facade. Shared by the `kongdb db` commands, the Admin API and the Lua binding.
//
//   auto db = cli::open_db(config, std::cerr);   // bootstraps a new SQLite file on the way
//   if (!db) { std::cerr << db.error(); return 1; }
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include <tl/expected.hpp>

#include "kongdb/config/config.h"
#include "kongdb/dao/db.h"
#include "kongdb/lua/plugins.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::cli {

/// The entity registry every surface of this process shares (core + bundled plugins).
std::shared_ptr<const schema::EntityRegistry> shared_registry();

struct OpenedConnector {
  std::unique_ptr<strategy::Connector> connector;
  /// The database did not exist before (a missing or empty SQLite file): safe to bootstrap.
  bool is_new = false;
  /// How migration logs name it ("database 'kongdb.sqlite'").
  std::string label;
};

struct ConnectOptions {
  /// Do not create a missing SQLite file: open an empty in-memory database in its place, so
  /// read-only commands (migrations list/status) leave no file behind.
  bool no_create = false;
};

/// The connector for config.database ("sqlite" only for now; others are reported unsupported).
tl::expected<OpenedConnector, std::string> open_connector(const Config& config,
                                                          ConnectOptions options = {});

/// The entities and migrations a configuration describes: core, the bundled plugins, and the
/// plugins of `config.plugins` loaded from disk (lua_package_path) with the Lua host their
/// callbacks run in.
struct ConfiguredRegistry {
  std::shared_ptr<const schema::EntityRegistry> registry;
  migrations::Catalogue catalogue;
  /// Null when no plugin comes from disk and `with_lua` was not asked for.
  std::shared_ptr<lua::PluginHost> lua;
};

/// shared_registry() when every configured plugin is bundled; otherwise a registry of its own
/// ("error loading plugin schemas: on plugin 'x': ..." when a plugin does not load).
tl::expected<ConfiguredRegistry, std::string> configured_registry(const Config& config, bool with_lua = false);

/// Connector + ensure_bootstrapped (a new SQLite file is bootstrapped, logging to `log`) +
/// DB::create over the configured registry.
tl::expected<std::unique_ptr<dao::DB>, std::string> open_db(const Config& config, std::ostream& log);
/// The same over a registry already built for `config`.
tl::expected<std::unique_ptr<dao::DB>, std::string> open_db(const Config& config,
                                                            const ConfiguredRegistry& registry,
                                                            std::ostream& log);

struct OpenedDb {
  std::unique_ptr<dao::DB> db;
  /// The State the plugins' callbacks run in, for scripts over the same DB (`kongdb lua`).
  std::shared_ptr<lua::PluginHost> lua;
};
tl::expected<OpenedDb, std::string> open_db_with_lua(const Config& config, std::ostream& log);

}  // namespace kongdb::cli
