// The Cassandra connector: the session, one Strategy per entity, Kong's tags table, ttl purge,
// and the migration bookkeeping (keyspace, schema_meta, a cluster-wide lock taken with a
// lightweight transaction, schema agreement after every DDL statement). Written for kongdb;
// Kong's equivalent is kong/db/strategies/cassandra/connector.lua.
#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "kongdb/core/json.h"
#include "kongdb/strategy/cassandra.h"
#include "strategy/cassandra/cassandra_store.h"
#include "strategy/model/tags_index.h"

namespace kongdb::strategy {
namespace cassandra {
namespace {

class CassandraTagsIndex final : public model::TagsIndex {
 public:
  explicit CassandraTagsIndex(std::shared_ptr<Shared> s) : s_(std::move(s)) {}

 protected:
  // Kong's tags table keyed for listing: one partition, entities in id order, each with its
  // tags in order; the pairs are expanded (and one tag filtered) here.
  Result<std::vector<Entry>> fetch(const std::optional<std::string>& tag, const std::optional<After>& after,
                                   int64_t limit) override {
    std::vector<Entry> out;
    std::optional<std::string> from = after ? std::optional<std::string>(after->entity_id) : std::nullopt;
    bool inclusive = true;
    const std::string table(model::kTagsTable);
    while (static_cast<int64_t>(out.size()) < limit) {
      std::string q = "SELECT entity_id, entity_name, tags FROM " + table + " WHERE partition = ?";
      std::vector<cql::Value> binds{cql::Value::text(table)};
      if (from) {
        q += inclusive ? " AND entity_id >= ?" : " AND entity_id > ?";
        binds.push_back(cql::Value::text(*from));
      }
      q += " LIMIT 200";
      auto r = s_->run(q, std::move(binds), s_->reads());
      if (!r) return r.error();
      for (const auto& row : r->rows) {
        if (static_cast<int64_t>(out.size()) >= limit) break;
        if (row[0].kind() != cql::Value::Kind::Text || row[2].kind() != cql::Value::Kind::Text) continue;
        const std::string id = row[0].as_text();
        const std::string name = row[1].kind() == cql::Value::Kind::Text ? row[1].as_text() : std::string();
        auto tags = json::parse(row[2].as_text());
        if (!tags || !tags->is_array()) continue;
        const bool same_as_after = after && id == after->entity_id;
        const auto& list = tags->as_array();
        if (tag) {
          if (same_as_after) continue;
          for (const Value& t : list) {
            if (t.is_string() && t.as_string() == *tag) {
              out.push_back(Entry{id, name, t.as_string(), 0});
              break;
            }
          }
          continue;
        }
        for (size_t i = 0; i < list.size() && static_cast<int64_t>(out.size()) < limit; ++i) {
          const auto ordinality = static_cast<int64_t>(i + 1);
          if (same_as_after && ordinality <= after->ordinality) continue;
          if (list[i].is_string()) out.push_back(Entry{id, name, list[i].as_string(), ordinality});
        }
      }
      if (r->rows.size() < 200) break;
      from = r->rows.back()[0].as_text();
      inclusive = false;
    }
    return out;
  }

  Error tagged(Error e) const override { return tag(std::move(e)); }

 private:
  std::shared_ptr<Shared> s_;
};

// Splits a migration's CQL into statements (Kong splits on ';'; quoted text may hold one).
std::vector<std::string> statements_of(const std::string& cql) {
  std::vector<std::string> out;
  std::string cur;
  char quote = 0;
  for (char ch : cql) {
    if (quote) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == ';') {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += ch;
  }
  out.push_back(cur);
  std::vector<std::string> kept;
  for (auto& s : out) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    const auto e = s.find_last_not_of(" \t\r\n");
    kept.push_back(s.substr(b, e - b + 1));
  }
  return kept;
}

// Kong reruns a migration's CQL after a partial failure; these answers mean "already done".
bool already_applied(const cql::Error& e) {
  if (e.code == cql::ErrorCode::AlreadyExists) return true;
  if (e.code != cql::ErrorCode::Invalid) return false;
  for (const char* m : {"conflicts with an existing column", "already exists", "Undefined column name"}) {
    if (e.message.find(m) != std::string::npos) return true;
  }
  return false;
}

class CassandraConnector final : public Connector, public MigrationStore {
 public:
  explicit CassandraConnector(std::shared_ptr<Shared> s) : s_(std::move(s)) {}

  std::string_view name() const override { return kName; }

  Capabilities capabilities() const override {
    Capabilities none;
    none.transactions = false;
    none.foreign_keys = false;
    none.unique_constraints = false;
    return none;
  }

