// What only the PostgreSQL strategy does, driven directly through open_postgres (no DAO): Kong's
// column types, database errors, reconnects, concurrent unique writes, transactions, the read
// replica. Behaviour every backend shares is in strategy_conformance_test.cc. Needs a server
// (run through scripts/with_postgres.sh); skipped otherwise. Written for kongdb.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <libpq-fe.h>

#include "kongdb/core/ids.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/postgres.h"
#include "unit/strategy/strategy_schemas.h"

using namespace kongdb;
using namespace kongdb::strategy;
using schema::Field;
using schema::Schema;
using strategy::testing::id_of;
using strategy::testing::uuid_n;

namespace {

// Read before main(): other suites in this binary (config) clear KONG_* variables.
const std::map<std::string, std::string> kEnv = [] {
  std::map<std::string, std::string> m;
  for (const char* name : {"KONG_PG_HOST", "KONG_PG_PORT", "KONG_PG_USER", "KONG_PG_PASSWORD",
                           "KONG_PG_DATABASE", "KONGDB_PG_STOP", "KONGDB_PG_START",
                           "KONGDB_PG_REPLICA_PORT"}) {
    if (const char* v = std::getenv(name); v && *v) m[name] = v;
  }
  return m;
}();

const char* env(const char* name) {
  auto it = kEnv.find(name);
  return it == kEnv.end() ? nullptr : it->second.c_str();
}

constexpr const char* kWs = "11111111-1111-4111-8111-111111111111";

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!env("KONG_PG_HOST")) GTEST_SKIP() << "KONG_PG_HOST is not set (run through scripts/with_postgres.sh)";
    static std::atomic<int> counter{0};
    schema_ = "kongdb_unit_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);

    parents_ = strategy::testing::parents_schema();
    parents_.fields.insert(parents_.fields.begin() + 1, {"created_at", Field::integer().timestamp()});
    cascade_ = strategy::testing::child_schema("cascades", "cascade", parents_);
    restrict_ = strategy::testing::child_schema("restricts", nullptr, parents_);
    cascade_.cache_key = {"parent", "label"};
    tokens_ = strategy::testing::tokens_schema();

    conn_ = open(8);
    ASSERT_TRUE(conn_);
    ASSERT_TRUE(conn_->migrations()->reset());
    ASSERT_TRUE(conn_->migrations()->bootstrap_meta());
    ASSERT_TRUE(conn_->migrations()->run_up("core", "000_base", {&parents_, &cascade_, &restrict_}, false));
    ASSERT_TRUE(conn_->migrations()->run_up("core", "001_tokens", {&tokens_}, true));
    parents_s_ = strategy_for(parents_);
    cascade_s_ = strategy_for(cascade_);
    restrict_s_ = strategy_for(restrict_);
    tokens_s_ = strategy_for(tokens_);
  }

  std::unique_ptr<Connector> open(int pool_size, int replica_port = 0) {
    PostgresOptions opts;
    if (replica_port > 0) {
      opts.ro_host = env("KONG_PG_HOST");
      opts.ro_port = replica_port;
    }
    opts.host = env("KONG_PG_HOST");
    if (const char* port = env("KONG_PG_PORT")) opts.port = std::atoi(port);
    if (const char* user = env("KONG_PG_USER")) opts.user = user;
    if (const char* db = env("KONG_PG_DATABASE")) opts.database = db;
    opts.schema = schema_;
    opts.pool_size = pool_size;
    opts.clock = &clock_;
    auto c = open_postgres(opts);
    EXPECT_TRUE(c) << (c ? "" : c.error().to_string());
    return c ? std::move(*c) : nullptr;
  }

  std::unique_ptr<Strategy> strategy_for(const Schema& s) {
    auto st = conn_->strategy_for(s);
    EXPECT_TRUE(st) << (st ? "" : st.error().to_string());
    return st ? std::move(*st) : nullptr;
  }

  Value parent(int n, const std::string& name) {
    return Value::object({{"id", uuid_n(n)}, {"created_at", 1700000000}, {"name", name},
                          {"port", 80}, {"weight", 1.5}, {"enabled", true},
                          {"tags", Value::array({"a", "b"})}, {"meta", Value::object({{"a", "x"}})}});
  }
  Value kid(int n, int parent_n, const std::string& label) {
    return Value::object({{"id", uuid_n(n)}, {"parent", id_of(uuid_n(parent_n))}, {"label", label}});
  }
  QueryOptions ws() const {
    QueryOptions o;
    o.ws_id = kWs;
    return o;
  }

  FixedClock clock_{1700000000.0};
  std::string schema_;
  Schema parents_, cascade_, restrict_, tokens_;
  std::unique_ptr<Connector> conn_;
  std::unique_ptr<Strategy> parents_s_, cascade_s_, restrict_s_, tokens_s_;
};

