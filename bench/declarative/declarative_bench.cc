// `kongdb config` phase by phase on one declarative file, in one process (BENCHMARKS.md):
// read+decode, flatten (ids, references, validation), db_import into a fresh bootstrapped
// database, export, YAML text. The same library calls the CLI makes; SQLite always,
// PostgreSQL when KONG_PG_HOST is set (a fresh schema, dropped afterwards).
//
//   declarative_bench FILE [SQLITE_PATH [PG_SCHEMA]]
// Databases named on the command line are kept (the raw baseline reads its rows from them).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "kongdb/dao/db.h"
#include "kongdb/declarative/declarative.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/strategy/postgres.h"
#include "kongdb/strategy/sqlite.h"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void line(const char* what, size_t n, double seconds) {
  std::printf("%-28s %8zu entities %8.3f s %10.0f entities/s\n", what, n, seconds, static_cast<double>(n) / seconds);
}

int fail(const std::string& why) {
  std::fprintf(stderr, "declarative_bench: %s\n", why.c_str());
  return 1;
}

int run_on(const char* label, std::unique_ptr<kongdb::strategy::Connector> connector,
           const std::shared_ptr<const kongdb::schema::EntityRegistry>& registry,
           const kongdb::declarative::Entities& entities, bool keep) {
  std::ostringstream log;
  kongdb::migrations::Runner runner(*connector, *registry);
  if (auto boot = runner.bootstrap(log); !boot) return fail(boot.error());
  auto db = kongdb::dao::DB::create(std::move(connector), registry);
  if (!db) return fail(db.error().message);
  auto start = Clock::now();
  auto written = kongdb::declarative::load_into_db(**db, entities);
  if (!written) return fail(written.error().message);
  line((std::string(label) + " db_import").c_str(), *written, since(start));
  start = Clock::now();
  auto exported = kongdb::declarative::export_from_db(**db);
  if (!exported) return fail(exported.error().message);
  const double read_seconds = since(start);
  auto text = kongdb::declarative::to_yaml(*exported);
  if (!text) return fail(text.error().message);
  line((std::string(label) + " db_export (read)").c_str(), *written, read_seconds);
  line((std::string(label) + " db_export (+YAML)").c_str(), *written, since(start));
  if (!keep) {
    if (auto reset = runner.reset(log); !reset) return fail(reset.error());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return fail("usage: declarative_bench FILE [SQLITE_PATH]");
  auto registry = std::make_shared<const kongdb::schema::EntityRegistry>(
      kongdb::schema::EntityRegistry::with_core_entities());

  auto start = Clock::now();
  auto document = kongdb::declarative::decode_file(argv[1]);
  if (!document) return fail(document.error().message);
  const double decode_seconds = since(start);
  start = Clock::now();
  auto entities = kongdb::declarative::flatten(*registry, *document);
  if (!entities) return fail(entities.error().message);
  const double flatten_seconds = since(start);
  const size_t n = entities->count();
  line("read + decode (libyaml)", n, decode_seconds);
  line("flatten + validate", n, flatten_seconds);
  line("parse (total)", n, decode_seconds + flatten_seconds);

  const std::string sqlite_path = argc > 2 ? argv[2] : "/tmp/declarative_bench_" + std::to_string(getpid()) + ".db";
  std::filesystem::remove(sqlite_path);
  kongdb::strategy::SqliteOptions sqlite;
  sqlite.path = sqlite_path;
  auto conn = kongdb::strategy::open_sqlite(sqlite);
  if (!conn) return fail(conn.error().message);
  if (int rc = run_on("sqlite", std::move(*conn), registry, *entities, argc > 2)) return rc;
  if (argc <= 2) std::filesystem::remove(sqlite_path);

  if (const char* host = std::getenv("KONG_PG_HOST")) {
    kongdb::strategy::PostgresOptions pg;
    pg.host = host;
    if (const char* port = std::getenv("KONG_PG_PORT")) pg.port = std::atoi(port);
    if (const char* user = std::getenv("KONG_PG_USER")) pg.user = user;
    if (const char* database = std::getenv("KONG_PG_DATABASE")) pg.database = database;
    pg.schema = argc > 3 ? argv[3] : "declarative_bench_" + std::to_string(getpid());
    auto pg_conn = kongdb::strategy::open_postgres(pg);
    if (!pg_conn) return fail(pg_conn.error().message);
    if (int rc = run_on("postgres", std::move(*pg_conn), registry, *entities, argc > 3)) return rc;
  }
  return 0;
}
