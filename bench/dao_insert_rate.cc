// The DAO's consumer insert rate, one insert per transaction as POST /consumers does it, on
// the database the KONG_* environment configures (the same one `kongdb start` would open).
// Opened through the composition root, as `kongdb start` opens it; built (CMake target
// dao_insert_rate) and run by scripts/bench_admin.sh, so the Admin API's POST rate has its baseline in the
// same run.
//   dao_insert_rate SECONDS PREFIX   ->   "dao_inserts_per_second 1234.5"
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "kongdb/app/open.h"
#include "kongdb/config/config.h"
#include "kongdb/dao/db.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: dao_insert_rate SECONDS PREFIX\n";
    return 1;
  }
  const double seconds = std::atof(argv[1]);
  const std::string prefix = argv[2];
  auto config = kongdb::Config::load("");
  if (!config) {
    std::cerr << config.error() << "\n";
    return 1;
  }
  std::ostringstream log;
  auto db = kongdb::app::open_db(*config, log);
  if (!db) {
    std::cerr << db.error() << "\n";
    return 1;
  }
  kongdb::dao::DAO* consumers = (*db)->dao("consumers");
  if (!consumers) {
    std::cerr << "no consumers DAO\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  long long inserted = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    for (int batch = 0; batch < 100; ++batch) {
      auto r = consumers->insert(kongdb::Value::object(
          {{"username", prefix + "-" + std::to_string(inserted)}}));
      if (!r) {
        std::cerr << r.error().to_string() << "\n";
        return 1;
      }
      ++inserted;
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "dao_inserts_per_second " << static_cast<double>(inserted) / elapsed << "\n";
  return 0;
}
