// The composition root: a configuration becomes a backend (by name, from the backend
// registry) -> connector -> migrations check (a new SQLite file is bootstrapped) -> DB over the
// configured entity registry (core, bundled plugins, plugins loaded from disk with their Lua
// host). The CLI, `kongdb start`, the Lua runner, the benchmarks and embedding programs all
// open databases through here.
//
//   kongdb::Config config;                      // or Config::load("kongdb.conf")
//   config.sqlite_path = "/tmp/kong.db";
//   auto db = kongdb::app::open_db(config, std::cerr);
//   if (!db) { std::cerr << db.error() << "\n"; return 1; }
//   auto page = (*db)->dao("services")->page(100);
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include <tl/expected.hpp>

#include "kongdb/config/config.h"
#include "kongdb/dao/db.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/backend.h"

namespace kongdb::lua {
struct PluginHost;  // kongdb/lua/plugins.h; kept out of this header (it pulls in LuaJIT's)
}

namespace kongdb::app {

/// The settings backends read: `config.raw` (every key, after KONG_* overrides), with the
/// typed fields (database, sqlite_path) taking precedence.
class ConfigSettings final : public strategy::Settings {
 public:
  explicit ConfigSettings(const Config& config) : config_(config) {}
  std::optional<std::string> get(std::string_view key) const override;

 private:
  const Config& config_;
};

/// The backends this build carries, by the name `database` selects.
const strategy::BackendRegistry& backends();

/// The entity registry every surface of this process shares (core + bundled plugins).
std::shared_ptr<const schema::EntityRegistry> shared_registry();

/// The connector for config.database; an unknown name lists the registered ones.
tl::expected<strategy::OpenedConnector, std::string> open_connector(const Config& config,
                                                                    strategy::OpenOptions options = {});

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
/// DB::create over the configured registry + a purge of expired ttl rows.
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

}  // namespace kongdb::app
