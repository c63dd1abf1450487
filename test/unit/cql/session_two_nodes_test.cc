// Two real Cassandra nodes (CASSANDRA_NODES=2 scripts/with_cassandra.sh): one is stopped and
// started again through the commands the script exports. Skipped unless two nodes are up.
// These cases stop a node, so ctest runs them alone (RUN_SERIAL).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <thread>

#include "kongdb/cql/session.h"

namespace kongdb::cql {
namespace {

std::vector<std::string> contact_points() {
  std::vector<std::string> out;
  const char* env = std::getenv("KONG_CASSANDRA_CONTACT_POINTS");
  std::stringstream in(env ? env : "");
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Retries `f` until it succeeds or `attempts` run out (the cluster takes seconds to see a node
// leave or join); returns the last result.
template <class F>
auto eventually(F f, int attempts = 120) {
  auto r = f();
  for (int i = 1; i < attempts && !r; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    r = f();
  }
  return r;
}

TEST(CassandraTwoNodes, ServesWhatTheRemainingNodeCanWhenOneStopsAndReconnectsWhenItReturns) {
  const char* stop = std::getenv("KONGDB_CASSANDRA_STOP_2");
  const char* start = std::getenv("KONGDB_CASSANDRA_START_2");
  if (contact_points().size() < 2 || !stop || !start) {
    GTEST_SKIP() << "needs two nodes (CASSANDRA_NODES=2 scripts/with_cassandra.sh)";
  }
  SessionConfig config;
  config.contact_points = contact_points();
  config.port = static_cast<uint16_t>(std::atoi(std::getenv("KONG_CASSANDRA_PORT")));
  config.request_timeout = std::chrono::milliseconds(10000);
  config.schema_agreement_timeout = std::chrono::milliseconds(30000);
  config.max_reconnect_delay = std::chrono::milliseconds(1000);
  auto s = Session::connect(config);
  ASSERT_TRUE(s) << s.error().to_string();
  Session& session = **s;
  const std::string ks = "cql_two_" + std::to_string(getpid());
  auto created = session.query("CREATE KEYSPACE " + ks +
                               " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}");
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_TRUE(created->schema_in_agreement);
  auto table = session.query("CREATE TABLE " + ks + ".t (id int PRIMARY KEY, v text)");
  ASSERT_TRUE(table) << table.error().to_string();
  EXPECT_TRUE(table->schema_in_agreement);
  auto insert = session.prepare("INSERT INTO " + ks + ".t (id, v) VALUES (?, ?)");
  ASSERT_TRUE(insert) << insert.error().to_string();
  auto select = session.prepare("SELECT v FROM " + ks + ".t WHERE id = ?");
  ASSERT_TRUE(select) << select.error().to_string();
  QueryOptions all, one;
  all.consistency = Consistency::All;
  one.consistency = Consistency::One;
  // Written at ALL through whichever node coordinates, readable through each.
  for (int i = 0; i < 10; ++i) {
    auto w = session.execute(*insert, {Value::int32(i), Value::text("v")}, all);
    ASSERT_TRUE(w) << w.error().to_string();
  }

  ASSERT_EQ(std::system(stop), 0);
  // ONE is served by the remaining node: at most a request caught on a closing connection fails.
  int failed_reads = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = session.execute(*select, {Value::int32(i)}, one);
    if (!r || r->size() != 1) ++failed_reads;
  }
  EXPECT_LE(failed_reads, 1);
  EXPECT_FALSE(session.nodes()[1].up);
  // ALL cannot be served: an error from the server (never a hang past the timeout).
  auto blocked = eventually([&] {
    auto w = session.execute(*insert, {Value::int32(100), Value::text("v")}, all);
    return w ? Result<Error>(fail(ErrorCode::ServerError, "accepted")) : Result<Error>(w.error());
  });
  ASSERT_TRUE(blocked) << "a write at ALL succeeded with a node down";
  EXPECT_TRUE(blocked->code == ErrorCode::Unavailable || blocked->code == ErrorCode::WriteTimeout)
      << blocked->to_string();

  ASSERT_EQ(std::system(start), 0);
  // The session reconnects in the background, and ALL works again once the cluster sees the node.
  auto back = eventually([&]() -> Result<bool> {
    if (!session.nodes()[1].up) return fail(ErrorCode::NoHostAvailable, "node 2 not reconnected yet");
    return true;
  });
  EXPECT_TRUE(back) << back.error().to_string();
  auto healed = eventually([&] { return session.execute(*insert, {Value::int32(101), Value::text("v")}, all); });
  EXPECT_TRUE(healed) << healed.error().to_string();
  EXPECT_TRUE(session.query("DROP KEYSPACE " + ks));
}

}  // namespace
}  // namespace kongdb::cql
