// Internals of the SQLite strategy: the connection (statement cache, transactions), the
// per-table layout derived from a Schema, and the statement builder that owns all SQL text.
// Written for kongdb; behaviour follows kong/db/strategies/postgres/init.lua.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/strategy.h"
#include "strategy/common/table_layout.h"

namespace kongdb::strategy::sqlite {

inline constexpr std::string_view kName = "sqlite";

/// Every error leaving this backend carries strategy = "sqlite".
Error tag(Error e);
Error db_error(std::string message);

/// One bound parameter. Values are never spliced into SQL.
using Param = std::variant<std::monostate, int64_t, double, std::string>;

/// SQL text plus its parameters, built together so placeholders and values cannot drift.
struct Sql {
  std::string text;
  std::vector<Param> params;
  Sql& add(std::string_view s) { text += s; return *this; }
  Sql& bind(Param p) { text += '?'; params.push_back(std::move(p)); return *this; }
};

/// A fetched row: one Param per result column.
using Row = std::vector<Param>;

/// Outcome of a failed step, kept for error mapping.
struct StepError {
  int code = 0;  // extended result code
  std::string message;
};

/// The connection: one sqlite3 handle shared by the connector and its strategies.
class Db {
 public:
  Db(sqlite3* db, Clock* clock) : db_(db), clock_(clock) {}
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() { return db_; }
  double now() const { return clock_->now(); }

  /// Runs a statement (cached by text), collecting every result row.
  tl::expected<std::vector<Row>, StepError> run(const Sql& sql);
  /// Rows changed by the last run().
  int64_t changes() const { return sqlite3_changes64(db_); }
  /// Plain statements without parameters (DDL, PRAGMA, BEGIN).
  Result<void> exec(const std::string& sql);
  /// BEGIN IMMEDIATE at depth 0, SAVEPOINT below; commits when body succeeds.
  Result<void> atomic(const std::function<Result<void>()>& body);
  /// Finalizes every cached statement (before DDL that drops tables).
  void clear_cache();

 private:
  sqlite3* db_;
  Clock* clock_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  int depth_ = 0;
};

enum class ColKind { Text, Integer, Real, Boolean, Json };

using FieldMap = common::FieldMap<ColKind>;
using Layout = common::Layout<ColKind>;

Layout make_layout(const schema::Schema& s);

/// Column value codec.
Param to_param(const Value& v, ColKind kind);
Value from_param(const Param& p, ColKind kind);
/// Binds a field's value (foreign values as {pk = v}) to its columns.
std::vector<Param> field_params(const FieldMap& f, const Value& v);

/// A selected row back as an entity: foreign keys as {pk = v}, ws_id, ttl remaining (or the
/// absolute epoch with export_ttl). The cache_key column is not returned.
Value decode_row(const Layout& l, const Row& row, double now, bool export_ttl);

/// Offset tokens: unpadded base64 of the JSON array of the last row's pk columns.
std::string encode_offset(const Layout& l, const Row& last);
Result<std::vector<Param>> decode_offset(const Layout& l, const std::string& token);

/// All SQL of one table.
class Statements {
 public:
  explicit Statements(const Layout& l);

  std::vector<std::string> create() const;  // table + indexes
  /// The columns read back, in row order: fields, then ws_id, then ttl.
  std::string select_list() const;
  size_t select_width() const;

  Sql select_where() const;  // "SELECT <list> FROM t WHERE 1"
  /// INSERT of every column; with a conflict target, an upsert that replaces every column
  /// outside the target, the primary key and ws_id.
  Sql insert(const Value& row, const std::string& ws_id, const Param& ttl,
             const std::string& conflict_target) const;
  /// UPDATE t SET <columns present in row> (the pk never changes).
  Sql update_set(const Value& row, const std::optional<Param>& ttl) const;
  Sql delete_from() const;  // "DELETE FROM t"

  // WHERE fragments, each appended as " AND ..." (start conditions with "WHERE 1").
  void and_pk(Sql& q, const Value& pk) const;
  void and_field(Sql& q, const FieldMap& f, const Value& v) const;
  void and_ws(Sql& q, const std::string& ws_id, bool keep_pk_order = false) const;
  void and_alive(Sql& q, double now) const;
  void and_tags(Sql& q, const TagsFilter& tags) const;
  void and_after(Sql& q, const std::vector<Param>& last) const;
  void order_limit(Sql& q, int64_t limit) const;
  void returning(Sql& q) const;

  std::string conflict_on(const FieldMap& f) const;  // "(ws_id, name)" or "(name)"
  std::string conflict_on_pk() const;

 private:
  const Layout& l_;
  // Text that depends only on the layout, built once: "SELECT <list> FROM t WHERE 1" and
  // "INSERT INTO t (<every column>) VALUES (".
  std::string select_list_, select_where_, insert_prefix_;
  std::vector<std::string> insert_columns_;
};

using common::ident;

}  // namespace kongdb::strategy::sqlite