TEST_F(PostgresTest, RowsRoundTripWithKongsTypes) {
  auto r = parents_s_->insert(parent(1, "p1"), ws());
  ASSERT_TRUE(r) << r.error().to_string();
  auto got = parents_s_->select(id_of(uuid_n(1)), ws());
  ASSERT_TRUE(got && *got);
  Value want = parent(1, "p1");
  want.as_object().set("ws_id", kWs);
  EXPECT_EQ(**got, want);
  EXPECT_EQ(**got, *r);
}

TEST_F(PostgresTest, OtherFailuresAreDatabaseErrors) {
  // A value Postgres refuses (not an integer) is a DATABASE_ERROR, never a crash or a splice.
  Value p = parent(1, "p");
  p.as_object().set("port", "80; DROP TABLE parents");
  auto r = parents_s_->insert(p, ws());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::DatabaseError);
  EXPECT_EQ(r.error().strategy, "postgres");
  EXPECT_TRUE(parents_s_->page(10, std::nullopt, ws()));
}

TEST_F(PostgresTest, SqlMetacharactersRoundTrip) {
  const std::vector<std::string> nasty = {"'; DROP TABLE parents; --", "\"q\" \\ \\\\ $1 $$x$$",
                                          "{a,b}", "NULL", "100% _", "line\nbreak", "unicod\xc3\xa9"};
  for (size_t i = 0; i < nasty.size(); ++i) {
    Value p = parent(static_cast<int>(i) + 1, nasty[i]);
    p.as_object().set("tags", Value::array({nasty[i], ""}));
    p.as_object().set("meta", Value::object({{"a", nasty[i]}}));
    ASSERT_TRUE(parents_s_->insert(p, ws())) << i;
    auto got = parents_s_->select_by_field("name", Value(nasty[i]), ws());
    ASSERT_TRUE(got && *got) << i;
    EXPECT_EQ(*(*got)->find("name"), Value(nasty[i]));
    EXPECT_EQ(*(*got)->find("tags"), Value::array({nasty[i], ""}));
    EXPECT_EQ(*(*got)->find("meta"), Value::object({{"a", nasty[i]}}));
    QueryOptions o = ws();
    o.tags = TagsFilter{{nasty[i]}, TagsCond::And};
    EXPECT_EQ(parents_s_->page(100, std::nullopt, o)->rows.size(), 1u) << i;
  }
  // A NUL cannot travel as a text parameter: refused, not truncated.
  auto nul = parents_s_->insert(parent(50, std::string("a\0b", 3)), ws());
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().code, ErrorCode::DatabaseError);
}

