// Cassandra across two nodes (scripts/with_cassandra.sh with CASSANDRA_NODES=2): uniqueness holds
// for writers on different nodes because unique values are claimed with lightweight
// transactions, not checked by a read first as Kong 2.x did. Skipped with one node or none.
// Written for kongdb.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <latch>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kongdb/core/error.h"
#include "kongdb/core/ids.h"
#include "kongdb/dao/db.h"
#include "kongdb/migrations/migrations.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/cassandra.h"

using namespace kongdb;

namespace {

std::vector<std::string> contact_points() {
  std::vector<std::string> out;
  const char* env = std::getenv("KONG_CASSANDRA_CONTACT_POINTS");
  std::stringstream in(env ? env : "");
  for (std::string p; std::getline(in, p, ',');) {
    if (!p.empty()) out.push_back(p);
  }
  return out;
}

strategy::CassandraOptions options_for(const std::string& node, const std::string& keyspace) {
  strategy::CassandraOptions o;
  o.contact_points = {node};
  if (const char* port = std::getenv("KONG_CASSANDRA_PORT")) o.port = std::atoi(port);
  o.keyspace = keyspace;
  o.repl_factor = 2;  // every row on both nodes
  o.read_consistency = o.write_consistency = "QUORUM";
  o.timeout_ms = 30000;
  o.schema_consensus_timeout_ms = 30000;
  return o;
}

TEST(CassandraStrategyTwoNodes, OneHundredConcurrentInsertsOfOneNameOverBothNodesHaveExactlyOneWinner) {
  const auto nodes = contact_points();
  if (nodes.size() < 2) GTEST_SKIP() << "needs two nodes (CASSANDRA_NODES=2 scripts/with_cassandra.sh)";
  const std::string keyspace = "kongdb_two_nodes_" + std::to_string(::getpid());
  auto registry = std::make_shared<schema::EntityRegistry>(schema::EntityRegistry::with_core_entities());

  {
    auto conn = strategy::open_cassandra(options_for(nodes[0], keyspace));
    ASSERT_TRUE(conn) << conn.error().to_string();
    std::ostringstream log;
    auto boot = migrations::Runner(**conn, *registry).bootstrap(log);
    ASSERT_TRUE(boot) << boot.error() << "\n" << log.str();
  }

  // One DB per writer (each its own session), half of them talking to each node only.
  constexpr int kWriters = 100;
  std::vector<std::unique_ptr<dao::DB>> dbs;
  for (int i = 0; i < kWriters; ++i) {
    auto conn = strategy::open_cassandra(options_for(nodes[static_cast<size_t>(i) % 2], keyspace));
    ASSERT_TRUE(conn) << conn.error().to_string();
    auto db = dao::DB::create(std::move(*conn), registry);
    ASSERT_TRUE(db) << db.error().to_string();
    dbs.push_back(std::move(*db));
  }

  std::atomic<int> won{0}, refused{0}, other{0};
  std::latch start(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = dbs[static_cast<size_t>(i)]->dao("services")->insert(
          Value::object({{"name", "contended"}, {"host", "example.com"}}));
      if (r) {
        ++won;
      } else if (r.error().code == ErrorCode::UniqueViolation) {
        ++refused;
      } else {
        ++other;
        ADD_FAILURE() << r.error().to_string();
      }
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), kWriters - 1);
  EXPECT_EQ(other.load(), 0);

  // Both nodes see the one row.
  for (size_t n = 0; n < 2; ++n) {
    auto page = dbs[n]->dao("services")->page(100, std::nullopt);
    ASSERT_TRUE(page) << page.error().to_string();
    EXPECT_EQ(page->rows.size(), 1u) << "node " << nodes[n];
  }
  dbs.resize(1);
  auto conn = strategy::open_cassandra(options_for(nodes[0], keyspace));
  ASSERT_TRUE(conn);
  EXPECT_TRUE((*conn)->migrations()->reset());
}

}  // namespace
