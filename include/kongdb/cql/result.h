// What a CQL request returns: rows with their column metadata and paging state, the keyspace a
// USE set, a schema change, or a prepared statement's id and bind markers.
//
//   QueryResult r = *session.execute(select_by_id, {Value::uuid(id)});
//   if (const Value* name = r.get(0, "name")) use(name->as_text());
//   if (r.applied() == false) conflict(r.get(0, "id"));   // LWT lost: the existing row
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/cql/value.h"

namespace kongdb::cql {

struct Column {
  std::string keyspace;
  std::string table;
  std::string name;
  Type type;
};

struct ResultMetadata {
  std::vector<Column> columns;
  /// Position of the column named `name`, or nullopt.
  std::optional<size_t> index_of(std::string_view name) const;
};
using ResultMetadataPtr = std::shared_ptr<const ResultMetadata>;

/// A schema change (RESULT kind 5 and SCHEMA_CHANGE events).
struct SchemaChange {
  std::string change_type;  // CREATED, UPDATED, DROPPED
  std::string target;       // KEYSPACE, TABLE, TYPE, FUNCTION, AGGREGATE
  std::string keyspace;
  std::string name;  // table/type/function name; empty for KEYSPACE
  std::vector<std::string> argument_types;
};

enum class ResultKind : int32_t { Void = 1, Rows = 2, SetKeyspace = 3, Prepared = 4, SchemaChange = 5 };

using Row = std::vector<Value>;

struct QueryResult {
  ResultKind kind = ResultKind::Void;
  ResultMetadataPtr metadata;  // Rows: the columns, in row order
  std::vector<Row> rows;
  /// Set while more pages remain: send the same statement again with it (opaque bytes).
  std::optional<std::string> paging_state;
  std::string keyspace;                      // SetKeyspace
  std::optional<SchemaChange> schema_change;  // SchemaChange
  /// After a schema change through Session: whether every reachable node reported the same
  /// schema version within the schema-agreement timeout.
  bool schema_in_agreement = true;
  std::vector<std::string> warnings;  // server warnings (frame flag 0x08)
  std::optional<Uuid> tracing_id;
  /// The node that coordinated the request ("host:port").
  std::string node;

  size_t size() const { return rows.size(); }
  bool empty() const { return rows.empty(); }
  /// The cell of `row` in column `column`; nullptr when either does not exist.
  const Value* get(size_t row, std::string_view column) const;
  /// For a conditional statement (LWT): the `[applied]` column of the first row; nullopt when
  /// the result has no such column. When false, the other columns hold the existing row.
  std::optional<bool> applied() const;
};

/// A prepared statement as the server described it. Ids are node-global; Session re-prepares
/// transparently when a node answers UNPREPARED.
struct PreparedInfo {
  std::string query;
  std::string keyspace;  // the session keyspace it was prepared in (part of its identity)
  std::string id;        // [short bytes]
  std::vector<Column> bind_columns;
  std::vector<uint16_t> partition_key_indexes;
  ResultMetadataPtr result_metadata;
};
using Prepared = std::shared_ptr<const PreparedInfo>;

}  // namespace kongdb::cql
