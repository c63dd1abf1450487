#include "cli/open_db.h"

#include <filesystem>
#include <system_error>

#include "kongdb/migrations/migrations.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::cli {

std::shared_ptr<const schema::EntityRegistry> shared_registry() {
  static const std::shared_ptr<const schema::EntityRegistry> registry =
      std::make_shared<const schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());
  return registry;
}

tl::expected<OpenedConnector, std::string> open_connector(const Config& config, ConnectOptions options) {
  if (config.database != "sqlite") {
    return tl::unexpected("database '" + config.database + "' is not supported by this build yet " +
                          "(set database = sqlite)");
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

tl::expected<std::unique_ptr<dao::DB>, std::string> open_db(const Config& config, std::ostream& log) {
  auto opened = open_connector(config);
  if (!opened) return tl::unexpected(opened.error());
  auto registry = shared_registry();
  {
    migrations::Runner runner(*opened->connector, *registry, {.db_label = opened->label});
    if (auto ok = runner.ensure_bootstrapped(opened->is_new, log); !ok) return tl::unexpected(ok.error());
  }
  auto db = dao::DB::create(std::move(opened->connector), registry);
  if (!db) return tl::unexpected(db.error().to_string());
  // Expired ttl rows are already invisible; each command also clears them out of the file.
  if (auto purged = (*db)->connector().purge_expired(); !purged) return tl::unexpected(purged.error().to_string());
  return std::move(*db);
}

}  // namespace kongdb::cli
