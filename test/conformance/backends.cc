// The conformance backends. Written for kongdb.
#include "conformance/backends.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>

#include "kongdb/cql/session.h"
#include "kongdb/strategy/cassandra.h"
#include "kongdb/strategy/memory.h"
#include "kongdb/strategy/postgres.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::conformance {
namespace {

// Read before main(): other suites in the same binary (config) clear KONG_* variables.
const std::map<std::string, std::string> kEnv = [] {
  std::map<std::string, std::string> m;
  for (const char* name : {"KONG_PG_HOST", "KONG_PG_PORT", "KONG_PG_USER", "KONG_PG_PASSWORD", "KONG_PG_DATABASE",
                           "KONG_CASSANDRA_CONTACT_POINTS", "KONG_CASSANDRA_PORT"}) {
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

// One keyspace per test process (DDL is slow: ~0.1-1 s a statement), emptied between cases:
// its tables are truncated and schema_meta with them, so the case's bootstrap finds nothing
// recorded and its CREATE TABLE IF NOT EXISTS are no-ops. A case that resets (drops the
// keyspace) gets it back from the next bootstrap.
Backend cassandra() {
  Backend b;
  b.name = "cassandra";
  if (!env("KONG_CASSANDRA_CONTACT_POINTS")) {
    b.unavailable = "KONG_CASSANDRA_CONTACT_POINTS is not set (run through scripts/with_cassandra.sh)";
  }
  b.open = [](Clock& clock, const std::string&) -> Result<std::unique_ptr<strategy::Connector>> {
    strategy::CassandraOptions opts;
    opts.contact_points.clear();
    std::string points = env("KONG_CASSANDRA_CONTACT_POINTS");
    for (size_t start = 0; start <= points.size();) {
      size_t comma = points.find(',', start);
      opts.contact_points.push_back(points.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (const char* port = env("KONG_CASSANDRA_PORT")) opts.port = std::atoi(port);
    opts.keyspace = "kongdb_conf_" + std::to_string(::getpid());
    opts.timeout_ms = 20000;
    opts.schema_consensus_timeout_ms = 20000;
    opts.clock = &clock;
    auto conn = strategy::open_cassandra(opts);
    if (!conn) return conn;
    // Empty what an earlier case of this process left (the keyspace, if any, is ours).
    cql::SessionConfig config;
    config.contact_points = opts.contact_points;
    config.port = static_cast<uint16_t>(opts.port);
    config.request_timeout = std::chrono::milliseconds(opts.timeout_ms);
    auto session = cql::Session::connect(config);
    if (!session) return errors::database_error(session.error().to_string());
    auto tables = (*session)->query("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                                    {cql::Value::text(opts.keyspace)});
    if (!tables) return errors::database_error(tables.error().to_string());
    for (const auto& row : tables->rows) {
      auto t = (*session)->query("TRUNCATE " + opts.keyspace + ".\"" + row[0].as_text() + "\"");
      if (!t) return errors::database_error(t.error().to_string());
    }
    return conn;
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
  static const std::vector<Backend> all{sqlite(), postgres(), memory(), cassandra()};
  return all;
}

}  // namespace kongdb::conformance
