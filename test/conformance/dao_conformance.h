// The DAO conformance suite: Kong's DAO behaviour (kong/db/dao/init.lua and the integration specs
// in spec/02-integration/03-db) written once, as parameterised tests every strategy must pass.
//
// The suite runs once per entry of conformance::backends() (backends.h); a backend that cannot
// run here is skipped at set-up with its reason.
//
// Nothing in the cases is backend-specific; a case a backend cannot pass is skipped with a reason.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "conformance/backends.h"
#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/dao/dao.h"
#include "kongdb/dao/db.h"
#include "kongdb/schema/registry.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::conformance {

/// Start of the fixed clock every case runs on (2023-11-14T22:13:20Z).
inline constexpr double kConformanceEpoch = 1700000000.0;

class DaoConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// The DAO of an entity; fails the test when it does not exist.
  dao::DAO& dao(std::string_view name);
  /// Inserts `entity` (JSON text or Value) and returns the stored entity; fails the test on error.
  Value insert_ok(std::string_view entity_name, const Value& entity, const Value& options = {});
  /// Rows of `entity_name` visible to page() (expired ttl rows excluded), across all pages.
  int64_t count(std::string_view entity_name);

  FixedClock clock{kConformanceEpoch};
  SequentialIds ids;
  std::string tmpdir;
  std::shared_ptr<schema::EntityRegistry> registry;
  std::unique_ptr<dao::DB> db;
  /// Every CRUD event posted since SetUp, in order.
  std::vector<dao::CrudEvent> events;
};

/// JSON text to Value; aborts the test binary on malformed text (a bug in the test itself).
Value J(std::string_view json_text);

/// Entity used only by the suite: a field that is immutable, for update's immutability check.
/// Created by the migrations runner with the core entities.
inline constexpr const char* kNotesEntity = "conformance_notes";

}  // namespace kongdb::conformance
