// The connector of the SQL family, written once over a dialect: strategies per entity,
// transactions, purge of expired ttl rows, and the schema_meta bookkeeping of migrations
// (Kong's kong/db/migrations/state.lua and record_migration). Besides what statements.h lists,
// a dialect supplies here:
//   kMigrationLock (a statement serialising migrations across processes, or empty),
//   kTtlTablesSql (the tables with a ttl column), kRunsMigrationSql (whether Kong's own
//   migration SQL runs here: run_up_sql / execute_sql), table_exists_query(table),
//   list_read(column) / list_param(items) (a migration list column), drop_all(db) (reset),
//   and the Db: run(q, read) -> tl::expected<QueryResult<Row>, Failure>, exec(text),
//   atomic(body), now(), and with kRunsMigrationSql invalidate_statements().
// Written for kongdb; Kong's equivalent is kong/db/strategies/postgres/connector.lua.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kongdb/strategy/strategy.h"
#include "strategy/model/tags_index.h"
#include "strategy/sql/sql_strategy.h"
#include "strategy/sql/tags_index.h"

namespace kongdb::strategy::sql {

template <class D>
class SqlConnector final : public Connector, public MigrationStore {
 public:
  using Db = typename D::Db;
  using Row = typename D::Row;
  using Q = Sql<D>;

  explicit SqlConnector(std::shared_ptr<Db> db) : db_(std::move(db)) {}

  std::string_view name() const override { return D::kName; }
  Capabilities capabilities() const override { return {}; }
  MigrationStore* migrations() override { return this; }

  Result<std::unique_ptr<Strategy>> strategy_for(const schema::Schema& schema) override {
    auto layout = D::make_layout(schema);
    auto exists = table_exists(layout.table);
    if (!exists) return exists.error();
    if (!*exists) return db_error<D>("no such table: " + layout.table);
    if (model::is_tags_index(schema)) return std::unique_ptr<Strategy>(std::make_unique<SqlTagsIndex<D>>(db_));
    return std::unique_ptr<Strategy>(std::make_unique<SqlStrategy<D>>(db_, std::move(layout)));
  }

  Result<void> transaction(const std::function<Result<void>()>& body) override { return db_->atomic(body); }

