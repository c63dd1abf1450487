// Opening the PostgreSQL pool (and its read replica) behind the SQL family's connector.
// Written for kongdb.
#include <string>
#include <utility>

#include "kongdb/strategy/postgres.h"
#include "strategy/postgres/pg_dialect.h"
#include "strategy/sql/sql_connector.h"

namespace kongdb::strategy {

Result<std::unique_ptr<Connector>> open_postgres(const PostgresOptions& opts) {
  using postgres::ConnParams;
  using postgres::Db;
  ConnParams p{opts.host, opts.user, opts.password, opts.database, opts.schema,
               opts.port, opts.timeout_ms, opts.ssl, opts.ssl_verify};
  Clock* clock = opts.clock ? opts.clock : &system_clock();
  std::unique_ptr<Db> replica;
  if (!opts.ro_host.empty()) {
    ConnParams ro = p;  // pg_ro_* values inherit from pg_*
    ro.host = opts.ro_host;
    if (opts.ro_port > 0) ro.port = opts.ro_port;
    replica = std::make_unique<Db>(std::move(ro), opts.pool_size, clock);
  }
  auto db = std::make_shared<Db>(std::move(p), opts.pool_size, clock, std::move(replica));
  if (!opts.schema.empty()) {
    // Concurrent creators may race; the loser's error is harmless if the schema now exists.
    auto r = db->exec("CREATE SCHEMA IF NOT EXISTS " + sql::ident(opts.schema));
    if (!r) {
      auto again = db->exec("SELECT 1");
      if (!again) return r.error();
    }
  } else if (auto r = db->exec("SELECT 1"); !r) {
    return r.error();
  }
  return std::unique_ptr<Connector>(std::make_unique<sql::SqlConnector<postgres::Dialect>>(std::move(db)));
}

}  // namespace kongdb::strategy
