// The PostgreSQL backend on libpq, with Kong's table layout (UUID keys, TIMESTAMPTZ, TEXT[] tags,
// JSONB records), prepared statements and a small connection pool.
//
//   auto conn = kongdb::strategy::open_postgres({.host = "db", .database = "kong"});
//   if (!conn) return conn.error();
//   auto services = (*conn)->strategy_for(*registry.get("services"));
#pragma once

#include <memory>
#include <string>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::strategy {

struct PostgresOptions {
  std::string host = "127.0.0.1";
  int port = 5432;
  std::string user = "kong", password, database = "kong";
  /// Schema the tables live in (created if missing); empty means the server's search_path.
  std::string schema;
  bool ssl = false, ssl_verify = false;
  /// Connect timeout (libpq rounds up to whole seconds, minimum 2).
  int timeout_ms = 5000;
  /// Connections opened on demand, at most this many at once.
  int pool_size = 4;
  /// Optional read replica for plain reads outside transactions (Kong's pg_ro_*).
  std::string ro_host;
  int ro_port = 0;
  /// Expiry clock for ttl rows; nullptr means system_clock().
  Clock* clock = nullptr;
};

/// Connects once to check the server is reachable, creates `schema` when given.
Result<std::unique_ptr<Connector>> open_postgres(const PostgresOptions& opts);

}  // namespace kongdb::strategy
