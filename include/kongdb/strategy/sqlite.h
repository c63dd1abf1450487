// The embedded default backend: one SQLite database file (WAL, foreign keys on).
//
//   auto conn = kongdb::strategy::open_sqlite({.path = "/var/lib/kongdb/kong.db"});
//   if (!conn) return conn.error();
//   auto services = (*conn)->strategy_for(*registry.get("services"));
#pragma once

#include <memory>
#include <string>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::strategy {

struct SqliteOptions {
  std::string path;
  /// Expiry clock for ttl rows; nullptr means system_clock().
  Clock* clock = nullptr;
  int busy_timeout_ms = 5000;
};

/// Opens (creating if needed) the database file; WAL, foreign_keys=ON, busy timeout.
Result<std::unique_ptr<Connector>> open_sqlite(const SqliteOptions& opts);

}  // namespace kongdb::strategy
