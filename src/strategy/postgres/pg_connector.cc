// PostgreSQL connector: the pool, transactions, schema_meta bookkeeping, DDL from schemas and
// migrations serialised by an advisory lock. Written for kongdb; Kong's equivalent is
// kong/db/strategies/postgres/connector.lua.
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "kongdb/strategy/postgres.h"
#include "strategy/common/tags_index.h"
#include "strategy/postgres/pg_internal.h"
#include "strategy/postgres/pg_strategy.h"

namespace kongdb::strategy {

namespace postgres {
namespace {

// pg_advisory_xact_lock key shared by every kongdb process migrating one database ("kong").
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(1802464871)";

class PostgresConnector final : public Connector, public MigrationStore {
 public:
  explicit PostgresConnector(std::shared_ptr<Db> db) : db_(std::move(db)) {}

  std::string_view name() const override { return kName; }
  Capabilities capabilities() const override { return {}; }
  MigrationStore* migrations() override { return this; }

  Result<std::unique_ptr<Strategy>> strategy_for(const schema::Schema& schema) override {
    Layout layout = make_layout(schema);
    auto exists = table_exists(layout.table);
    if (!exists) return exists.error();
    if (!*exists) return db_error("no such table: " + layout.table);
    if (common::is_tags_index(schema)) return make_tags_index(db_);
    return std::unique_ptr<Strategy>(std::make_unique<PostgresStrategy>(db_, std::move(layout)));
  }

  Result<void> transaction(const std::function<Result<void>()>& body) override {
    return db_->atomic(body);
  }

