// Internals of the PostgreSQL strategy: the connection pool (prepared-statement cache per
// connection, pinned transactions), the per-table layout derived from a Schema, and the
// statement builder that owns all SQL text. Written for kongdb; behaviour follows
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
#include "kongdb/strategy/postgres.h"
#include "kongdb/strategy/strategy.h"
#include "strategy/common/table_layout.h"

namespace kongdb::strategy::postgres {

inline constexpr std::string_view kName = "postgres";
/// ws_id is NOT NULL so UNIQUE(ws_id, f) always bites; this UUID stands for "no workspace".
inline constexpr std::string_view kNoWorkspace = "00000000-0000-0000-0000-000000000000";

/// Every error leaving this backend carries strategy = "postgres".
Error tag(Error e);
Error db_error(std::string message);

/// One bound parameter in libpq's text format; nullopt is SQL NULL. Never spliced into SQL.
using Param = std::optional<std::string>;

/// SQL text plus its parameters, built together so placeholders and values cannot drift.
struct Sql {
  std::string text;
  std::vector<Param> params;
  Sql& add(std::string_view s) { text += s; return *this; }
  /// Appends "$n" followed by `cast` (e.g. "::uuid"), binding `p`.
  Sql& bind(Param p, std::string_view cast = {}) {
    params.push_back(std::move(p));
    text += '$';
    text += std::to_string(params.size());
    text += cast;
    return *this;
  }
  /// Appends another fragment, renumbering its placeholders after ours.
  Sql& append(const Sql& other);
};

/// A fetched row: one text cell per result column (nullopt = NULL).
using Row = std::vector<std::optional<std::string>>;

struct QueryResult {
  std::vector<Row> rows;
  int64_t affected = 0;
};

/// A failed statement, with the diagnostics error mapping keys on.
struct PgError {
  std::string sqlstate, constraint, table, message;
  bool connection = false;  // the connection is gone (class 08 or CONNECTION_BAD)
};

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

/// How a column is stored and read back.
enum class ColKind { Text, Uuid, Integer, Real, Boolean, TimestampInt, TimestampReal, TextArray,
                     UuidArray, Json };

using FieldMap = common::FieldMap<ColKind>;
using Layout = common::Layout<ColKind>;

Layout make_layout(const schema::Schema& s);

/// Constraint and index names (Postgres truncates at 63 bytes; we shorten deterministically
/// so a name read back from PG_DIAG_CONSTRAINT_NAME still matches).
std::string pk_constraint(const Layout& l);
std::string unique_constraint(const Layout& l, const FieldMap& f);
std::string fk_constraint(const Layout& l, const FieldMap& f);

/// Column value codec.
Param to_param(const Value& v, ColKind kind);
Value from_cell(const std::optional<std::string>& c, ColKind kind);
/// Binds a field's value (foreign values as {pk = v}) to its columns.
std::vector<Param> field_params(const FieldMap& f, const Value& v);
/// A PostgreSQL array literal ({"a","b"}) of strings.
std::string array_literal(const std::vector<std::string>& items);
/// The elements of a column read as array_to_json(...)::text.
std::vector<std::string> json_strings(const std::optional<std::string>& c);

/// A selected row back as an entity: foreign keys as {pk = v}, ws_id, ttl remaining (or the
/// absolute epoch with export_ttl). The cache_key column is not returned.
Value decode_row(const Layout& l, const Row& row, double now, bool export_ttl);

/// Offset tokens: unpadded base64 of the JSON array of the last row's pk columns.
std::string encode_offset(const Layout& l, const Row& last);
Result<std::vector<Param>> decode_offset(const Layout& l, const std::string& token);

/// All SQL of one table.
class Statements {
 public:
  explicit Statements(const Layout& l) : l_(l) {}

  std::vector<std::string> create() const;  // table + indexes
  /// The expressions read back, in row order: fields, then ws_id, then ttl.
  std::string select_list() const;

  Sql select_where() const;  // "SELECT <list> FROM t WHERE TRUE"
  /// INSERT of every column; with a conflict target, an upsert that replaces every column
  /// outside the target, the primary key and ws_id.
  Sql insert(const Value& row, const std::string& ws_id, const Param& ttl,
             const std::string& conflict_target) const;
  /// UPDATE t SET <columns present in row> (the pk never changes).
  Sql update_set(const Value& row, const std::optional<Param>& ttl) const;
  Sql delete_from() const;  // "DELETE FROM t WHERE TRUE"
  Sql truncate() const;

  // WHERE fragments, each appended as " AND ...".
  void and_pk(Sql& q, const Value& pk) const;
  void and_field(Sql& q, const FieldMap& f, const Value& v) const;
  void and_ws(Sql& q, const std::string& ws_id) const;
  void and_alive(Sql& q, double now) const;
  void and_tags(Sql& q, const TagsFilter& tags) const;
  void and_after(Sql& q, const std::vector<Param>& last) const;
  void order_limit(Sql& q, int64_t limit) const;
  void returning(Sql& q) const;

  std::string conflict_on(const FieldMap& f) const;  // "(ws_id, name)" or "(name)"
  std::string conflict_on_pk() const;

 private:
  const Layout& l_;
};

/// The placeholder cast for a column kind ("::uuid", ...); timestamps go through to_timestamp.
void bind_col(Sql& q, Param p, ColKind kind);

using common::ident;

}  // namespace kongdb::strategy::postgres
