// Opening the SQLite file (WAL, foreign keys, busy timeout) behind the SQL family's connector.
// Written for kongdb.
#include <string>
#include <utility>

#include "kongdb/strategy/sqlite.h"
#include "strategy/sql/sql_connector.h"
#include "strategy/sqlite/sqlite_dialect.h"

namespace kongdb::strategy {

Result<std::unique_ptr<Connector>> open_sqlite(const SqliteOptions& opts) {
  using sqlite::db_error;
  sqlite3* handle = nullptr;
  // An empty path is a private in-memory database (handy for tests).
  const std::string path = opts.path.empty() ? ":memory:" : opts.path;
  int rc = sqlite3_open_v2(path.c_str(), &handle,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close_v2(handle);
    return db_error(std::move(msg));
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, opts.busy_timeout_ms);
  auto db = std::make_shared<sqlite::Db>(handle, opts.clock ? opts.clock : &system_clock());
  // WAL: readers never block the writer; NORMAL sync survives crashes (may lose the last commit
  // on power loss).
  // A 16 MiB page cache keeps bulk transactions (imports, cascades) from spilling mid-way.
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
                             "PRAGMA foreign_keys = ON", "PRAGMA cache_size = -16384"}) {
    if (auto r = db->exec(pragma); !r) return r.error();
  }
  return std::unique_ptr<Connector>(std::make_unique<sql::SqlConnector<sqlite::Dialect>>(std::move(db)));
}

}  // namespace kongdb::strategy
