// Session: kongdb's CQL native-protocol (v4) client for Apache Cassandra.
//
// One Session talks to a cluster through its contact points: a small pool of connections per
// node, many requests in flight on each (stream ids), round-robin over the nodes that are up,
// failover when one goes down and reconnection in the background when it comes back. Every
// call returns a Result; nothing throws across this API. Requests never outlive their timeout.
//
//   auto session = cql::Session::connect({.contact_points = {"127.0.0.1"}, .keyspace = "kong"});
//   if (!session) return session.error();             // cql::Error{code, message, node, ...}
//   auto select = (*session)->prepare("SELECT name FROM services WHERE id = ?");
//   auto rows = (*session)->execute(*select, {cql::Value::uuid(id)});
//
// The synchronous calls may be made from any thread. The *_async calls run their callback on
// the session's I/O thread: it must not block (and must not call the synchronous methods).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/cql/error.h"
#include "kongdb/cql/result.h"
#include "kongdb/cql/value.h"

namespace kongdb::cql {

struct SessionConfig {
  /// "host" or "host:port"; the port defaults to `port`.
  std::vector<std::string> contact_points = {"127.0.0.1"};
  uint16_t port = 9042;
  /// Keyspace every connection USEs (may be empty; see set_keyspace()).
  std::string keyspace;
  /// PasswordAuthenticator credentials (SASL PLAIN), used when a node asks.
  std::string username;
  std::string password;
  bool tls = false;
  /// Verify the node's certificate chain and host name (with `tls_ca_file`, or the system CAs).
  bool tls_verify = false;
  std::string tls_ca_file;
  /// Defaults for statements that do not say otherwise.
  Consistency consistency = Consistency::One;
  Consistency serial_consistency = Consistency::Serial;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{5000};
  /// How long execute() waits for the nodes to agree on the schema after a DDL statement.
  std::chrono::milliseconds schema_agreement_timeout{10000};
  size_t connections_per_node = 2;
  /// First delay before reconnecting to a node that went down; doubles up to the maximum.
  std::chrono::milliseconds reconnect_delay{500};
  std::chrono::milliseconds max_reconnect_delay{10000};
};

/// Per-statement options; unset fields take the session's defaults.
struct QueryOptions {
  std::optional<Consistency> consistency;
  std::optional<Consistency> serial_consistency;
  /// Rows per page; unset: the whole result in one response.
  std::optional<int32_t> page_size;
  /// The `paging_state` of the previous page's result.
  std::optional<std::string> paging_state;
  /// Write timestamp in microseconds since the epoch (USING TIMESTAMP for the whole request).
  std::optional<int64_t> timestamp_us;
  std::optional<std::chrono::milliseconds> timeout;
};

enum class BatchKind : uint8_t { Logged = 0, Unlogged = 1, Counter = 2 };

struct Batch {
  BatchKind kind = BatchKind::Logged;
  struct Statement {
    Prepared prepared;  // when set, `query` is ignored
    std::string query;
    std::vector<Value> values;
  };
  std::vector<Statement> statements;

  Batch& add(Prepared p, std::vector<Value> values) {
    statements.push_back({std::move(p), {}, std::move(values)});
    return *this;
  }
  Batch& add(std::string query, std::vector<Value> values = {}) {
    statements.push_back({nullptr, std::move(query), std::move(values)});
    return *this;
  }
};

/// A node as the session sees it (for diagnostics and tests).
struct NodeState {
  std::string address;  // host:port
  bool up = false;
  size_t open_connections = 0;
  std::string last_error;
};

/// Counters since the session started (for diagnostics, tests and benchmarks).
struct SessionMetrics {
  uint64_t requests = 0;
  uint64_t client_timeouts = 0;
  uint64_t reprepared = 0;
  uint64_t connections_opened = 0;
  uint64_t connections_lost = 0;
};

class Session {
 public:
  using Callback = std::function<void(Result<QueryResult>)>;

  /// Connects to the first reachable contact point (the others are opened in the background).
  /// Fails with NoHostAvailable listing each node's reason, or with the server's error (bad
  /// credentials, unknown keyspace).
  static Result<std::unique_ptr<Session>> connect(SessionConfig config);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// A QUERY; `values` are bound by their own kinds (prefer prepare() for typed binds).
  /// After a schema change, waits for schema agreement (see QueryResult::schema_in_agreement).
  Result<QueryResult> query(std::string_view cql, std::vector<Value> values = {},
                            const QueryOptions& options = {});
  /// Prepares once per session (cached by query text) and returns the statement.
  Result<Prepared> prepare(std::string_view cql);
  /// EXECUTE; values are checked and converted for the bind markers' types. A node that has
  /// forgotten the statement (UNPREPARED) gets it prepared again, then the request is retried once.
  Result<QueryResult> execute(const Prepared& statement, std::vector<Value> values = {},
                              const QueryOptions& options = {});
  Result<QueryResult> batch(const Batch& batch, const QueryOptions& options = {});
  /// Polls system.local and system.peers every 100 ms until every node that is up reports one
  /// schema version; SchemaAgreementTimeout after `schema_agreement_timeout`. Asks `coordinator`
  /// (QueryResult::node of the DDL) while it is up: it knows the new version first.
  Result<void> wait_for_schema_agreement(std::string_view coordinator = {});
  /// USE `keyspace` on every open connection and on the ones opened later.
  Result<void> set_keyspace(std::string keyspace);

  void query_async(std::string cql, std::vector<Value> values, Callback done,
                   const QueryOptions& options = {});
  void execute_async(const Prepared& statement, std::vector<Value> values, Callback done,
                     const QueryOptions& options = {});
  void batch_async(Batch batch, Callback done, const QueryOptions& options = {});

  std::vector<NodeState> nodes() const;
  SessionMetrics metrics() const;
  const SessionConfig& config() const;

  class Impl;

 private:
  explicit Session(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace kongdb::cql
