// The backend-neutral table model every strategy builds on (SQL or not): the layout derived from
// a Schema (which fields are stored, foreign keys as one stored part per parent pk field with
// their on_delete, uniques and unique_across_ws, the hidden ws_id/ttl/cache_key, pk positions),
// splitting a field's value into its parts, the page offset token, and the size+1 keyset page.
// Nothing here knows SQL. A backend may attach its own column kind to every stored part (the
// `Kind` parameter: SQLite and PostgreSQL column types); one that stores Values as they are
// uses Layout<> (NoKind). Written for kongdb; layout modelled on Kong's Postgres DDL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::strategy::model {

/// The kind of a stored part for a backend that keeps no column types.
struct NoKind {};

/// A schema field as stored: one column, or one per parent pk field for a foreign key.
template <class Kind = NoKind>
struct FieldMap {
  std::string name;
  bool foreign = false;
  std::vector<std::string> columns;  // "name" or "name_<pk>"...
  std::vector<Kind> kinds;
  std::vector<std::string> parent_pk;  // foreign: parent pk field names
  std::string parent_table, parent_name, on_delete;
  bool unique = false, unique_across_ws = false;
};

/// A table derived from a Schema; everything the builder and row codec need, copied so no
/// pointer into the schema's foreign references is kept.
template <class Kind = NoKind>
struct Layout {
  std::string entity, table;
  std::vector<FieldMap<Kind>> fields;
  std::vector<std::string> pk_fields;   // schema pk field names
  std::vector<std::string> pk_columns;  // their columns, in order
  std::vector<Kind> pk_kinds;
  std::vector<bool> pk_is_uuid;         // per pk column: must an offset carry a UUID there?
  bool workspaceable = false, ttl = false, cache_key = false, tags = false;
  std::vector<std::string> cache_key_fields;

  /// The hidden composite cache_key column, addressable as a unique "field".
  FieldMap<Kind> cache_key_map;
  /// Positions of the pk columns in a selected row.
  std::vector<size_t> pk_row_index;

  const FieldMap<Kind>* field(std::string_view name) const {
    for (const auto& f : fields) {
      if (f.name == name) return &f;
    }
    if (cache_key && name == "cache_key") return &cache_key_map;
    return nullptr;
  }
};

/// Derives a table from a Schema. `kind_of(const schema::Field*)` gives a column's kind
/// (nullptr: the pk field of an unknown parent); `text` is the kind of the cache_key column.
/// `tags` is set when a "tags" field exists and pk_is_uuid from the pk field's uuid flag;
/// a backend may narrow both afterwards.
template <class Kind, class KindOf>
Layout<Kind> make_layout(const schema::Schema& s, KindOf kind_of, Kind text) {
  Layout<Kind> l;
  l.entity = s.name;
  l.table = s.table_name.value_or(s.name);
  l.workspaceable = s.workspaceable;
  l.ttl = s.ttl;
  l.cache_key = s.cache_key.size() > 1;
  l.cache_key_fields = s.cache_key;
  l.pk_fields = s.primary_key;
  for (const auto& [name, field] : s.fields) {
    if (field.is(field.transient_) || field.type() == schema::FieldType::Function) continue;
    if (name == "ws_id" && l.workspaceable) continue;
    if (name == "ttl" && l.ttl) continue;
    FieldMap<Kind> m;
    m.name = name;
    m.unique = field.is_unique();
    m.unique_across_ws = field.is(field.unique_across_ws_);
    if (field.type() == schema::FieldType::Foreign) {
      const schema::Schema* parent = field.foreign_schema_;
      m.foreign = true;
      m.parent_name = parent ? parent->name : field.reference_.value_or(name);
      m.parent_table = parent ? parent->table_name.value_or(parent->name) : m.parent_name;
      m.parent_pk = parent ? parent->primary_key : std::vector<std::string>{"id"};
      m.on_delete = field.on_delete_.value_or("restrict");
      for (const auto& pk : m.parent_pk) {
        m.columns.push_back(name + "_" + pk);
        m.kinds.push_back(kind_of(parent ? parent->field(pk) : nullptr));
      }
    } else {
      m.columns.push_back(name);
      m.kinds.push_back(kind_of(&field));
    }
    if (name == "tags") l.tags = true;
    l.fields.push_back(std::move(m));
  }
  for (const auto& pk : l.pk_fields) {
    size_t pos = 0;
    for (const auto& f : l.fields) {
      if (f.name == pk) {
        const schema::Field* def = s.field(pk);
        for (size_t i = 0; i < f.columns.size(); ++i) {
          l.pk_columns.push_back(f.columns[i]);
          l.pk_kinds.push_back(f.kinds[i]);
          l.pk_row_index.push_back(pos + i);
          l.pk_is_uuid.push_back(def && def->is(def->uuid_));
        }
      }
      pos += f.columns.size();
    }
  }
  l.cache_key_map.name = "cache_key";
  l.cache_key_map.columns = {"cache_key"};
  l.cache_key_map.kinds = {text};
  l.cache_key_map.unique = true;
  l.cache_key_map.unique_across_ws = true;  // Kong's cache key text already carries the ws
  return l;
}

