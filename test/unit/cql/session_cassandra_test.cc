// The CQL client against a real Apache Cassandra 5.0.8 (scripts/with_cassandra.sh exports
// KONG_CASSANDRA_CONTACT_POINTS and KONG_CASSANDRA_PORT; without them every case is skipped).
// Each test works in its own keyspace, dropped at the end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <sstream>

#include "kongdb/cql/session.h"

namespace kongdb::cql {
namespace {

std::vector<std::string> contact_points() {
  std::vector<std::string> out;
  const char* env = std::getenv("KONG_CASSANDRA_CONTACT_POINTS");
  if (!env || !*env) return out;
  std::stringstream in(env);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

SessionConfig base_config() {
  SessionConfig config;
  config.contact_points = contact_points();
  if (const char* port = std::getenv("KONG_CASSANDRA_PORT")) config.port = static_cast<uint16_t>(std::atoi(port));
  config.request_timeout = std::chrono::milliseconds(20000);  // DDL on a busy 2-core machine
  config.schema_agreement_timeout = std::chrono::milliseconds(20000);
  return config;
}

class CassandraSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (contact_points().empty()) {
      GTEST_SKIP() << "KONG_CASSANDRA_CONTACT_POINTS is not set (run through scripts/with_cassandra.sh)";
    }
    auto s = Session::connect(base_config());
    ASSERT_TRUE(s) << s.error().to_string();
    session = std::move(*s);
    keyspace = "cql_test_" + std::to_string(getpid());
    ok(session->query("CREATE KEYSPACE IF NOT EXISTS " + keyspace +
                      " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"));
    ASSERT_TRUE(session->set_keyspace(keyspace));
  }

  void TearDown() override {
    if (session) (void)session->query("DROP KEYSPACE IF EXISTS " + keyspace);
  }

  QueryResult ok(Result<QueryResult> r) {
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? std::move(*r) : QueryResult{};
  }
  Prepared prepared(std::string_view cql) {
    auto p = session->prepare(cql);
    EXPECT_TRUE(p) << p.error().to_string();
    return p ? *p : nullptr;
  }

