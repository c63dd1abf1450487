// The SQLite connection: cached prepared statements, result rows as Params, transactions.
// Written for kongdb.
#include <string>
#include <utility>

#include "strategy/sqlite/sqlite_dialect.h"

namespace kongdb::strategy::sqlite {

namespace {
// Dynamic statements (partial updates, tag filters) can vary; cap the cache so it cannot grow
// without bound.
constexpr size_t kMaxCachedStatements = 512;
}  // namespace

Error db_error(std::string message) { return sql::db_error<Dialect>(std::move(message)); }

Db::~Db() {
  clear_cache();
  sqlite3_close_v2(db_);
}

void Db::clear_cache() {
  for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
}

tl::expected<sql::QueryResult<Row>, StepError> Db::run(const Sql& sql, bool /*read*/) {
  sqlite3_stmt* stmt = nullptr;
  if (auto it = cache_.find(sql.text); it != cache_.end()) {
    stmt = it->second;
  } else {
    if (cache_.size() >= kMaxCachedStatements) clear_cache();
    int rc = sqlite3_prepare_v3(db_, sql.text.c_str(), static_cast<int>(sql.text.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      StepError e{sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)};
      sqlite3_finalize(stmt);
      return tl::unexpected(std::move(e));
    }
    cache_.emplace(sql.text, stmt);
  }
  // Reset on every exit so the statement releases its locks and can be reused.
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  } reset{stmt};

  for (size_t i = 0; i < sql.params.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    const Param& p = sql.params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(p)) {
      rc = sqlite3_bind_null(stmt, idx);
    } else if (auto* n = std::get_if<int64_t>(&p)) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (auto* d = std::get_if<double>(&p)) {
      rc = sqlite3_bind_double(stmt, idx, *d);
    } else {
      const std::string& s = std::get<std::string>(p);
      rc = sqlite3_bind_text64(stmt, idx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) return tl::unexpected(StepError{rc, sqlite3_errmsg(db_)});
  }

  sql::QueryResult<Row> result;
  std::vector<Row>& rows = result.rows;
  const int width = sqlite3_column_count(stmt);
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      return tl::unexpected(StepError{sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)});
    }
    Row row;
    row.reserve(static_cast<size_t>(width));
    for (int c = 0; c < width; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
        case SQLITE_INTEGER: row.emplace_back(int64_t{sqlite3_column_int64(stmt, c)}); break;
        case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(stmt, c)); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          int n = sqlite3_column_bytes(stmt, c);
          row.emplace_back(std::string(text ? text : "", static_cast<size_t>(n)));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  result.affected = sqlite3_changes64(db_);
  return result;
}

Result<void> Db::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return db_error(std::move(msg));
  }
  return {};
}

Result<void> Db::atomic(const std::function<Result<void>()>& body) {
  const bool outer = depth_ == 0;
  const std::string sp = "kongdb_sp" + std::to_string(depth_);
  // IMMEDIATE takes the write lock up front: no deadlock upgrading a read lock later.
  if (auto r = exec(outer ? "BEGIN IMMEDIATE" : "SAVEPOINT " + sp); !r) return r;
  ++depth_;
  Result<void> result = body();
  --depth_;
  if (result) {
    auto c = exec(outer ? "COMMIT" : "RELEASE " + sp);
    if (c) return result;
    result = c;
  }
  if (outer) {
    (void)exec("ROLLBACK");
  } else {
    (void)exec("ROLLBACK TO " + sp);
    (void)exec("RELEASE " + sp);
  }
  return result;
}

}  // namespace kongdb::strategy::sqlite
