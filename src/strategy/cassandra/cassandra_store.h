// Internals of the Cassandra strategy: the session and settings every entity's Strategy shares,
// the column kinds of Kong's layout and the Value <-> CQL codec. Written for kongdb.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/cql/session.h"
#include "kongdb/strategy/cassandra.h"
#include "kongdb/strategy/strategy.h"
#include "strategy/model/table_layout.h"

namespace kongdb::strategy::cassandra {

inline constexpr std::string_view kName = "cassandra";
/// The bookkeeping tables of this backend (beside schema_meta and Kong's tags).
inline constexpr std::string_view kClaimsTable = "unique_claims";
inline constexpr std::string_view kLocksTable = "locks";

/// Every error leaving this backend carries strategy = "cassandra".
Error tag(Error e);
Error db_error(std::string message);
Error db_error(const cql::Error& e);

/// How a stored part is kept: uuid and text as such, integers as bigint, numbers as double,
/// timestamps as CQL timestamps (ms), records/maps/arrays/sets as JSON text.
enum class Col { Uuid, Text, BigInt, Double, Boolean, Timestamp, Json };
using FieldMap = model::FieldMap<Col>;
using Layout = model::Layout<Col>;

Layout make_layout(const schema::Schema& s);
std::string_view cql_type(Col c);
/// A column name as CQL wants it (quoted: Kong's field names include CQL keywords).
std::string ident(std::string_view name);

/// A Value (after validation) as the CQL value of a column; nullopt when it does not fit.
std::optional<cql::Value> to_cql(const Value& v, Col c);
Value from_cql(const cql::Value& v, Col c);

/// What every Strategy of one connector shares.
struct Shared {
  std::unique_ptr<cql::Session> session;
  CassandraOptions options;
  cql::Consistency read = cql::Consistency::One, write = cql::Consistency::One,
                   serial = cql::Consistency::Serial;
  Clock* clock = nullptr;
  /// Layouts of the entities opened so far (truncate follows foreign keys through them).
  std::mutex mutex;
  std::map<std::string, Layout, std::less<>> layouts;

  double now() const { return clock->now(); }
  cql::QueryOptions reads() const;
  cql::QueryOptions writes() const;
  /// A read at the serial consistency: sees every committed lightweight transaction.
  cql::QueryOptions serial_reads() const;
  /// DDL, TRUNCATE and DROP: the server works through every replica's schema or files first,
  /// so they get cassandra_timeout plus cassandra_schema_consensus_timeout.
  cql::QueryOptions schema_changes() const;
  /// Prepares (cached by the session) and executes; errors tagged as DATABASE_ERROR.
  Result<cql::QueryResult> run(const std::string& cql, std::vector<cql::Value> values,
                               const cql::QueryOptions& opts);
  /// The claim key of a unique value: entity, field, workspace and value, the value hashed
  /// when long (a partition key holds at most 64 KiB).
  static std::string claim_key(std::string_view entity, const UniqueKey& key);
  /// Deletes the claims `owner_text` (a key as JSON) holds on `entity` (rows that went without
  /// the DAO: truncate, ttl purge).
  Result<void> drop_claims(std::string_view entity, const std::optional<std::string>& owner_text);
  /// Keeps Kong's tags table in step with one entity row (nullptr tags: the row went).
  Result<void> sync_tags(std::string_view entity, const std::string& id, const Value* tags);
};

std::unique_ptr<Strategy> make_strategy(std::shared_ptr<Shared> shared, Layout layout);
std::unique_ptr<Strategy> make_tags_index(std::shared_ptr<Shared> shared);

/// CREATE TABLE IF NOT EXISTS for an entity.
std::string create_table_cql(const Layout& l);

}  // namespace kongdb::strategy::cassandra
