// What the DAO supplies for a backend that lacks a capability (strategy::Capabilities): unique
// values claimed through Strategy::claim_unique, and an undo log for backends without
// transactions. The write sequences using them, and what a crash can leave behind, are
// described at "Backends without transactions" in dao.cc.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/dao/dao.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::dao {
class DB;
}

namespace kongdb::dao::emulation {

/// Writes already applied, undone newest first when a later step of the same DAO operation
/// fails. An undo step that fails itself is skipped (the same state a crash would leave).
class UndoLog {
 public:
  void push(std::function<void()> step) { steps_.push_back(std::move(step)); }
  void roll_back();

 private:
  std::vector<std::function<void()>> steps_;
};

/// One unique value of a row and the fields Kong's UNIQUE_VIOLATION reports for it.
struct UniqueValue {
  strategy::UniqueKey key;
  Value shown;
};

/// The unique values `row` holds, in the order SQL backends report violations: each unique
/// field set to a value, then the composite cache_key. Per-workspace values belong to the
/// operation's workspace, else the row's ws_id, else the default workspace.
std::vector<UniqueValue> unique_values(const DAO& dao, const DB& db, const strategy::QueryOptions& q,
                                       const Value& row);

/// Claims each value for the row `owner` (its pk). A value held by another row fails with
/// Kong's UNIQUE_VIOLATION; on any failure the claims taken here are released first.
/// Successful claims are released again if `undo` rolls back.
Result<void> claim_all(DAO& dao, const std::vector<UniqueValue>& values, const Value& owner, UndoLog& undo);

/// Releases the values of `held` that are not among `kept` (the row changed or went away).
void release_unused(DAO& dao, const std::vector<UniqueValue>& held, const std::vector<UniqueValue>& kept,
                    const Value& owner);

/// A row as stored (ws_id, absolute ttl expiry, cache key), expired or not; nullopt if absent.
Result<std::optional<Value>> stored_row(DAO& dao, const Value& pk);
/// An undo step putting back the stored state of `pk` as it is now: its row, or no row.
Result<std::function<void()>> undo_of(DAO& dao, const DB& db, const Value& pk);

}  // namespace kongdb::dao::emulation
