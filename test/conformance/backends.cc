// The conformance backends. Written for kongdb.
#include "conformance/backends.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>

#include "kongdb/strategy/memory.h"
#include "kongdb/strategy/postgres.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::conformance {
namespace {

// Read before main(): other suites in the same binary (config) clear KONG_* variables.
const std::map<std::string, std::string> kEnv = [] {
  std::map<std::string, std::string> m;
  for (const char* name : {"KONG_PG_HOST", "KONG_PG_PORT", "KONG_PG_USER", "KONG_PG_PASSWORD", "KONG_PG_DATABASE"}) {
    if (const char* v = std::getenv(name); v && *v) m[name] = v;
  }
  return m;
}();

const char* env(const char* name) {
  auto it = kEnv.find(name);
  return it == kEnv.end() ? nullptr : it->second.c_str();
}

Backend sqlite() {
  Backend b;
  b.name = "sqlite";
  b.open = [](Clock& clock, const std::string& tmpdir) {
    strategy::SqliteOptions opts;
    opts.path = tmpdir + "/kong.db";
    opts.clock = &clock;
    return strategy::open_sqlite(opts);
  };
  return b;
}

// Each case gets its own fresh schema, so cases are independent.
Backend postgres() {
  Backend b;
  b.name = "postgres";
  if (!env("KONG_PG_HOST")) b.unavailable = "KONG_PG_HOST is not set (run through scripts/with_postgres.sh)";
  b.open = [](Clock& clock, const std::string&) -> Result<std::unique_ptr<strategy::Connector>> {
    static std::atomic<int> counter{0};
    strategy::PostgresOptions opts;
    opts.host = env("KONG_PG_HOST");
    if (const char* port = env("KONG_PG_PORT")) opts.port = std::atoi(port);
    if (const char* user = env("KONG_PG_USER")) opts.user = user;
    if (const char* pass = env("KONG_PG_PASSWORD")) opts.password = pass;
    if (const char* db = env("KONG_PG_DATABASE")) opts.database = db;
    opts.schema = "kongdb_conf_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    opts.pool_size = 2;
    opts.clock = &clock;
    auto conn = strategy::open_postgres(opts);
    if (!conn) return conn;
    // A leftover schema of the same name (pid reuse) would not be empty.
    if (auto r = (*conn)->migrations()->reset(); !r) return r.error();
    return conn;
  };
  b.known_limit = [](const std::string& test) -> std::optional<std::string> {
    if (test.rfind("LargeValidValuesRoundTrip", 0) == 0) {
      return "Postgres btree index entries are limited to ~2.7 kB: a 1 MiB username under "
             "UNIQUE(ws_id, username) is refused (Kong on Postgres refuses it too)";
    }
    return std::nullopt;
  };
  return b;
}

Backend memory() {
  Backend b;
  b.name = "memory";
  b.open = [](Clock& clock, const std::string&) {
    strategy::MemoryOptions opts;
    opts.clock = &clock;
    return strategy::open_memory(opts);
  };
  return b;
}

}  // namespace

const std::vector<Backend>& backends() {
  static const std::vector<Backend> all{sqlite(), postgres(), memory()};
  return all;
}

}  // namespace kongdb::conformance
