// The in-process backend: every entity's rows in memory, for tests, embedding and (later) the
// DB-less mode. Data is lost when the connector is destroyed or the process exits.
//
//   auto conn = kongdb::strategy::open_memory({});
//   auto db = kongdb::dao::DB::create(std::move(*conn), registry);  // no migrations to run
//
// It declares none of the Capabilities (no transactions, no foreign keys, no unique
// constraints): the DAO enforces all three, through Strategy::claim_unique for uniques.
// Many readers and one writer at a time; each read sees one consistent state of the store.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::strategy {

struct MemoryOptions {
  /// Expiry clock for ttl rows; nullptr means system_clock().
  Clock* clock = nullptr;
  /// Failure injection for tests: runs before every row write of an entity (operation
  /// "insert", "update", "upsert" or "delete"); an error fails that write, changing nothing.
  /// It runs under the store's write lock, so it must not use the store itself.
  std::function<Result<void>(std::string_view entity, std::string_view operation)> before_write;
};

/// A new, empty store. Its tables exist as soon as strategy_for is called (migrations() is
/// nullptr: there is nothing to migrate).
Result<std::unique_ptr<Connector>> open_memory(const MemoryOptions& opts = {});

/// A connector onto the one store of this process (created on first use, system clock), so
/// that every connector a process opens (one per Admin API worker) sees the same rows.
Result<std::unique_ptr<Connector>> open_process_memory();

}  // namespace kongdb::strategy
