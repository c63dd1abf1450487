// Storage strategies: the seam between the generic DAO and a backend (SQLite, PostgreSQL,
// Cassandra, off). A Connector owns the connection(s) and hands out one Strategy per entity.
//
// Rows crossing this seam are entities after validation: every schema field present (null when
// unset), foreign keys as {pk = value} objects or null, plus the hidden "ws_id" (workspaceable
// entities) and "cache_key" (composite cache keys). Strategies return rows in the same shape,
// with "ttl" holding the remaining seconds on ttl-enabled entities.
//
// A strategy knows nothing of HTTP or Lua. What a backend cannot enforce natively it reports
// in Capabilities, and the DAO supplies it (see kongdb/dao/dao.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/core/error.h"
#include "kongdb/core/ids.h"
#include "kongdb/core/json.h"
#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"

namespace kongdb::strategy {

struct Page {
  std::vector<Value> rows;
  /// Opaque continuation token; present only when more rows remain.
  std::optional<std::string> offset;
};

enum class TagsCond { And, Or };

struct TagsFilter {
  std::vector<std::string> tags;
  TagsCond cond = TagsCond::Or;
};

/// What a read or write is scoped to, after the DAO validated Kong's options.
struct QueryOptions {
  /// Workspace of the operation; empty means every workspace (Kong's `workspace = null`).
  std::string ws_id;
  /// Writes on ttl-enabled entities: seconds to live (0 = forever).
  std::optional<int64_t> ttl;
  /// Reads: include expired rows.
  bool skip_ttl = false;
  /// Reads: report ttl as an absolute epoch instead of the seconds remaining.
  bool export_ttl = false;
  std::optional<TagsFilter> tags;
};

/// One unique value of an entity: the field ("cache_key" for the composite cache key), the
/// workspace it is unique in ("" when unique across workspaces) and the value as
/// unique_value_text gives it.
struct UniqueKey {
  std::string field;
  std::string ws_id;
  std::string value;
  auto operator<=>(const UniqueKey&) const = default;
};

/// The canonical text of a unique value (its JSON), so equal values make equal keys.
inline std::string unique_value_text(const Value& value) { return json::encode(value); }

enum class ClaimOutcome {
  Acquired,       ///< the value was free and now belongs to the owner
  AlreadyOwned,   ///< the owner held it already (an update keeping the value)
  HeldByAnother,  ///< another row holds it: a unique violation
};

/// One entity's storage. Every method maps backend failures to Kong's errors
/// (UNIQUE_VIOLATION with the offending fields, FOREIGN_KEY_VIOLATION, DATABASE_ERROR, ...),
/// with Error::strategy set to the connector's name.
class Strategy {
 public:
  virtual ~Strategy() = default;

  virtual Result<std::optional<Value>> select(const Value& pk, const QueryOptions& opts) = 0;
  virtual Result<std::optional<Value>> select_by_field(std::string_view field, const Value& value,
                                                       const QueryOptions& opts) = 0;
  /// Keyset pagination in primary-key order; INVALID_OFFSET for a token it did not issue.
  virtual Result<Page> page(int64_t size, const std::optional<std::string>& offset,
                            const QueryOptions& opts) = 0;
  /// Rows whose foreign key `fk_field` equals `fk_pk` ({id = ...}).
  virtual Result<Page> page_for(std::string_view fk_field, const Value& fk_pk, int64_t size,
                                const std::optional<std::string>& offset, const QueryOptions& opts) = 0;
  virtual Result<Value> insert(const Value& row, const QueryOptions& opts) = 0;
  /// Partial update of the given columns; nullopt when no row matched.
  virtual Result<std::optional<Value>> update(const Value& pk, const Value& row,
                                              const QueryOptions& opts) = 0;
  virtual Result<std::optional<Value>> update_by_field(std::string_view field, const Value& value,
                                                       const Value& row, const QueryOptions& opts) = 0;
  /// Insert or replace the whole row by primary key.
  virtual Result<Value> upsert(const Value& pk, const Value& row, const QueryOptions& opts) = 0;
  /// Insert or replace the whole row by a unique field (the row carries the field's value).
  virtual Result<Value> upsert_by_field(std::string_view field, const Value& value, const Value& row,
                                        const QueryOptions& opts) = 0;
  /// True when a row was deleted. Children with on_delete cascade/null are handled as the
  /// backend's Capabilities say.
  virtual Result<bool> remove(const Value& pk, const QueryOptions& opts) = 0;
  virtual Result<bool> remove_by_field(std::string_view field, const Value& value,
                                       const QueryOptions& opts) = 0;
  virtual Result<void> truncate() = 0;

