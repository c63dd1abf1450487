// The backends the DAO conformance suite (and the suites that reuse this list) runs on: one
// list, each entry saying how to open a fresh, empty database and whether it can run here.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::conformance {

struct Backend {
  std::string name;
  /// Opens a fresh, empty database under `tmpdir` whose ttl expiry follows `clock`.
  std::function<Result<std::unique_ptr<strategy::Connector>>(Clock& clock, const std::string& tmpdir)> open;
  /// Why it cannot run here (nullopt: it can); its cases are skipped with this reason.
  std::optional<std::string> unavailable;
  /// Cases this backend cannot pass by design, by test name, with the reason.
  std::function<std::optional<std::string>(const std::string& test_name)> known_limit;
};

/// sqlite, postgres (available when KONG_PG_HOST is set: scripts/with_postgres.sh), memory and
/// cassandra (available when KONG_CASSANDRA_CONTACT_POINTS is set: scripts/with_cassandra.sh).
const std::vector<Backend>& backends();

inline void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

/// For INSTANTIATE_TEST_SUITE_P: names each instantiation after its backend.
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

}  // namespace kongdb::conformance
