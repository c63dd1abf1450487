// SQLite connector: opening the file (WAL, foreign keys, busy timeout), transactions,
// schema_meta bookkeeping and DDL from schemas. Written for kongdb; Kong's equivalent is
// kong/db/strategies/postgres/connector.lua.
#include <algorithm>
#include <string>
#include <utility>

#include "kongdb/core/json.h"
#include "kongdb/strategy/sqlite.h"
#include "strategy/common/tags_index.h"
#include "strategy/sqlite/sqlite_internal.h"
#include "strategy/sqlite/sqlite_strategy.h"

namespace kongdb::strategy {

namespace sqlite {
namespace {

std::vector<std::string> json_strings(const Param& p) {
  std::vector<std::string> out;
  const auto* s = std::get_if<std::string>(&p);
  if (!s) return out;
  auto parsed = json::parse(*s);
  if (!parsed || !parsed->is_array()) return out;
  for (const Value& v : parsed->as_array()) {
    if (v.is_string()) out.push_back(v.as_string());
  }
  return out;
}

std::string json_list(const std::vector<std::string>& items) {
  Array a;
  for (const auto& s : items) a.emplace_back(s);
  return json::encode(Value(std::move(a)));
}

class SqliteConnector final : public Connector, public MigrationStore {
 public:
  explicit SqliteConnector(std::shared_ptr<Db> db) : db_(std::move(db)) {}

  std::string_view name() const override { return kName; }
  Capabilities capabilities() const override { return {}; }
  MigrationStore* migrations() override { return this; }

  Result<std::unique_ptr<Strategy>> strategy_for(const schema::Schema& schema) override {
    Layout layout = make_layout(schema);
    auto exists = table_exists(layout.table);
    if (!exists) return exists.error();
    if (!*exists) return db_error("no such table: " + layout.table);
    if (common::is_tags_index(schema)) return make_tags_index(db_);
    return std::unique_ptr<Strategy>(std::make_unique<SqliteStrategy>(db_, std::move(layout)));
  }

  Result<void> transaction(const std::function<Result<void>()>& body) override {
    return db_->atomic(body);
  }

  Result<int64_t> purge_expired() override {
    Sql tables;
    tables.add("SELECT m.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS p "
               "WHERE m.type = 'table' AND p.name = 'ttl' AND p.type = 'REAL'");
    auto rows = db_->run(tables);
    if (!rows) return db_error(rows.error().message);
    int64_t purged = 0;
    auto r = db_->atomic([&]() -> Result<void> {
      for (const Row& t : *rows) {
        Sql q;
        q.add("DELETE FROM ").add(ident(std::get<std::string>(t[0])))
            .add(" WHERE \"ttl\" IS NOT NULL AND \"ttl\" < ").bind(db_->now());
        auto d = db_->run(q);
        if (!d) return db_error(d.error().message);
        purged += db_->changes();
      }
      return {};
    });
    if (!r) return r.error();
    return purged;
  }

  Result<std::optional<std::vector<MigrationState>>> schema_state() override {
    auto exists = table_exists("schema_meta");
    if (!exists) return exists.error();
    if (!*exists) return std::optional<std::vector<MigrationState>>();
    Sql q;
    q.add("SELECT subsystem, executed, pending FROM schema_meta WHERE key = 'schema_meta' "
          "ORDER BY subsystem");
    auto rows = db_->run(q);
    if (!rows) return db_error(rows.error().message);
    std::vector<MigrationState> out;
    for (const Row& r : *rows) {
      MigrationState st;
      if (auto* s = std::get_if<std::string>(&r[0])) st.subsystem = *s;
      st.executed = json_strings(r[1]);
      st.pending = json_strings(r[2]);
      out.push_back(std::move(st));
    }
    return std::optional<std::vector<MigrationState>>(std::move(out));
  }

  Result<void> bootstrap_meta() override { return db_->exec(kCreateMeta); }