  Result<std::unique_ptr<Strategy>> strategy_for(const schema::Schema& schema) override {
    if (model::is_tags_index(schema)) return std::unique_ptr<Strategy>(std::make_unique<CassandraTagsIndex>(s_));
    Layout layout = make_layout(schema);
    {
      std::lock_guard lock(s_->mutex);
      s_->layouts[layout.entity] = layout;
    }
    return make_strategy(s_, std::move(layout));
  }

  // Writes are applied one by one: the DAO orders them so that a failure leaves nothing
  // half-done (see "Backends without transactions" in src/dao/dao.cc).
  Result<void> transaction(const std::function<Result<void>()>& body) override { return body(); }

  // Cassandra removes expired rows by itself (USING TTL); this removes the ones this process's
  // clock sees expired first, with their unique claims and tags.
  Result<int64_t> purge_expired() override {
    std::vector<Layout> ttl_tables;
    {
      std::lock_guard lock(s_->mutex);
      for (const auto& [name, l] : s_->layouts) {
        if (l.ttl) ttl_tables.push_back(l);
      }
    }
    int64_t purged = 0;
    const auto now_ms = cql::Value::timestamp(static_cast<int64_t>(s_->now() * 1000.0));
    for (const Layout& l : ttl_tables) {
      std::string cols;
      std::string where = "partition = ?";
      for (size_t i = 0; i < l.pk_columns.size(); ++i) {
        cols += (i ? ", " : "") + ident(l.pk_columns[i]);
        where += " AND " + ident(l.pk_columns[i]) + " = ?";
      }
      auto rows = s_->run("SELECT " + cols + " FROM " + ident(l.table) + " WHERE partition = ? AND \"ttl\" < ? ALLOW FILTERING",
                          {cql::Value::text(l.table), now_ms}, s_->reads());
      if (!rows) return rows.error();
      const bool feeds_tags = l.tags && l.pk_fields == std::vector<std::string>{"id"};
      for (const auto& r : rows->rows) {
        std::vector<cql::Value> binds{cql::Value::text(l.table)};
        binds.insert(binds.end(), r.begin(), r.end());
        auto d = s_->run("DELETE FROM " + ident(l.table) + " WHERE " + where, std::move(binds), s_->writes());
        if (!d) return d.error();
        // The claims record their owner as the pk object the DAO gave.
        Object pk;
        size_t col = 0;
        for (const auto& name : l.pk_fields) {
          const FieldMap* f = l.field(name);
          if (f && f->foreign) {
            Object parent;
            for (size_t p = 0; p < f->parent_pk.size(); ++p, ++col) parent.set(f->parent_pk[p], from_cql(r[col], f->kinds[p]));
            pk.set(name, Value(std::move(parent)));
          } else {
            pk.set(name, from_cql(r[col], f ? f->kinds[0] : Col::Text));
            ++col;
          }
        }
        if (auto c = s_->drop_claims(l.entity, json::encode(Value(pk))); !c) return c.error();
        if (feeds_tags && !r.empty()) {
          if (auto t = s_->sync_tags(l.entity, from_cql(r[0], Col::Uuid).as_string(), nullptr); !t) return t.error();
        }
        ++purged;
      }
    }
    return purged;
  }

  MigrationStore* migrations() override { return this; }

  Result<std::optional<std::vector<MigrationState>>> schema_state() override {
    auto exists = table_exists("schema_meta");
    if (!exists) return exists.error();
    if (!*exists) return std::optional<std::vector<MigrationState>>();
    auto rows = s_->run("SELECT subsystem, executed, pending FROM schema_meta WHERE key = ?",
                        {cql::Value::text("schema_meta")}, s_->reads());
    if (!rows) return rows.error();
    // An emptied schema_meta (TRUNCATE) records nothing: the keyspace needs a bootstrap.
    if (rows->rows.empty()) return std::optional<std::vector<MigrationState>>();
    std::vector<MigrationState> out;
    for (const auto& r : rows->rows) {
      MigrationState st;
      if (r[0].kind() == cql::Value::Kind::Text) st.subsystem = r[0].as_text();
      for (auto [col, list] : {std::pair{1, &st.executed}, std::pair{2, &st.pending}}) {
        if (r[col].kind() != cql::Value::Kind::Set) continue;
        for (const auto& item : r[col].items()) list->push_back(item.as_text());
      }
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
        if (!s || model::is_tags_index(*s)) continue;  // the tags table is bookkeeping (see ensure_meta)
        if (auto r = ddl(create_table_cql(make_layout(*s))); !r) return r;
      }
      return record(subsystem, migration, has_teardown ? Record::Pending : Record::Executed);
    });
  }

