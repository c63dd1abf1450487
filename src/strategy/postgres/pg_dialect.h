// The PostgreSQL dialect of the SQL strategy family: the connection pool (prepared-statement
// cache per connection, pinned transactions), Kong's column types and their text-format codec,
// and what PostgreSQL writes its own way (casts on placeholders, timestamps, TEXT[] tags with
// GIN operators, the sync_tags() trigger, named constraints read back from the error's
// diagnostics). Everything else is in src/strategy/sql. Written for kongdb; behaviour follows
// kong/db/strategies/postgres/{init,connector}.lua.
#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/strategy.h"
#include "strategy/model/table_layout.h"
#include "strategy/model/tags_index.h"
#include "strategy/sql/dialect.h"
#include "strategy/sql/sql_text.h"
#include "strategy/sql/statements.h"

namespace kongdb::strategy::postgres {

/// How a column is stored and read back.
enum class ColKind { Text, Uuid, Integer, Real, Boolean, TimestampInt, TimestampReal, TextArray,
                     UuidArray, Json };

class Db;

/// A failed statement, with the diagnostics error mapping keys on.
struct PgError {
  std::string sqlstate, constraint, table, message;
  bool connection = false;  // the connection is gone (class 08 or CONNECTION_BAD)
};

/// One bound parameter in libpq's text format, and one result cell; nullopt is SQL NULL.
using Param = std::optional<std::string>;

struct Dialect : sql::DialectBase<Dialect, ColKind, Param> {
  static constexpr std::string_view kName = "postgres";
  using Failure = PgError;
  using Db = postgres::Db;

  /// ws_id is a NOT NULL UUID; this one stands for "no workspace".
  static constexpr std::string_view kNoWorkspace = "00000000-0000-0000-0000-000000000000";
  static constexpr ColKind kText = ColKind::Text, kInteger = ColKind::Integer,
                           kTtlKind = ColKind::TimestampReal, kWsKind = ColKind::Uuid,
                           kListKind = ColKind::TextArray;
  static constexpr std::string_view kListType = "TEXT[]";
  static constexpr std::string_view kWsTermInPkOrder = " AND \"ws_id\" = ";
  static constexpr std::string_view kUpsertNoopFrom = "EXCLUDED.";
  static constexpr std::string_view kTableOptions = "";
  // pg_advisory_xact_lock key shared by every kongdb process migrating one database ("kong").
  static constexpr std::string_view kMigrationLock = "SELECT pg_advisory_xact_lock(1802464871)";
  static constexpr bool kRunsMigrationSql = true;
  static constexpr std::string_view kTtlTablesSql =
      "SELECT table_name FROM information_schema.columns WHERE table_schema = "
      "current_schema() AND column_name = 'ttl' AND data_type = 'timestamp with time zone'";

  static Layout make_layout(const schema::Schema& s);

  // --- values ---
  static void placeholder(std::string& text, size_t n) {
    text += '$';
    text += std::to_string(n);
  }
  /// A placeholder cast to the column's type; timestamps go through to_timestamp.
  static void bind(Q& q, Param p, ColKind kind);
  static Param to_param(const Value& v, ColKind kind);
  static Param text(std::string s) { return Param(std::move(s)); }
  static Param integer(int64_t n) { return std::to_string(n); }
  static Param real(double d);
  static bool is_null(const Param& p) { return !p; }
  static Value from_cell(const Param& c, ColKind kind);
  static const std::string* cell_text(const Param& c) { return c ? &*c : nullptr; }
  static double cell_number(const Param& c);
  static int64_t cell_integer(const Param& c);
  static Value key_value(const Param& c, ColKind kind);
  static Param list_param(const std::vector<std::string>& items) { return array_literal(items); }
  /// Arrays are read as JSON text (no array-literal parser).
  static std::string list_read(std::string_view column) {
    return "array_to_json(" + std::string(column) + ")::text";
  }
  /// A PostgreSQL array literal ({"a","b"}) of strings.
  static std::string array_literal(const std::vector<std::string>& items);

  // --- SQL text ---
  static std::string read_expr(const std::string& column, ColKind kind);
  static std::string_view sql_type(ColKind k);
  static std::string constraint(const std::string& name) { return "CONSTRAINT " + sql::ident(name) + " "; }
  /// PostgreSQL truncates names at 63 bytes; shorten deterministically instead, so a name read
  /// back from PG_DIAG_CONSTRAINT_NAME still matches.
  static std::string object_name(std::string name);
  static std::string pk_constraint(const Layout& l);
  static std::string unique_constraint(const Layout& l, const FieldMap& f);
  static std::string fk_constraint(const Layout& l, const FieldMap& f);
  static void and_tags(Q& q, const Layout& l, const TagsFilter& tags);
  static std::vector<std::string> tags_ddl(const Layout& l);
  static std::vector<std::string> tags_table_ddl();
  static Q tags_query(const std::optional<std::string>& tag, const std::optional<model::TagsIndex::After>& after,
                      int64_t limit);
  static Q table_exists_query(const std::string& table);

  // --- behaviour ---
  /// SQLSTATE + constraint name -> Kong's error.
  static Error map_error(Db& db, const sql::Statements<Dialect>& sql, const PgError& e, const WriteCtx& ctx);
  static Result<void> truncate(Db& db, const Layout& l);
  static Result<void> drop_all(Db& db);
};

using Sql = Dialect::Q;
using Row = Dialect::Row;
using QueryResult = sql::QueryResult<Row>;

Error db_error(std::string message);

struct ConnParams {
  std::string host, user, password, database, schema;
  int port = 5432, timeout_ms = 5000;
  bool ssl = false, ssl_verify = false;
};

/// A pool of libpq connections shared by the connector and its strategies. Thread-safe; a
/// thread inside atomic() keeps one connection pinned and every statement it runs uses it.
class Db {
 public:
  Db(ConnParams params, int pool_size, Clock* clock, std::unique_ptr<Db> replica = nullptr);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  double now() const { return clock_->now(); }
  const std::string& schema() const { return params_.schema; }

  /// Runs a statement (prepared once per connection by text). `read` may go to the replica.
  tl::expected<QueryResult, PgError> run(const Sql& sql, bool read = false);
  /// Plain statements without parameters (DDL, SET) over the simple protocol.
  Result<void> exec(const std::string& sql);
  /// BEGIN at depth 0, SAVEPOINT below; commits when body succeeds.
  Result<void> atomic(const std::function<Result<void>()>& body);
  /// Forgets every connection's prepared statements (after DDL that drops tables).
  void invalidate_statements() { ++generation_; }
  bool in_transaction();

 private:
  struct Conn {
    PGconn* pg = nullptr;
    std::unordered_map<std::string, std::string> prepared;  // SQL text -> statement name
    uint64_t generation = 0;
    uint64_t next_id = 0;
  };
  struct Pin {
    Conn* conn = nullptr;
    int depth = 0;
  };
  class Lease;

  tl::expected<Conn*, PgError> take();
  void give_back(Conn* c);
  tl::expected<void, PgError> make_ready(Conn& c);
  Conn* pinned();
  tl::expected<QueryResult, PgError> run_on(Conn& c, const Sql& sql);
  Result<void> exec_on(Conn& c, const std::string& sql);

  ConnParams params_;
  int pool_size_;
  Clock* clock_;
  std::unique_ptr<Db> replica_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Conn>> all_;
  std::vector<Conn*> idle_;
  std::unordered_map<std::thread::id, Pin> pins_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace kongdb::strategy::postgres
