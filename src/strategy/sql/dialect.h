// The dialect contract of the SQL family. A dialect `D` is a struct of types and static
// functions supplying only what differs between SQL engines; it derives from DialectBase, which
// gives the types derived from its column kind and parameter, and the defaults of an engine that
// names its own constraints and reads columns as stored (a dialect redefines what it writes
// differently):
//   types      Kind (column kind), Param (one bound value; a row cell has the same type),
//              Row = std::vector<Param>, Failure (a failed statement, with .message), Db
//   names      kName (Error::strategy), kNoWorkspace (the stored "no workspace" ws_id),
//              kText / kInteger / kTtlKind / kWsKind / kListKind (kinds of the text, integer,
//              ttl, ws_id and migration-list columns), kListType (the list column's SQL type),
//              kWsTermInPkOrder (the ws_id filter of a page walked in pk order),
//              kUpsertNoopFrom (source of "pk = <from>pk" when an upsert changes nothing else),
//              kTableOptions (after a CREATE TABLE's column list)
//   values     placeholder(text, n), bind(q, p, kind) (a typed placeholder), to_param(v, kind),
//              text(s) / integer(n) / real(d) (parameters), is_null(p), from_cell(c, kind),
//              cell_text(c) (nullptr unless text), cell_number(c), cell_integer(c),
//              key_value(c, kind) (a pk cell as it goes into an offset token)
//   SQL text   read_expr(column, kind), sql_type(kind), constraint(name) ("CONSTRAINT x " or ""),
//              object_name(name) (index names as the engine keeps them), and_tags(q, l, tags),
//              tags_ddl(l) (what a table with tags adds), tags_table_ddl(),
//              pk_constraint / unique_constraint / fk_constraint names
//   behaviour  make_layout(schema), map_error(db, statements, failure, ctx), truncate(db, l),
//              tags_query(tag, after, limit), plus the connector's (see sql_connector.h)
// Written for kongdb.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kongdb/core/value.h"
#include "strategy/model/table_layout.h"
#include "strategy/sql/sql_text.h"

namespace kongdb::strategy::sql {

/// What a failed write was doing, for error mapping.
template <class Kind>
struct WriteContext {
  const Value* row = nullptr;                        // the written row (nullptr for deletes)
  Value pk;                                          // its pk object when keyed by pk
  const model::FieldMap<Kind>* key_field = nullptr;  // the unique field when keyed by field
  Value key;                                         // that field's value
  std::string ws_id;
  bool is_delete = false;
};

/// What every dialect derives from: the types that follow from its column kind and parameter,
/// and the defaults a dialect redefines where its engine differs.
template <class Self, class KindT, class ParamT>
struct DialectBase {
  using Kind = KindT;
  using Param = ParamT;
  using Row = std::vector<Param>;
  using Layout = model::Layout<Kind>;
  using FieldMap = model::FieldMap<Kind>;
  using Q = Sql<Self>;
  using WriteCtx = WriteContext<Kind>;

  static std::string read_expr(const std::string& column, Kind) { return ident(column); }
  /// Migration lists are read as stored (JSON text).
  static std::string list_read(std::string_view column) { return std::string(column); }
  /// "CONSTRAINT <name> " where the dialect names its constraints.
  static std::string constraint(const std::string&) { return {}; }
  static std::string object_name(std::string name) { return name; }
  static std::string pk_constraint(const Layout&) { return {}; }
  static std::string unique_constraint(const Layout&, const FieldMap&) { return {}; }
  static std::string fk_constraint(const Layout&, const FieldMap&) { return {}; }
};

}  // namespace kongdb::strategy::sql