  Result<int64_t> purge_expired() override {
    Sql tables;
    tables.add("SELECT table_name FROM information_schema.columns WHERE table_schema = "
               "current_schema() AND column_name = 'ttl' AND data_type = 'timestamp with time zone'");
    auto rows = run(tables);
    if (!rows) return rows.error();
    int64_t purged = 0;
    char now[40];
    std::snprintf(now, sizeof now, "%.17g", db_->now());
    auto r = db_->atomic([&]() -> Result<void> {
      for (const Row& t : rows->rows) {
        if (!t[0]) continue;
        Sql q;
        q.add("DELETE FROM ").add(ident(*t[0]))
            .add(" WHERE \"ttl\" IS NOT NULL AND \"ttl\" < to_timestamp(").bind(std::string(now), "::float8")
            .add(")");
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
    Sql q;
    q.add("SELECT subsystem, array_to_json(executed)::text, array_to_json(pending)::text "
          "FROM schema_meta WHERE key = 'schema_meta' ORDER BY subsystem");
    auto rows = run(q);
    if (!rows) return rows.error();
    std::vector<MigrationState> out;
    for (const Row& r : rows->rows) {
      MigrationState st;
      st.subsystem = r[0].value_or("");
      st.executed = json_strings(r[1]);
      st.pending = json_strings(r[2]);
      out.push_back(std::move(st));
    }
    return std::optional<std::vector<MigrationState>>(std::move(out));
  }

  Result<void> bootstrap_meta() override {
    return db_->atomic([&]() -> Result<void> {
      if (auto r = db_->exec(kMigrationLock); !r) return r;
      return db_->exec(kCreateMeta);
    });
  }

  Result<void> run_up(const std::string& subsystem, const std::string& migration,
                      const std::vector<const schema::Schema*>& schemas,
                      bool has_teardown) override {
    // One transaction per migration, serialised across processes (Kong's cluster mutex).
    return db_->atomic([&]() -> Result<void> {
      if (auto r = db_->exec(kMigrationLock); !r) return r;
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

  // A plugin's own migration SQL (multi-statement, DO blocks): the simple query protocol.
  Result<void> run_up_sql(const std::string& subsystem, const std::string& migration,
                          const std::string& sql, bool has_teardown) override {
    auto result = db_->atomic([&]() -> Result<void> {
      if (auto r = db_->exec(kMigrationLock); !r) return r;
      if (auto r = db_->exec(kCreateMeta); !r) return r;
      if (auto r = db_->exec(sql); !r) return r;
      return record(subsystem, migration, has_teardown ? Record::Pending : Record::Executed);
    });
    db_->invalidate_statements();  // the SQL may have altered tables statements were prepared on
    return result;
  }

  Result<void> execute_sql(const std::string& sql) override {
    auto result = db_->exec(sql);
    db_->invalidate_statements();
    return result;
  }

  Result<void> run_teardown(const std::string& subsystem, const std::string& migration) override {
    return db_->atomic([&]() -> Result<void> {
      if (auto r = db_->exec(kMigrationLock); !r) return r;
      if (auto r = db_->exec(kCreateMeta); !r) return r;
      return record(subsystem, migration, Record::Teardown);
    });
  }

  Result<void> reset() override {
    auto result = db_->atomic([&]() -> Result<void> {
      if (auto r = db_->exec(kMigrationLock); !r) return r;
      Sql q;
      q.add("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
      auto rows = run(q);
      if (!rows) return rows.error();
      // The tags trigger function goes with the tables (a fresh bootstrap recreates it).
      if (auto r = db_->exec("DROP FUNCTION IF EXISTS sync_tags() CASCADE"); !r) return r;
      if (rows->rows.empty()) return {};
      // One statement with CASCADE: order does not matter, restrict constraints go with it.
      std::string drop = "DROP TABLE IF EXISTS ";
      for (size_t i = 0; i < rows->rows.size(); ++i) {
        if (i) drop += ", ";
        drop += ident(rows->rows[i][0].value_or(""));
      }
      return db_->exec(drop + " CASCADE");
    });
    db_->invalidate_statements();
    return result;
  }

 private:
  static constexpr const char* kCreateMeta =
      "CREATE TABLE IF NOT EXISTS schema_meta (key TEXT, subsystem TEXT, last_executed TEXT, "
      "executed TEXT[], pending TEXT[], PRIMARY KEY (key, subsystem))";

  enum class Record { Executed, Pending, Teardown };

  Result<QueryResult> run(const Sql& q) {
    auto r = db_->run(q);
    if (!r) return db_error(r.error().message);
    return std::move(*r);
  }

  Result<bool> table_exists(const std::string& table) {
    Sql q;
    q.add("SELECT to_regclass(").bind(ident(table), "::text").add(") IS NOT NULL");
    auto rows = run(q);
    if (!rows) return rows.error();
    return !rows->rows.empty() && rows->rows[0][0] == std::optional<std::string>("t");
  }

  // Kong's record_migration: executed / pending / teardown (pending -> executed).
  Result<void> record(const std::string& subsystem, const std::string& migration, Record how) {
    Sql get;
    get.add("SELECT array_to_json(executed)::text, array_to_json(pending)::text FROM schema_meta "
            "WHERE key = 'schema_meta' AND subsystem = ")
        .bind(subsystem, "::text");
    auto rows = run(get);
    if (!rows) return rows.error();
    std::vector<std::string> executed, pending;
    if (!rows->rows.empty()) {
      executed = json_strings(rows->rows[0][0]);
      pending = json_strings(rows->rows[0][1]);
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
        .bind(subsystem, "::text").add(", ").bind(migration, "::text").add(", ")
        .bind(array_literal(executed), "::text[]").add(", ").bind(array_literal(pending), "::text[]")
        .add(") ON CONFLICT (key, subsystem) DO UPDATE SET last_executed = EXCLUDED.last_executed, "
             "executed = EXCLUDED.executed, pending = EXCLUDED.pending");
    auto r = run(put);
    if (!r) return r.error();
    return {};
  }

  std::shared_ptr<Db> db_;
};

}  // namespace
}  // namespace postgres

Result<std::unique_ptr<Connector>> open_postgres(const PostgresOptions& opts) {
  using postgres::ConnParams;
  using postgres::Db;
  ConnParams p{opts.host, opts.user, opts.password, opts.database, opts.schema,
               opts.port, opts.timeout_ms, opts.ssl, opts.ssl_verify};
  Clock* clock = opts.clock ? opts.clock : &system_clock();
  std::unique_ptr<Db> replica;
  if (!opts.ro_host.empty()) {
    ConnParams ro = p;  // pg_ro_* values inherit from pg_*
    ro.host = opts.ro_host;
    if (opts.ro_port > 0) ro.port = opts.ro_port;
    replica = std::make_unique<Db>(std::move(ro), opts.pool_size, clock);
  }
  auto db = std::make_shared<Db>(std::move(p), opts.pool_size, clock, std::move(replica));
  if (!opts.schema.empty()) {
    // Concurrent creators may race; the loser's error is harmless if the schema now exists.
    auto r = db->exec("CREATE SCHEMA IF NOT EXISTS " + postgres::ident(opts.schema));
    if (!r) {
      auto again = db->exec("SELECT 1");
      if (!again) return r.error();
    }
  } else if (auto r = db->exec("SELECT 1"); !r) {
    return r.error();
  }
  return std::unique_ptr<Connector>(std::make_unique<postgres::PostgresConnector>(std::move(db)));
}

}  // namespace kongdb::strategy