TEST_F(PostgresTest, FailedTransactionLeavesNothing) {
  auto r = conn_->transaction([&]() -> Result<void> {
    if (auto a = parents_s_->insert(parent(1, "a"), ws()); !a) return a.error();
    auto b = parents_s_->insert(parent(2, "a"), ws());  // unique violation
    EXPECT_FALSE(b);
    if (!b) return b.error();
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::UniqueViolation);
  EXPECT_TRUE(parents_s_->page(10, std::nullopt, ws())->rows.empty());

  // Nested: the inner failure rolls back to its savepoint, the outer commits.
  auto ok = conn_->transaction([&]() -> Result<void> {
    if (auto a = parents_s_->insert(parent(1, "a"), ws()); !a) return a.error();
    auto inner = conn_->transaction([&]() -> Result<void> {
      if (auto b = parents_s_->insert(parent(2, "b"), ws()); !b) return b.error();
      return errors::database_error("abort inner");
    });
    EXPECT_FALSE(inner);
    return {};
  });
  ASSERT_TRUE(ok) << ok.error().to_string();
  auto rows = parents_s_->page(10, std::nullopt, ws());
  ASSERT_EQ(rows->rows.size(), 1u);
  EXPECT_EQ(*rows->rows[0].find("name"), Value("a"));
}

TEST_F(PostgresTest, ConcurrentInsertsOfOneUniqueNameHaveOneWinner) {
  constexpr int kThreads = 50;
  auto many = open(kThreads);
  ASSERT_TRUE(many);
  auto st = many->strategy_for(parents_);
  ASSERT_TRUE(st);
  Strategy* s = st->get();
  std::atomic<int> wins{0}, unique{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto r = s->insert(parent(100 + i, "contended"), ws());
      if (r) {
        ++wins;
      } else if (r.error().code == ErrorCode::UniqueViolation) {
        ++unique;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(unique.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(PostgresTest, ConcurrentMigrationsAreSerialised) {
  // Two processes' worth of connectors bootstrapping the same schema at once.
  auto a = open(1), b = open(1);
  Schema extra = tokens_;
  extra.name = "extras";
  std::atomic<int> failures{0};
  auto run = [&](Connector* c) {
    MigrationStore& m = *c->migrations();
    if (!m.bootstrap_meta() || !m.run_up("core", "002_extras", {&extra}, false)) ++failures;
  };
  std::thread t1(run, a.get()), t2(run, b.get());
  t1.join();
  t2.join();
  EXPECT_EQ(failures.load(), 0);
  auto state = conn_->migrations()->schema_state();
  ASSERT_TRUE(state && *state);
  ASSERT_EQ((*state)->size(), 1u);
  EXPECT_EQ((**state)[0].executed, (std::vector<std::string>{"000_base", "002_extras"}));
  EXPECT_EQ((**state)[0].pending, (std::vector<std::string>{"001_tokens"}));
}

TEST_F(PostgresTest, ReconnectsAfterTheServerRestarts) {
  const char* stop = env("KONGDB_PG_STOP");
  const char* start = env("KONGDB_PG_START");
  if (!stop || !start) GTEST_SKIP() << "KONGDB_PG_STOP/START not set (scripts/with_postgres.sh sets them)";
  ASSERT_TRUE(parents_s_->insert(parent(1, "before"), ws()));
  ASSERT_EQ(std::system(stop), 0);
  auto down = parents_s_->select(id_of(uuid_n(1)), ws());
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::DatabaseError);
  EXPECT_EQ(down.error().strategy, "postgres");
  auto down_write = parents_s_->insert(parent(2, "while down"), ws());
  ASSERT_FALSE(down_write);
  EXPECT_EQ(down_write.error().code, ErrorCode::DatabaseError);
  ASSERT_EQ(std::system(start), 0);
  auto up = parents_s_->select(id_of(uuid_n(1)), ws());
  ASSERT_TRUE(up) << up.error().to_string();
  EXPECT_TRUE(*up);
  EXPECT_TRUE(parents_s_->insert(parent(3, "after"), ws()));
}

// A superuser session on the replica, to pause and resume its WAL replay.
class ReplicaControl {
 public:
  explicit ReplicaControl(int port) {
    std::string conninfo = std::string("host=") + env("KONG_PG_HOST") + " port=" + std::to_string(port) +
                           " user=postgres dbname=" + (env("KONG_PG_DATABASE") ? env("KONG_PG_DATABASE") : "kong");
    conn_ = PQconnectdb(conninfo.c_str());
  }
  ~ReplicaControl() {
    run("SELECT pg_wal_replay_resume()");
    PQfinish(conn_);
  }
  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  std::string run(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    std::string out = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return out;
  }
  // Replication is asynchronous: wait (bounded) until the replica has replayed what `ready` checks.
  template <class Pred>
  static bool eventually(Pred ready) {
    for (int i = 0; i < 300; ++i) {
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  PGconn* conn_;
};

TEST_F(PostgresTest, PlainReadsGoToTheReplicaWhileWritesAndTransactionsUseThePrimary) {
  const char* port = env("KONGDB_PG_REPLICA_PORT");
  if (!port) GTEST_SKIP() << "KONGDB_PG_REPLICA_PORT is not set (scripts/with_postgres.sh starts a replica)";
  ReplicaControl replica(std::atoi(port));
  ASSERT_TRUE(replica.ok());
  ASSERT_TRUE(ReplicaControl::eventually(
      [&] { return replica.run("SELECT to_regclass('" + schema_ + ".parents') IS NOT NULL") == "t"; }));

  auto conn = open(2, std::atoi(port));
  ASSERT_TRUE(conn);
  auto st = conn->strategy_for(parents_);
  ASSERT_TRUE(st);
  Strategy* parents = st->get();

  // With replay paused the replica cannot have the new row: a read that finds it used the primary.
  replica.run("SELECT pg_wal_replay_pause()");
  ASSERT_TRUE(ReplicaControl::eventually([&] { return replica.run("SELECT pg_get_wal_replay_pause_state()") == "paused"; }));
  auto inserted = parents->insert(parent(1, "fresh"), ws());
  ASSERT_TRUE(inserted) << inserted.error().to_string();

  auto plain = parents->select(id_of(uuid_n(1)), ws());
  ASSERT_TRUE(plain) << plain.error().to_string();
  EXPECT_FALSE(*plain) << "a plain read outside a transaction should have gone to the paused replica";

  bool seen_in_transaction = false;
  auto tx = conn->transaction([&]() -> Result<void> {
    auto r = parents->select(id_of(uuid_n(1)), ws());
    if (!r) return r.error();
    seen_in_transaction = r->has_value();
    return {};
  });
  ASSERT_TRUE(tx) << tx.error().to_string();
  EXPECT_TRUE(seen_in_transaction) << "reads inside a transaction belong on the primary";

  replica.run("SELECT pg_wal_replay_resume()");
  EXPECT_TRUE(ReplicaControl::eventually([&] {
    auto r = parents->select(id_of(uuid_n(1)), ws());
    return r && r->has_value();
  }));
}

}  // namespace