  Result<void> run_up(const std::string& subsystem, const std::string& migration,
                      const std::vector<const schema::Schema*>& schemas,
                      bool has_teardown) override {
    return db_->atomic([&]() -> Result<void> {
      if (auto r = db_->exec(kCreateMeta); !r) return r;
      for (const schema::Schema* s : schemas) {
        if (!s) continue;
        Layout layout = make_layout(*s);
        for (const auto& stmt : Statements(layout).create()) {
          if (auto r = db_->exec(stmt); !r) return r;
        }
      }
      return record(subsystem, migration, has_teardown ? Record::Pending : Record::Executed);
    });
  }

  Result<void> run_teardown(const std::string& subsystem, const std::string& migration) override {
    return db_->atomic([&]() -> Result<void> {
      if (auto r = db_->exec(kCreateMeta); !r) return r;
      return record(subsystem, migration, Record::Teardown);
    });
  }

  Result<void> reset() override {
    db_->clear_cache();
    Sql q;
    q.add("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    auto rows = db_->run(q);
    if (!rows) return db_error(rows.error().message);
    db_->clear_cache();
    // Dropping a parent runs an implicit DELETE that restrict constraints would refuse.
    if (auto r = db_->exec("PRAGMA foreign_keys = OFF"); !r) return r;
    auto result = db_->atomic([&]() -> Result<void> {
      for (const Row& t : *rows) {
        if (auto r = db_->exec("DROP TABLE IF EXISTS " + ident(std::get<std::string>(t[0]))); !r) {
          return r;
        }
      }
      return {};
    });
    auto on = db_->exec("PRAGMA foreign_keys = ON");
    if (!result) return result;
    return on;
  }

 private:
  static constexpr const char* kCreateMeta =
      "CREATE TABLE IF NOT EXISTS schema_meta (key TEXT, subsystem TEXT, last_executed TEXT, "
      "executed TEXT, pending TEXT, PRIMARY KEY (key, subsystem))";

  enum class Record { Executed, Pending, Teardown };

  Result<bool> table_exists(const std::string& table) {
    Sql q;
    q.add("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ").bind(table);
    auto rows = db_->run(q);
    if (!rows) return db_error(rows.error().message);
    return !rows->empty();
  }

  // Kong's record_migration: executed / pending / teardown (pending -> executed).
  Result<void> record(const std::string& subsystem, const std::string& migration, Record how) {
    Sql get;
    get.add("SELECT executed, pending FROM schema_meta WHERE key = 'schema_meta' AND subsystem = ")
        .bind(subsystem);
    auto rows = db_->run(get);
    if (!rows) return db_error(rows.error().message);
    std::vector<std::string> executed, pending;
    if (!rows->empty()) {
      executed = json_strings((*rows)[0][0]);
      pending = json_strings((*rows)[0][1]);
    }
    auto add = [](std::vector<std::string>& list, const std::string& m) {
      if (std::find(list.begin(), list.end(), m) == list.end()) list.push_back(m);
    };
    if (how == Record::Pending) {
      add(pending, migration);
    } else {
      pending.erase(std::remove(pending.begin(), pending.end(), migration), pending.end());
      add(executed, migration);
    }
    Sql put;
    put.add("INSERT INTO schema_meta (key, subsystem, last_executed, executed, pending) VALUES "
            "('schema_meta', ")
        .bind(subsystem).add(", ").bind(migration).add(", ").bind(json_list(executed)).add(", ")
        .bind(json_list(pending))
        .add(") ON CONFLICT (key, subsystem) DO UPDATE SET last_executed = excluded.last_executed, "
             "executed = excluded.executed, pending = excluded.pending");
    auto r = db_->run(put);
    if (!r) return db_error(r.error().message);
    return {};
  }

  std::shared_ptr<Db> db_;
};

}  // namespace
}  // namespace sqlite

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
  return std::unique_ptr<Connector>(std::make_unique<sqlite::SqliteConnector>(std::move(db)));
}

}  // namespace kongdb::strategy