  // A plugin's own `cassandra = { up = [[ ... ]] }`, as Kong ran it: statement by statement,
  // answers meaning "already done" ignored so that a rerun completes a partial one. The
  // migration's entities get their tables from their schemas first, in this backend's layout:
  // the plugin's CREATE TABLE IF NOT EXISTS for them is then a no-op, and its indexes and
  // ALTERs apply to the columns the layout shares with Kong's.
  Result<void> run_up_sql(const std::string& subsystem, const std::string& migration, const std::string& cql,
                          const std::vector<const schema::Schema*>& schemas, bool has_teardown) override {
    return migration_step([&]() -> Result<void> {
      for (const schema::Schema* s : schemas) {
        if (!s || model::is_tags_index(*s)) continue;
        if (auto r = ddl(create_table_cql(make_layout(*s))); !r) return r;
      }
      if (auto r = execute_sql(cql); !r) return r;
      return record(subsystem, migration, has_teardown ? Record::Pending : Record::Executed);
    });
  }

  Result<void> execute_sql(const std::string& cql) override {
    for (const auto& stmt : statements_of(cql)) {
      auto r = s_->session->query(stmt, {}, s_->schema_changes());
      if (!r && !already_applied(r.error())) return db_error(r.error());
      if (r && !r->schema_in_agreement) return db_error("the nodes did not agree on the schema after: " + stmt);
    }
    return {};
  }

  Result<void> run_teardown(const std::string& subsystem, const std::string& migration) override {
    return migration_step([&] { return record(subsystem, migration, Record::Teardown); });
  }

  // As `kong migrations reset` on Cassandra: the whole keyspace goes.
  Result<void> reset() override {
    auto r = s_->session->query("DROP KEYSPACE IF EXISTS " + ident(s_->options.keyspace), {}, s_->schema_changes());
    if (!r) return db_error(r.error());
    keyspace_ready_ = false;
    return {};
  }

 private:
  enum class Record { Executed, Pending, Teardown };

  Result<void> ddl(const std::string& stmt) {
    auto r = s_->session->query(stmt, {}, s_->schema_changes());
    if (!r) return db_error(r.error());
    if (!r->schema_in_agreement) return db_error("the nodes did not agree on the schema after: " + stmt);
    return {};
  }

  Result<bool> table_exists(const std::string& table) {
    auto r = s_->run("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
                     {cql::Value::text(s_->options.keyspace), cql::Value::text(table)}, s_->reads());
    if (!r) return r.error();
    return !r->rows.empty();
  }