  // --- uniqueness for backends without unique constraints (Capabilities::unique_constraints
  // false). The DAO claims every unique value of a row before writing the row and releases
  // the claims its row no longer uses; SQL strategies never receive these calls. ---

  /// Atomically claims `key` for the row whose primary key is `owner` (insert-if-absent).
  virtual Result<ClaimOutcome> claim_unique(const UniqueKey& key, const Value& /*owner*/) {
    return unique_constraints_are_native(key);
  }
  /// Releases `key` if `owner` holds it; a claim held by another row stays.
  virtual Result<void> release_unique(const UniqueKey& key, const Value& /*owner*/) {
    return unique_constraints_are_native(key);
  }

 private:
  static Error unique_constraints_are_native(const UniqueKey& key) {
    return errors::operation_unsupported("this backend enforces the uniqueness of '" + key.field + "' itself");
  }
};

struct Capabilities {
  /// Writes can be grouped atomically (Connector::transaction).
  bool transactions = true;
  /// The backend enforces foreign keys and on_delete itself.
  bool foreign_keys = true;
  /// The backend enforces unique fields itself.
  bool unique_constraints = true;
};

/// One migration step of a subsystem ("core" or a plugin name), as recorded in schema_meta.
struct MigrationState {
  std::string subsystem;
  std::vector<std::string> executed;
  std::vector<std::string> pending;
};

/// Migration bookkeeping (kong/db/migrations/state.lua) of a backend whose tables are created by
/// migrations. A backend without any (memory) has none: its tables exist as soon as
/// Connector::strategy_for is called.
class MigrationStore {
 public:
  virtual ~MigrationStore() = default;

  /// nullopt when the database was never bootstrapped (no schema_meta).
  virtual Result<std::optional<std::vector<MigrationState>>> schema_state() = 0;
  /// Creates schema_meta (and whatever bookkeeping the backend needs).
  virtual Result<void> bootstrap_meta() = 0;
  /// Runs one migration's `up` for `schemas` (the entities it introduces) and records it.
  virtual Result<void> run_up(const std::string& subsystem, const std::string& migration,
                              const std::vector<const schema::Schema*>& schemas, bool has_teardown) = 0;
  /// Runs a migration's own SQL (a plugin's `up`, as written for this backend) and records it,
  /// as run_up does. `schemas` are the entities the migration introduces: a store whose tables
  /// are laid out differently from what the plugin's text creates (Cassandra) creates them
  /// first. A store without a SQL dialect of Kong's refuses.
  virtual Result<void> run_up_sql(const std::string& /*subsystem*/, const std::string& migration,
                                  const std::string& /*sql*/,
                                  const std::vector<const schema::Schema*>& /*schemas*/, bool /*has_teardown*/) {
    return errors::operation_unsupported("migration '" + migration + "' brings SQL, which this backend cannot run");
  }
  /// Runs statements outside the migration bookkeeping (a plugin teardown's connector:query).
  virtual Result<void> execute_sql(const std::string& /*sql*/) {
    return errors::operation_unsupported("this backend cannot run SQL statements");
  }
  /// Marks a pending migration as finished.
  virtual Result<void> run_teardown(const std::string& subsystem, const std::string& migration) = 0;
  /// Drops every table kongdb created.
  virtual Result<void> reset() = 0;
};

class Connector {
 public:
  virtual ~Connector() = default;

  /// The name Kong puts in err_t.strategy and in "[name] message".
  virtual std::string_view name() const = 0;
  virtual Capabilities capabilities() const = 0;

  /// The storage of one registered entity (its table must exist: see migrations).
  virtual Result<std::unique_ptr<Strategy>> strategy_for(const schema::Schema& schema) = 0;

  /// Runs `body`; with Capabilities::transactions every write inside commits together or not
  /// at all and nested calls join the outer transaction. Without, `body` simply runs.
  virtual Result<void> transaction(const std::function<Result<void>()>& body) = 0;

  /// Deletes expired ttl rows of every ttl-enabled table; returns how many went.
  virtual Result<int64_t> purge_expired() = 0;

  /// The migration bookkeeping; nullptr for a backend without migrations.
  virtual MigrationStore* migrations() = 0;
};

}  // namespace kongdb::strategy
