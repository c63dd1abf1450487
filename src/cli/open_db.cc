#include "cli/open_db.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "kongdb/migrations/migrations.h"
#include "kongdb/strategy/postgres.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::cli {

std::shared_ptr<const schema::EntityRegistry> shared_registry() {
  static const std::shared_ptr<const schema::EntityRegistry> registry =
      std::make_shared<const schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
  return registry;
}

namespace {

bool truthy(const std::string& v) { return v == "on" || v == "true" || v == "1" || v == "yes"; }

// Kong's pg_* settings (and the pg_ro_* replica); a server database is never bootstrapped
// implicitly: `kongdb migrations bootstrap` does it, as with `kong migrations bootstrap`.
tl::expected<OpenedConnector, std::string> open_postgres_connector(const Config& config) {
  strategy::PostgresOptions o;
  auto get = [&](const char* key) { return config.get(key); };
  auto get_int = [&](const char* key, int& target) -> tl::expected<void, std::string> {
    if (auto v = get(key); v && !v->empty()) {
      try {
        target = std::stoi(*v);
      } catch (const std::exception&) {
        return tl::unexpected(std::string(key) + " is not a number: '" + *v + "'");
      }
    }
    return {};
  };
  if (auto v = get("pg_host")) o.host = *v;
  if (auto v = get("pg_user")) o.user = *v;
  if (auto v = get("pg_password")) o.password = *v;
  if (auto v = get("pg_database")) o.database = *v;
  if (auto v = get("pg_schema")) o.schema = *v;
  if (auto v = get("pg_ssl")) o.ssl = truthy(*v);
  if (auto v = get("pg_ssl_verify")) o.ssl_verify = truthy(*v);
  if (auto v = get("pg_ro_host")) o.ro_host = *v;
  for (auto [key, target] : {std::pair<const char*, int*>{"pg_port", &o.port}, {"pg_timeout", &o.timeout_ms},
                             {"pg_max_concurrent_queries", &o.pool_size}, {"pg_ro_port", &o.ro_port}}) {
    if (auto r = get_int(key, *target); !r) return tl::unexpected(r.error());
  }
  if (o.pool_size <= 0) o.pool_size = 4;  // Kong's 0 means "no limit"; keep a sane pool
  OpenedConnector out;
  out.label = "database '" + o.database + "' on " + o.host + ":" + std::to_string(o.port);
  out.is_new = false;
  auto conn = strategy::open_postgres(o);
  if (!conn) return tl::unexpected("cannot open " + out.label + ": " + conn.error().to_string());
  out.connector = std::move(*conn);
  return out;
}

}  // namespace

tl::expected<OpenedConnector, std::string> open_connector(const Config& config, ConnectOptions options) {
  if (config.database == "postgres") return open_postgres_connector(config);
  if (config.database != "sqlite") {
    return tl::unexpected("database '" + config.database + "' is not supported by this build yet " +
                          "(set database = sqlite or postgres)");
  }
  OpenedConnector out;
  out.label = "database '" + config.sqlite_path + "'";
  std::error_code ec;
  bool exists = std::filesystem::exists(config.sqlite_path, ec);
  // An empty file is what a crashed first run or `touch` leaves: still nothing of ours in it.
  out.is_new = !exists || std::filesystem::file_size(config.sqlite_path, ec) == 0;
  std::string path = config.sqlite_path;
  if (!exists && options.no_create) path = ":memory:";
  if (exists && std::filesystem::is_directory(config.sqlite_path, ec)) {
    return tl::unexpected("sqlite_path '" + config.sqlite_path + "' is a directory");
  }
  auto conn = strategy::open_sqlite({.path = path});
  if (!conn) return tl::unexpected("cannot open " + out.label + ": " + conn.error().to_string());
  out.connector = std::move(*conn);
  return out;
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

}  // namespace kongdb::cli
