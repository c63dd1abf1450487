// The Apache Cassandra backend over kongdb's CQL client (kongdb/cql/session.h), with Kong 2.x's
// table layout: one table per entity keyed by its primary key inside a `partition` column,
// foreign keys as <field>_<pk> columns, ws_id and cache_key columns, timestamps in ms,
// `USING TTL` on ttl entities. Cassandra has no transactions, foreign keys or unique indexes:
// the connector declares none of the three Capabilities and the DAO supplies them, with unique
// values claimed by lightweight transactions (INSERT ... IF NOT EXISTS at SERIAL).
//
//   auto conn = kongdb::strategy::open_cassandra({.contact_points = {"10.0.0.1"}, .keyspace = "kong"});
//   if (!conn) return conn.error();
//   migrations::Runner(**conn, registry).bootstrap(log);   // keyspace, schema_meta, tables
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::strategy {

struct CassandraOptions {
  std::vector<std::string> contact_points = {"127.0.0.1"};
  int port = 9042;
  std::string keyspace = "kong";
  std::string username, password;
  bool ssl = false, ssl_verify = false;
  /// Kong's consistency names: ONE, QUORUM, LOCAL_QUORUM, ...
  std::string read_consistency = "ONE", write_consistency = "ONE";
  /// SERIAL, or LOCAL_SERIAL (Kong's choice under the DC-aware load-balancing policies).
  std::string serial_consistency = "SERIAL";
  int timeout_ms = 5000;
  int schema_consensus_timeout_ms = 10000;
  /// Keyspace creation: SimpleStrategy with repl_factor, or NetworkTopologyStrategy with
  /// data_centers ("dc1:2,dc2:3").
  std::string repl_strategy = "SimpleStrategy";
  int repl_factor = 1;
  std::string data_centers = "dc1:2,dc2:3";
  /// Expiry clock of ttl rows as reads see them; nullptr means system_clock().
  Clock* clock = nullptr;
};

/// Connects to the cluster (the keyspace need not exist yet: migrations create it).
Result<std::unique_ptr<Connector>> open_cassandra(const CassandraOptions& opts);

}  // namespace kongdb::strategy
