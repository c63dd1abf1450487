// The SQLite dialect of the SQL strategy family: the connection (statement cache,
// transactions), column kinds and their codec, and the few statements SQLite writes its own
// way (JSON tags, triggers for the tags index, constraint failures probed after the fact).
// Everything else is in src/strategy/sql. Written for kongdb.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
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

namespace kongdb::strategy::sqlite {

enum class ColKind { Text, Integer, Real, Boolean, Json };

class Db;

/// Outcome of a failed step, kept for error mapping.
struct StepError {
  int code = 0;  // extended result code
  std::string message;
};

/// One bound value, and one result cell. Values are never spliced into SQL.
using Param = std::variant<std::monostate, int64_t, double, std::string>;

struct Dialect : sql::DialectBase<Dialect, ColKind, Param> {
  static constexpr std::string_view kName = "sqlite";
  using Failure = StepError;
  using Db = sqlite::Db;

  // ws_id is '' for "no workspace"; tags and migration lists are JSON text.
  static constexpr std::string_view kNoWorkspace = "";
  static constexpr ColKind kText = ColKind::Text, kInteger = ColKind::Integer, kTtlKind = ColKind::Real,
                           kWsKind = ColKind::Text, kListKind = ColKind::Text;
  static constexpr std::string_view kListType = "TEXT";
  // A unary + stops SQLite from using a UNIQUE(ws_id, f) index for the term.
  static constexpr std::string_view kWsTermInPkOrder = " AND +\"ws_id\" = ";
  static constexpr std::string_view kUpsertNoopFrom = "";
  static constexpr std::string_view kTableOptions = " WITHOUT ROWID";
  static constexpr std::string_view kMigrationLock = "";  // BEGIN IMMEDIATE already serialises writers
  static constexpr bool kRunsMigrationSql = false;
  static constexpr std::string_view kTtlTablesSql =
      "SELECT m.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS p "
      "WHERE m.type = 'table' AND p.name = 'ttl' AND p.type = 'REAL'";

  static Layout make_layout(const schema::Schema& s);

  // --- values ---
  static void placeholder(std::string& text, size_t) { text += '?'; }
  // Forwarded, not taken by value: an extra Param copy sets off GCC 12's -O3
  // maybe-uninitialized false positive on std::variant.
  template <class P>
  static void bind(Q& q, P&& p, ColKind) {
    q.bind(std::forward<P>(p));
  }
  static Param to_param(const Value& v, ColKind kind);
  static Param text(std::string s) { return Param(std::move(s)); }
  static Param integer(int64_t n) { return Param(n); }
  static Param real(double d) { return Param(d); }
  static bool is_null(const Param& p) { return std::holds_alternative<std::monostate>(p); }
  static Value from_cell(const Param& p, ColKind kind);
  static const std::string* cell_text(const Param& p) { return std::get_if<std::string>(&p); }
  static double cell_number(const Param& p);
  static int64_t cell_integer(const Param& p) {
    const auto* n = std::get_if<int64_t>(&p);
    return n ? *n : 0;
  }
  static Value key_value(const Param& p, ColKind);
  static Param list_param(const std::vector<std::string>& items);

  // --- SQL text ---
  static std::string_view sql_type(ColKind k);
  static void and_tags(Q& q, const Layout& l, const TagsFilter& tags);
  static std::vector<std::string> tags_ddl(const Layout& l);
  static std::vector<std::string> tags_table_ddl();
  static Q tags_query(const std::optional<std::string>& tag, const std::optional<model::TagsIndex::After>& after,
                      int64_t limit);
  static Q table_exists_query(const std::string& table);

  // --- behaviour ---
  static Error map_error(Db& db, const sql::Statements<Dialect>& sql, const StepError& e, const WriteCtx& ctx);
  static Result<void> truncate(Db& db, const Layout& l);
  static Result<void> drop_all(Db& db);
};

using Sql = Dialect::Q;
using Row = Dialect::Row;

Error db_error(std::string message);

/// The connection: one sqlite3 handle shared by the connector and its strategies.
class Db {
 public:
  Db(sqlite3* db, Clock* clock) : db_(db), clock_(clock) {}
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  double now() const { return clock_->now(); }

  /// Runs a statement (cached by text), collecting every result row; `affected` is what the
  /// statement changed when it wrote. One connection: `read` changes nothing.
  tl::expected<sql::QueryResult<Row>, StepError> run(const Sql& sql, bool read = false);
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

}  // namespace kongdb::strategy::sqlite