  Result<int64_t> purge_expired() override {
    Q tables;
    tables.add(D::kTtlTablesSql);
    auto rows = run(tables);
    if (!rows) return rows.error();
    int64_t purged = 0;
    auto r = db_->atomic([&]() -> Result<void> {
      for (const Row& t : rows->rows) {
        const std::string* table = D::cell_text(t[0]);
        if (!table) continue;
        Q q;
        q.add("DELETE FROM ").add(ident(*table)).add(" WHERE \"ttl\" IS NOT NULL AND \"ttl\" < ");
        D::bind(q, D::real(db_->now()), D::kTtlKind);
        auto d = run(q);
        if (!d) return d.error();
        purged += d->affected;
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
    Q q;
    q.add("SELECT subsystem, ").add(D::list_read("executed")).add(", ").add(D::list_read("pending"))
        .add(" FROM schema_meta WHERE key = 'schema_meta' ORDER BY subsystem");
    auto rows = run(q);
    if (!rows) return rows.error();
    std::vector<MigrationState> out;
    for (const Row& r : rows->rows) {
      MigrationState st;
      if (const std::string* s = D::cell_text(r[0])) st.subsystem = *s;
      st.executed = json_strings(D::cell_text(r[1]));
      st.pending = json_strings(D::cell_text(r[2]));
      out.push_back(std::move(st));
    }
    return std::optional<std::vector<MigrationState>>(std::move(out));
  }

  Result<void> bootstrap_meta() override {
    return migration_step([] { return Result<void>(); });
  }

  Result<void> run_up(const std::string& subsystem, const std::string& migration,
                      const std::vector<const schema::Schema*>& schemas, bool has_teardown) override {
    return migration_step([&]() -> Result<void> {
      for (const schema::Schema* s : schemas) {
        if (!s) continue;
        auto layout = D::make_layout(*s);
        for (const auto& stmt : Statements<D>(layout).create()) {
          if (auto r = db_->exec(stmt); !r) return r;
        }
      }
      return record(subsystem, migration, has_teardown ? Record::Pending : Record::Executed);
    });
  }

  // A plugin's own migration SQL (multi-statement, DO blocks), where the dialect runs Kong's.
  // The plugin's SQL creates its tables in Kong's layout, which is this family's.
  Result<void> run_up_sql(const std::string& subsystem, const std::string& migration, const std::string& sql,
                          const std::vector<const schema::Schema*>& /*schemas*/, bool has_teardown) override {
    if constexpr (D::kRunsMigrationSql) {
      auto result = migration_step([&]() -> Result<void> {
        if (auto r = db_->exec(sql); !r) return r;
        return record(subsystem, migration, has_teardown ? Record::Pending : Record::Executed);
      });
      db_->invalidate_statements();  // the SQL may have altered tables statements were prepared on
      return result;
    } else {
      return errors::operation_unsupported("migration '" + migration + "' brings SQL, which " +
                                           std::string(D::kName) + " cannot run");
    }
  }

  Result<void> execute_sql(const std::string& sql) override {
    if constexpr (D::kRunsMigrationSql) {
      auto result = db_->exec(sql);
      db_->invalidate_statements();
      return result;
    } else {
      return errors::operation_unsupported(std::string(D::kName) + " cannot run SQL statements");
    }
  }

  Result<void> run_teardown(const std::string& subsystem, const std::string& migration) override {
    return migration_step([&] { return record(subsystem, migration, Record::Teardown); });
  }

  Result<void> reset() override { return D::drop_all(*db_); }

 private:
  enum class Record { Executed, Pending, Teardown };

  Result<QueryResult<Row>> run(const Q& q) {
    auto r = db_->run(q);
    if (!r) return db_error<D>(r.error().message);
    return std::move(*r);
  }

  Result<bool> table_exists(const std::string& table) {
    auto rows = run(D::table_exists_query(table));
    if (!rows) return rows.error();
    return !rows->rows.empty();
  }

  /// One transaction per migration step, serialised across processes where the dialect can
  /// (Kong's cluster mutex), with schema_meta in place.
  template <class Body>
  Result<void> migration_step(Body body) {
    return db_->atomic([&]() -> Result<void> {
      if (!D::kMigrationLock.empty()) {
        if (auto r = db_->exec(std::string(D::kMigrationLock)); !r) return r;
      }
      if (auto r = db_->exec("CREATE TABLE IF NOT EXISTS schema_meta (key TEXT, subsystem TEXT, last_executed TEXT, "
                             "executed " + std::string(D::kListType) + ", pending " + std::string(D::kListType) +
                             ", PRIMARY KEY (key, subsystem))");
          !r) {
        return r;
      }
      return body();
    });
  }

  // Kong's record_migration: executed / pending / teardown (pending -> executed).
  Result<void> record(const std::string& subsystem, const std::string& migration, Record how) {
    Q get;
    get.add("SELECT ").add(D::list_read("executed")).add(", ").add(D::list_read("pending"))
        .add(" FROM schema_meta WHERE key = 'schema_meta' AND subsystem = ");
    D::bind(get, D::text(subsystem), D::kText);
    auto rows = run(get);
    if (!rows) return rows.error();
    std::vector<std::string> executed, pending;
    if (!rows->rows.empty()) {
      executed = json_strings(D::cell_text(rows->rows[0][0]));
      pending = json_strings(D::cell_text(rows->rows[0][1]));
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
    Q put;
    put.add("INSERT INTO schema_meta (key, subsystem, last_executed, executed, pending) VALUES ('schema_meta', ");
    D::bind(put, D::text(subsystem), D::kText);
    put.add(", ");
    D::bind(put, D::text(migration), D::kText);
    put.add(", ");
    D::bind(put, D::list_param(executed), D::kListKind);
    put.add(", ");
    D::bind(put, D::list_param(pending), D::kListKind);
    put.add(") ON CONFLICT (key, subsystem) DO UPDATE SET last_executed = EXCLUDED.last_executed, "
            "executed = EXCLUDED.executed, pending = EXCLUDED.pending");
    auto r = run(put);
    if (!r) return r.error();
    return {};
  }

  std::shared_ptr<Db> db_;
};

}  // namespace kongdb::strategy::sql