  std::unique_ptr<Session> session;
  std::string keyspace;
};

TEST_F(CassandraSessionTest, HandshakesAndReadsTheServerVersion) {
  QueryResult r = ok(session->query("SELECT release_version FROM system.local"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.get(0, "release_version")->as_text(), "5.0.8");
  auto nodes = session->nodes();
  ASSERT_FALSE(nodes.empty());
  EXPECT_TRUE(nodes[0].up);
}

TEST_F(CassandraSessionTest, CreatesATableAndTheNodesAgreeOnTheSchema) {
  QueryResult r = ok(session->query("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  EXPECT_EQ(r.kind, ResultKind::SchemaChange);
  ASSERT_TRUE(r.schema_change);
  EXPECT_EQ(r.schema_change->change_type, "CREATED");
  EXPECT_EQ(r.schema_change->target, "TABLE");
  EXPECT_EQ(r.schema_change->name, "t");
  EXPECT_TRUE(r.schema_in_agreement);
  EXPECT_TRUE(session->wait_for_schema_agreement());
}

TEST_F(CassandraSessionTest, PreparedInsertAndSelectRoundTripEveryType) {
  ok(session->query(
      "CREATE TABLE everything (id uuid PRIMARY KEY, at timestamp, name text, n int, big bigint, "
      "flag boolean, ratio double, data blob, names list<text>, tags set<text>, "
      "headers map<text, bigint>, missing text)"));
  Prepared insert = prepared(
      "INSERT INTO everything (id, at, name, n, big, flag, ratio, data, names, tags, headers, missing) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ASSERT_TRUE(insert);
  ASSERT_EQ(insert->bind_columns.size(), 12u);
  const Uuid id = *Uuid::parse("4ac3e9ff-2f02-4c55-8d13-2b0aa1dbe2f1");
  const std::vector<Value> row = {
      Value::uuid(id),
      Value::timestamp(1700000000123),
      Value::text("mockbin ✓"),
      Value::int32(-17),
      Value::int64(int64_t{1} << 40),
      Value::boolean(true),
      Value::float64(0.25),
      Value::blob(std::string("\0\1\2\xff", 4)),
      Value::list({Value::text("b"), Value::text("a"), Value::text("b")}),
      Value::set({Value::text("x"), Value::text("y")}),
      Value::map({{Value::text("k1"), Value::int64(1)}, {Value::text("k2"), Value::int64(-2)}}),
      Value::null(),
  };
  ok(session->execute(insert, row));
  Prepared select = prepared("SELECT id, at, name, n, big, flag, ratio, data, names, tags, headers, missing "
                             "FROM everything WHERE id = ?");
  // The uuid may also be bound as its text form.
  QueryResult r = ok(session->execute(select, {Value::text(id.to_string())}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.rows[0], row);
  EXPECT_EQ(r.metadata->columns[10].type.to_string(), "map<text, bigint>");

  // Unset leaves a column alone; an empty collection reads back as null.
  ok(session->execute(insert, {Value::uuid(id), Value::unset(), Value::unset(), Value::unset(),
                               Value::unset(), Value::unset(), Value::unset(), Value::unset(),
                               Value::unset(), Value::set({}), Value::unset(), Value::unset()}));
  QueryResult after = ok(session->execute(select, {Value::uuid(id)}));
  EXPECT_EQ(*after.get(0, "name"), Value::text("mockbin ✓"));
  EXPECT_TRUE(after.get(0, "tags")->is_null());
}

TEST_F(CassandraSessionTest, BindingAValueOfTheWrongTypeFailsBeforeSending) {
  ok(session->query("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  Prepared insert = prepared("INSERT INTO t (id, v) VALUES (?, ?)");
  auto r = session->execute(insert, {Value::text("one"), Value::text("x")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::InvalidValue);
  EXPECT_NE(r.error().message.find("bind marker 0 (id)"), std::string::npos);
}

TEST_F(CassandraSessionTest, PagesThroughMoreThanOnePage) {
  ok(session->query("CREATE TABLE pages (p int, c int, PRIMARY KEY (p, c))"));
  Prepared insert = prepared("INSERT INTO pages (p, c) VALUES (0, ?)");
  for (int i = 0; i < 25; ++i) ok(session->execute(insert, {Value::int32(i)}));
  Prepared select = prepared("SELECT c FROM pages WHERE p = 0");
  QueryOptions options;
  options.page_size = 10;
  std::vector<int64_t> seen;
  int pages = 0;
  do {
    QueryResult page = ok(session->execute(select, {}, options));
    ++pages;
    for (const Row& row : page.rows) seen.push_back(row[0].as_int64());
    options.paging_state = page.paging_state;
    if (pages > 5) break;
  } while (options.paging_state);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);

  options.paging_state = std::string("not a paging state");
  auto bad = session->execute(select, {}, options);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().code == ErrorCode::ProtocolError || bad.error().code == ErrorCode::Invalid)
      << bad.error().to_string();
}

TEST_F(CassandraSessionTest, InsertIfNotExistsAppliesOnceAndThenReturnsTheExistingRow) {
  ok(session->query("CREATE TABLE names (name text PRIMARY KEY, id int)"));
  Prepared claim = prepared("INSERT INTO names (name, id) VALUES (?, ?) IF NOT EXISTS");
  QueryOptions serial;
  serial.serial_consistency = Consistency::LocalSerial;
  QueryResult first = ok(session->execute(claim, {Value::text("example"), Value::int32(1)}, serial));
  EXPECT_EQ(first.applied(), true);
  QueryResult second = ok(session->execute(claim, {Value::text("example"), Value::int32(2)}, serial));
  EXPECT_EQ(second.applied(), false);
  EXPECT_EQ(*second.get(0, "id"), Value::int32(1));
  EXPECT_EQ(*second.get(0, "name"), Value::text("example"));
}

TEST_F(CassandraSessionTest, BatchesPreparedAndPlainStatements) {
  ok(session->query("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  Prepared insert = prepared("INSERT INTO t (id, v) VALUES (?, ?)");
  Batch batch;
  batch.add(insert, {Value::int32(1), Value::text("one")})
      .add(insert, {Value::int32(2), Value::text("two")})
      .add("INSERT INTO t (id, v) VALUES (3, 'three')");
  ok(session->batch(batch));
  QueryResult r = ok(session->query("SELECT id FROM t"));
  EXPECT_EQ(r.size(), 3u);

  Batch unlogged;
  unlogged.kind = BatchKind::Unlogged;
  unlogged.add("DELETE FROM t WHERE id = ?", {Value::int32(1)});
  ok(session->batch(unlogged));
  EXPECT_EQ(ok(session->query("SELECT id FROM t")).size(), 2u);
}

TEST_F(CassandraSessionTest, PreparesAgainWhenTheServerForgotTheStatement) {
  ok(session->query("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  Prepared insert = prepared("INSERT INTO t (id, v) VALUES (?, ?)");
  ok(session->execute(insert, {Value::int32(1), Value::text("before")}));
  // Dropping a table evicts the statements over it from the node's prepared cache: executing
  // the old id now answers UNPREPARED, which the session handles by preparing again.
  ok(session->query("DROP TABLE t"));
  ok(session->query("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  const uint64_t reprepared = session->metrics().reprepared;
  ok(session->execute(insert, {Value::int32(2), Value::text("after")}));
  EXPECT_EQ(session->metrics().reprepared, reprepared + 1);
  QueryResult r = ok(session->query("SELECT v FROM t WHERE id = 2"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(*r.get(0, "v"), Value::text("after"));
  Batch batch;
  batch.add(insert, {Value::int32(3), Value::text("batched")});
  ok(session->query("DROP TABLE t"));
  ok(session->query("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  ok(session->batch(batch));
  EXPECT_EQ(session->metrics().reprepared, reprepared + 2);
  EXPECT_EQ(ok(session->query("SELECT v FROM t WHERE id = 3")).size(), 1u);
}

TEST_F(CassandraSessionTest, FiveHundredConcurrentRequestsOnOneSession) {
  ok(session->query("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  Prepared insert = prepared("INSERT INTO t (id, v) VALUES (?, ?)");
  constexpr int kRequests = 500;
  std::mutex mutex;
  std::condition_variable done_cv;
  int done = 0;
  std::vector<std::string> failures;
  for (int i = 0; i < kRequests; ++i) {
    session->execute_async(insert, {Value::int32(i), Value::text("v" + std::to_string(i))},
                           [&](Result<QueryResult> r) {
                             std::lock_guard lock(mutex);
                             if (!r) failures.push_back(r.error().to_string());
                             ++done;
                             done_cv.notify_one();
                           });
  }
  {
    std::unique_lock lock(mutex);
    done_cv.wait(lock, [&] { return done == kRequests; });
  }
  EXPECT_TRUE(failures.empty()) << failures.front();
  QueryResult count = ok(session->query("SELECT count(*) FROM t"));
  EXPECT_EQ(*count.get(0, "count"), Value::int64(kRequests));
}

TEST_F(CassandraSessionTest, ServerErrorsComeBackWithTheirCodes) {
  auto syntax = session->query("SELEC nonsense");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, ErrorCode::SyntaxError);
  EXPECT_FALSE(syntax.error().node.empty());

  auto invalid = session->query("SELECT * FROM no_such_table");
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, ErrorCode::Invalid);
  EXPECT_NE(invalid.error().message.find("no_such_table"), std::string::npos);

  auto prepare = session->prepare("SELECT * FROM no_such_table WHERE id = ?");
  ASSERT_FALSE(prepare);
  EXPECT_EQ(prepare.error().code, ErrorCode::Invalid);

  auto exists = session->query("CREATE KEYSPACE " + keyspace +
                               " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  ASSERT_FALSE(exists);
  EXPECT_EQ(exists.error().code, ErrorCode::AlreadyExists);
  EXPECT_EQ(exists.error().keyspace, keyspace);
}

TEST_F(CassandraSessionTest, MoreReplicasThanNodesIsUnavailableWithDetails) {
  const std::string wide = keyspace + "_rf3";
  ok(session->query("CREATE KEYSPACE " + wide +
                    " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}"));
  ok(session->query("CREATE TABLE " + wide + ".t (id int PRIMARY KEY)"));
  QueryOptions all;
  all.consistency = Consistency::All;
  auto r = session->query("INSERT INTO " + wide + ".t (id) VALUES (1)", {}, all);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(r.error().consistency, Consistency::All);
  EXPECT_EQ(r.error().required, 3);
  EXPECT_GE(r.error().alive, 1);
  EXPECT_LT(r.error().alive, 3);
  ok(session->query("DROP KEYSPACE " + wide));
}

TEST_F(CassandraSessionTest, ARequestThatCannotFinishInTimeIsAClientTimeout) {
  ok(session->query("CREATE TABLE t (id int PRIMARY KEY, v text)"));
  // One millisecond is shorter than any round trip to the node.
  QueryOptions hurried;
  hurried.timeout = std::chrono::milliseconds(1);
  Prepared select = prepared("SELECT * FROM t");
  auto r = session->execute(select, {}, hurried);
  if (r) GTEST_SKIP() << "the node answered within 1 ms";
  EXPECT_EQ(r.error().code, ErrorCode::ClientTimeout) << r.error().to_string();
  EXPECT_EQ(session->metrics().client_timeouts, 1u);
  // The connection it was on is discarded; the session carries on.
  EXPECT_EQ(ok(session->execute(select)).size(), 0u);
}

TEST_F(CassandraSessionTest, WrongCredentialsOrKeyspaceFailToConnectWithTheServersReason) {
  SessionConfig config = base_config();
  config.keyspace = "no_such_keyspace_anywhere";
  auto s = Session::connect(config);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::Invalid) << s.error().to_string();
}

TEST_F(CassandraSessionTest, AnUnreachableContactPointIsSkipped) {
  SessionConfig config = base_config();
  config.contact_points.insert(config.contact_points.begin(), "127.0.0.1:1");
  config.keyspace = keyspace;
  auto s = Session::connect(config);
  ASSERT_TRUE(s) << s.error().to_string();
  for (int i = 0; i < 4; ++i) {
    auto r = (*s)->query("SELECT release_version FROM system.local");
    EXPECT_TRUE(r) << r.error().to_string();
  }
  auto nodes = (*s)->nodes();
  EXPECT_FALSE(nodes[0].up);
  EXPECT_NE(nodes[0].last_error.find("connect"), std::string::npos);
}

TEST(CassandraSession, NoReachableNodeIsNoHostAvailable) {
  SessionConfig config;
  config.contact_points = {"127.0.0.1:1", "127.0.0.1:2"};
  config.connect_timeout = std::chrono::milliseconds(2000);
  auto s = Session::connect(config);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::NoHostAvailable);
  EXPECT_NE(s.error().message.find("127.0.0.1:1"), std::string::npos);
  EXPECT_NE(s.error().message.find("127.0.0.1:2"), std::string::npos);
}

}  // namespace
}  // namespace kongdb::cql
