// The DAO conformance suite over the embedded SQLite strategy.
#include <memory>
#include <string>

#include "conformance/dao_conformance.h"
#include "kongdb/strategy/sqlite.h"

namespace kongdb::conformance {
namespace {

StrategyFactory sqlite_factory() {
  return StrategyFactory{
      "sqlite", [](Clock& clock, const std::string& tmpdir) -> Result<std::unique_ptr<strategy::Connector>> {
        strategy::SqliteOptions opts;
        opts.path = tmpdir + "/kong.db";
        opts.clock = &clock;
        return strategy::open_sqlite(opts);
      }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, DaoConformance, ::testing::Values(sqlite_factory()), StrategyFactoryName);

}  // namespace
}  // namespace kongdb::conformance