/// The layout of a backend without column kinds.
inline Layout<> make_layout(const schema::Schema& s) {
  return make_layout(s, [](const schema::Field*) { return NoKind{}; }, NoKind{});
}

/// Binds a field's value (foreign values as {pk = v}) to its columns with the backend's
/// `to_param(const Value&, Kind)`; a missing part binds Param{} (NULL).
template <class Param, class Kind, class ToParam>
std::vector<Param> field_params(const FieldMap<Kind>& f, const Value& v, ToParam to_param) {
  std::vector<Param> out;
  if (!f.foreign) {
    out.push_back(to_param(v, f.kinds[0]));
    return out;
  }
  for (size_t i = 0; i < f.parent_pk.size(); ++i) {
    if (v.is_object()) {
      const Value* part = v.find(f.parent_pk[i]);
      out.push_back(part ? to_param(*part, f.kinds[i]) : Param{});
    } else if (f.parent_pk.size() == 1) {
      out.push_back(to_param(v, f.kinds[i]));  // a flat key (legacy service_id style)
    } else {
      out.push_back(Param{});
    }
  }
  return out;
}

/// Offset tokens: unpadded base64 of the JSON array of the last row's pk values.
std::string encode_offset(Array keys);

/// A page from a keyset read of size + 1 rows: the extra row only tells that another page
/// exists, and the offset is taken from the last row kept.
template <class Row, class EncodeOffset, class DecodeRow>
Page finish_page(std::vector<Row> rows, int64_t size, EncodeOffset encode_offset_of, DecodeRow decode) {
  Page page;
  const size_t n = static_cast<size_t>(size);
  if (rows.size() > n) {
    rows.resize(n);
    if (!rows.empty()) page.offset = encode_offset_of(rows.back());
  }
  page.rows.reserve(rows.size());
  for (auto& r : rows) page.rows.push_back(decode(r));
  return page;
}
/// The pk values of a token, each a string, integer or float; a UUID where pk_is_uuid says
/// so. Failures are errors::invalid_offset (untagged: the backend adds its strategy name).
Result<std::vector<Value>> decode_offset(const std::string& token,
                                         const std::vector<bool>& pk_is_uuid);

/// A row's primary key as {pk field = value} (missing fields as null).
Value pk_of(const std::vector<std::string>& pk_fields, const Value& row);

/// The workspace a write goes to: the option, else the row's ws_id, else none ("").
std::string write_ws(const Value& row, const QueryOptions& opts);

/// The row an upsert by a unique field writes: `row` (an object, or nothing) carrying `value`.
Value row_with_field(const Value& row, std::string_view field, const Value& value);

}  // namespace kongdb::strategy::model