  std::string replication() const {
    const auto& o = s_->options;
    if (o.repl_strategy == "NetworkTopologyStrategy") {
      std::string out = "{'class': 'NetworkTopologyStrategy'";
      size_t start = 0;
      while (start <= o.data_centers.size()) {
        size_t comma = o.data_centers.find(',', start);
        std::string dc = o.data_centers.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        auto colon = dc.find(':');
        if (colon != std::string::npos) out += ", '" + dc.substr(0, colon) + "': " + dc.substr(colon + 1);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return out + "}";
    }
    return "{'class': 'SimpleStrategy', 'replication_factor': " + std::to_string(o.repl_factor) + "}";
  }

  // The keyspace and the bookkeeping tables: schema_meta as Kong's, the locks, the unique
  // claims and the tags table.
  Result<void> ensure_meta() {
    if (!keyspace_ready_) {
      if (auto r = ddl("CREATE KEYSPACE IF NOT EXISTS " + ident(s_->options.keyspace) + " WITH replication = " +
                       replication());
          !r) {
        return r;
      }
      auto used = s_->session->set_keyspace(s_->options.keyspace);
      if (!used) return db_error(used.error());
      for (const std::string& stmt : {
               std::string("CREATE TABLE IF NOT EXISTS schema_meta (key text, subsystem text, last_executed text, "
                           "executed set<text>, pending set<text>, PRIMARY KEY (key, subsystem))"),
               "CREATE TABLE IF NOT EXISTS " + std::string(kLocksTable) + " (key text PRIMARY KEY, owner text)",
               "CREATE TABLE IF NOT EXISTS " + std::string(kClaimsTable) +
                   " (claim text PRIMARY KEY, entity text, owner text)",
               "CREATE TABLE IF NOT EXISTS " + std::string(model::kTagsTable) +
                   " (partition text, entity_id text, entity_name text, tags text, PRIMARY KEY (partition, entity_id))"}) {
        if (auto r = ddl(stmt); !r) return r;
      }
      keyspace_ready_ = true;
    }
    return {};
  }

  // Kong's cluster mutex for migrations: a row in `locks` taken with INSERT ... IF NOT EXISTS
  // USING TTL (a crashed holder's lock lapses), released with DELETE ... IF owner = me.
  template <class Body>
  Result<void> migration_step(Body body) {
    if (auto r = ensure_meta(); !r) return r;
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const std::string me = std::to_string(rng());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    cql::QueryOptions lwt = s_->writes();
    for (;;) {
      auto r = s_->run("INSERT INTO " + std::string(kLocksTable) + " (key, owner) VALUES (?, ?) IF NOT EXISTS USING TTL 60",
                       {cql::Value::text("migrations"), cql::Value::text(me)}, lwt);
      if (!r) return r.error();
      if (r->applied() != false) break;
      if (std::chrono::steady_clock::now() > deadline) return db_error("timeout waiting for the migrations lock");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    Result<void> out = body();
    auto released = s_->run("DELETE FROM " + std::string(kLocksTable) + " WHERE key = ? IF owner = ?",
                            {cql::Value::text("migrations"), cql::Value::text(me)}, lwt);
    if (out && !released) return released.error();
    return out;
  }

  // Kong's record_migration: executed / pending / teardown (pending -> executed).
  Result<void> record(const std::string& subsystem, const std::string& migration, Record how) {
    const cql::Value one = cql::Value::set({cql::Value::text(migration)});
    std::string q;
    if (how == Record::Pending) {
      q = "UPDATE schema_meta SET last_executed = ?, pending = pending + ? WHERE key = ? AND subsystem = ?";
    } else {
      q = "UPDATE schema_meta SET last_executed = ?, executed = executed + ?, pending = pending - ? WHERE key = ? AND subsystem = ?";
    }
    std::vector<cql::Value> binds{cql::Value::text(migration), one};
    if (how != Record::Pending) binds.push_back(one);
    binds.push_back(cql::Value::text("schema_meta"));
    binds.push_back(cql::Value::text(subsystem));
    auto r = s_->run(q, std::move(binds), s_->writes());
    if (!r) return r.error();
    return {};
  }

  std::shared_ptr<Shared> s_;
  bool keyspace_ready_ = false;
};

Result<cql::Consistency> consistency(const std::string& name, const char* setting) {
  auto c = cql::parse_consistency(name);
  if (!c) return db_error(std::string(setting) + " is not a consistency level: '" + name + "'");
  return *c;
}

}  // namespace
}  // namespace cassandra

Result<std::unique_ptr<Connector>> open_cassandra(const CassandraOptions& opts) {
  using namespace cassandra;
  auto shared = std::make_shared<Shared>();
  shared->options = opts;
  shared->clock = opts.clock ? opts.clock : &system_clock();
  auto read = consistency(opts.read_consistency, "cassandra_read_consistency");
  if (!read) return read.error();
  auto write = consistency(opts.write_consistency, "cassandra_write_consistency");
  if (!write) return write.error();
  auto serial = consistency(opts.serial_consistency, "serial consistency");
  if (!serial) return serial.error();
  shared->read = *read;
  shared->write = *write;
  shared->serial = *serial;

  cql::SessionConfig config;
  config.contact_points = opts.contact_points;
  config.port = static_cast<uint16_t>(opts.port);
  config.username = opts.username;
  config.password = opts.password;
  config.tls = opts.ssl;
  config.tls_verify = opts.ssl_verify;
  config.consistency = *write;
  config.serial_consistency = *serial;
  config.connect_timeout = std::chrono::milliseconds(opts.timeout_ms);
  config.request_timeout = std::chrono::milliseconds(opts.timeout_ms);
  config.schema_agreement_timeout = std::chrono::milliseconds(opts.schema_consensus_timeout_ms);
  auto session = cql::Session::connect(std::move(config));
  if (!session) return db_error(session.error());
  shared->session = std::move(*session);
  // An existing keyspace is used at once; a missing one is created by the migrations.
  auto ks = shared->run("SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?",
                        {cql::Value::text(opts.keyspace)}, shared->reads());
  if (!ks) return ks.error();
  if (!ks->rows.empty()) {
    if (auto used = shared->session->set_keyspace(opts.keyspace); !used) return db_error(used.error());
  }
  return std::unique_ptr<Connector>(std::make_unique<CassandraConnector>(std::move(shared)));
}

}  // namespace kongdb::strategy
