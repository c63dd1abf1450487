// Prepared writes and reads through kongdb's CQL client with a fixed number of requests in
// flight on one session; bench/cql_bench.py does the same with the Python cassandra-driver.
// Needs a node: scripts/bench_cql.sh runs both against the same node in one run.
//   cql_bench [requests=20000] [in_flight=64]
// Prints one line per phase: "kongdb-cql <phase> <requests> requests <seconds> s <ops/s> ops/s".
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <string>

#include "kongdb/cql/session.h"

using namespace kongdb::cql;

namespace {

struct Phase {
  Session& session;
  Prepared statement;
  int requests;
  int in_flight;
  bool write;

  std::mutex mutex;
  std::condition_variable cv;
  int issued = 0;
  int completed = 0;
  int failed = 0;
  std::string first_error;

  std::vector<Value> values(int i) const {
    if (write) return {Value::int32(i), Value::text("value-" + std::to_string(i))};
    return {Value::int32(i)};
  }

  // Called on the session's I/O thread for each answer: issues the next request.
  void issue_next() {
    int i;
    {
      std::lock_guard lock(mutex);
      if (issued >= requests) return;
      i = issued++;
    }
    session.execute_async(statement, values(i), [this](Result<QueryResult> r) {
      bool last;
      {
        std::lock_guard lock(mutex);
        ++completed;
        if (!r || (!write && r->size() != 1)) {
          ++failed;
          if (first_error.empty()) first_error = r ? "row missing" : r.error().to_string();
        }
        last = completed == requests;
        if (last) cv.notify_one();
      }
      if (!last) issue_next();  // after the last answer the phase may already be gone
    });
  }

  double run() {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < in_flight; ++i) issue_next();
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return completed == requests; });
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int in_flight = argc > 2 ? std::atoi(argv[2]) : 64;
  SessionConfig config;
  config.contact_points.clear();
  std::stringstream points(std::getenv("KONG_CASSANDRA_CONTACT_POINTS") ? std::getenv("KONG_CASSANDRA_CONTACT_POINTS")
                                                                        : "127.0.0.1");
  for (std::string p; std::getline(points, p, ',');) config.contact_points.push_back(p);
  if (const char* port = std::getenv("KONG_CASSANDRA_PORT")) config.port = static_cast<uint16_t>(std::atoi(port));
  config.request_timeout = std::chrono::milliseconds(30000);
  auto s = Session::connect(config);
  if (!s) {
    std::fprintf(stderr, "connect: %s\n", s.error().to_string().c_str());
    return 1;
  }
  Session& session = **s;
  const std::string ks = "bench_cql";
  for (const std::string& ddl :
       {"CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE IF NOT EXISTS " + ks + ".kv_cpp (id int PRIMARY KEY, v text)"}) {
    if (auto r = session.query(ddl); !r) {
      std::fprintf(stderr, "%s: %s\n", ddl.c_str(), r.error().to_string().c_str());
      return 1;
    }
  }
  auto insert = session.prepare("INSERT INTO " + ks + ".kv_cpp (id, v) VALUES (?, ?)");
  auto select = session.prepare("SELECT id, v FROM " + ks + ".kv_cpp WHERE id = ?");
  if (!insert || !select) {
    std::fprintf(stderr, "prepare failed\n");
    return 1;
  }
  for (bool write : {true, false}) {
    Phase phase{session, write ? *insert : *select, requests, in_flight, write};
    double seconds = phase.run();
    if (phase.failed) {
      std::fprintf(stderr, "%d failed, first: %s\n", phase.failed, phase.first_error.c_str());
      return 1;
    }
    std::printf("kongdb-cql %s %d requests %.3f s %.0f ops/s (%d in flight)\n", write ? "write" : "read",
                requests, seconds, requests / seconds, in_flight);
    std::fflush(stdout);
  }
  return 0;
}
