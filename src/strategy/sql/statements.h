// The statement builder of the SQL family: every statement a table needs (DDL, select, page
// with keyset and Kong's offsets, insert, upsert, update, delete, workspace / ttl / tags
// filters), written once over a dialect. Also the row codec shared by every dialect: a selected
// row back as an entity, and a row's primary key as an offset token. Written for kongdb;
// behaviour follows kong/db/strategies/postgres/init.lua.
//
// What a dialect supplies is listed in dialect.h.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kongdb/core/json.h"
#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/strategy/strategy.h"
#include "strategy/model/table_layout.h"
#include "strategy/model/tags_index.h"
#include "strategy/sql/dialect.h"
#include "strategy/sql/sql_text.h"

namespace kongdb::strategy::sql {

/// All SQL of one table.
template <class D>
class Statements {
 public:
  using Kind = typename D::Kind;
  using Param = typename D::Param;
  using Row = typename D::Row;
  using Layout = model::Layout<Kind>;
  using FieldMap = model::FieldMap<Kind>;
  using Q = Sql<D>;

  explicit Statements(const Layout& l) : l_(l) {
    std::vector<std::string> exprs;
    for (const auto& f : l_.fields) {
      for (size_t i = 0; i < f.columns.size(); ++i) {
        insert_columns_.push_back(f.columns[i]);
        insert_kinds_.push_back(f.kinds[i]);
        exprs.push_back(D::read_expr(f.columns[i], f.kinds[i]));
      }
    }
    if (l_.workspaceable) {
      insert_columns_.emplace_back("ws_id");
      insert_kinds_.push_back(D::kWsKind);
      exprs.push_back(ident("ws_id"));
    }
    if (l_.ttl) {
      insert_columns_.emplace_back("ttl");
      insert_kinds_.push_back(D::kTtlKind);
      exprs.push_back(D::read_expr("ttl", D::kTtlKind));
    }
    if (l_.cache_key) {
      insert_columns_.emplace_back("cache_key");
      insert_kinds_.push_back(l_.cache_key_map.kinds[0]);
    }
    for (const auto& e : exprs) select_list_ += (select_list_.empty() ? "" : ", ") + e;
    select_where_ = "SELECT " + select_list_ + " FROM " + ident(l_.table) + " WHERE TRUE";
    insert_prefix_ = "INSERT INTO " + ident(l_.table) + " (" + join_idents(insert_columns_) + ") VALUES (";
  }

  const Layout& layout() const { return l_; }

  /// The table, its constraints and indexes (and, for the "tags" entity, the tags index).
  std::vector<std::string> create() const {
    if (l_.entity == model::kTagsTable) return D::tags_table_ddl();
    const std::string t = ident(l_.table);
    std::string sql = "CREATE TABLE IF NOT EXISTS " + t + " (";
    bool first = true;
    auto col = [&](const std::string& def) {
      if (!first) sql += ", ";
      first = false;
      sql += def;
    };
    for (const auto& f : l_.fields) {
      for (size_t i = 0; i < f.columns.size(); ++i) {
        col(ident(f.columns[i]) + " " + std::string(D::sql_type(f.kinds[i])));
      }
    }
    // ws_id is never NULL (kNoWorkspace = none) so UNIQUE(ws_id, f) always bites.
    if (l_.workspaceable) {
      col("\"ws_id\" " + std::string(D::sql_type(D::kWsKind)) + " NOT NULL DEFAULT " +
          string_literal(D::kNoWorkspace));
    }
    if (l_.ttl) col("\"ttl\" " + std::string(D::sql_type(D::kTtlKind)));
    if (l_.cache_key) col("\"cache_key\" TEXT " + D::constraint(D::unique_constraint(l_, l_.cache_key_map)) + "UNIQUE");
    // Named constraints (where the dialect names them): error mapping recovers the field.
    col(D::constraint(D::pk_constraint(l_)) + "PRIMARY KEY (" + join_idents(l_.pk_columns) + ")");
    for (const auto& f : l_.fields) {
      if (f.unique) col(D::constraint(D::unique_constraint(l_, f)) + "UNIQUE " + conflict_on(f));
    }
    for (const auto& f : l_.fields) {
      if (!f.foreign) continue;
      col(D::constraint(D::fk_constraint(l_, f)) + "FOREIGN KEY (" + join_idents(f.columns) + ") REFERENCES " +
          ident(f.parent_table) + " (" + join_idents(f.parent_pk) + ") ON DELETE " +
          std::string(on_delete_sql(f.on_delete)));
    }
    sql += ")";
    sql += D::kTableOptions;

    std::vector<std::string> out{sql};
    // Children are looked up by their fk on every parent delete and by page_for.
    for (const auto& f : l_.fields) {
      if (!f.foreign) continue;
      out.push_back("CREATE INDEX IF NOT EXISTS " + ident(D::object_name(l_.table + "_" + f.name + "_idx")) +
                    " ON " + t + " (" + join_idents(f.columns) + ")");
    }
    if (l_.ttl) {
      out.push_back("CREATE INDEX IF NOT EXISTS " + ident(D::object_name(l_.table + "_ttl_idx")) + " ON " + t +
                    " (\"ttl\")");
    }
    if (l_.tags) {
      for (auto& stmt : D::tags_ddl(l_)) out.push_back(std::move(stmt));
    }
    return out;
  }

  Q select_where() const {  // "SELECT <list> FROM t WHERE TRUE"
    Q q;
    q.add(select_where_);
    return q;
  }

  /// INSERT of every column; with a conflict target, an upsert that replaces every column
  /// outside the target, the primary key and ws_id.
  Q insert(const Value& row, const std::string& ws_id, const Param& ttl, const std::string& conflict_target) const {
    // Values in insert_columns_ order: fields, ws_id, ttl, cache_key.
    std::vector<Param> vals;
    vals.reserve(insert_columns_.size());
    static const Value kNull;
    for (const auto& f : l_.fields) {
      const Value* v = row.find(f.name);
      for (auto& p : field_params(f, v ? *v : kNull)) vals.push_back(std::move(p));
    }
    if (l_.workspaceable) vals.push_back(D::text(ws_id.empty() ? std::string(D::kNoWorkspace) : ws_id));
    if (l_.ttl) vals.push_back(ttl);
    if (l_.cache_key) {
      const Value* ck = row.find("cache_key");
      vals.push_back(ck && ck->is_string() ? D::text(ck->as_string()) : Param{});
    }
    Q q;
    q.text.reserve(insert_prefix_.size() + 12 * vals.size() + 256);
    q.add(insert_prefix_);
    for (size_t i = 0; i < vals.size(); ++i) {
      if (i) q.add(", ");
      D::bind(q, std::move(vals[i]), insert_kinds_[i]);
    }
    q.add(")");
    if (!conflict_target.empty()) {
      std::set<std::string> keep(l_.pk_columns.begin(), l_.pk_columns.end());
      keep.insert("ws_id");
      std::string sets;
      for (const auto& c : insert_columns_) {
        if (keep.count(c) || conflict_target.find(ident(c)) != std::string::npos) continue;
        if (!sets.empty()) sets += ", ";
        sets += ident(c) + " = EXCLUDED." + ident(c);
      }
      const std::string pk0 = ident(l_.pk_columns[0]);
      if (sets.empty()) sets = pk0 + " = " + std::string(D::kUpsertNoopFrom) + pk0;
      q.add(" ON CONFLICT ").add(conflict_target).add(" DO UPDATE SET ").add(sets);
    }
    return q;
  }

  /// UPDATE t SET <columns present in row> (the pk never changes).
  Q update_set(const Value& row, const std::optional<Param>& ttl) const {
    Q q;
    q.add("UPDATE ").add(ident(l_.table)).add(" SET ");
    bool any = false;
    auto set = [&](const std::string& col, Param p, Kind kind) {
      if (any) q.add(", ");
      any = true;
      q.add(ident(col)).add(" = ");
      D::bind(q, std::move(p), kind);
    };
    std::set<std::string> pk(l_.pk_fields.begin(), l_.pk_fields.end());
    for (const auto& f : l_.fields) {
      const Value* v = row.find(f.name);
      if (!v || pk.count(f.name)) continue;
      auto params = field_params(f, *v);
      for (size_t i = 0; i < f.columns.size(); ++i) set(f.columns[i], std::move(params[i]), f.kinds[i]);
    }
    if (l_.cache_key) {
      if (const Value* ck = row.find("cache_key"); ck && ck->is_string()) {
        set("cache_key", D::text(ck->as_string()), l_.cache_key_map.kinds[0]);
      }
    }
    if (l_.ttl && ttl) set("ttl", *ttl, D::kTtlKind);
    if (!any) q.add(ident(l_.pk_columns[0])).add(" = ").add(ident(l_.pk_columns[0]));  // no-op
    q.add(" WHERE TRUE");
    return q;
  }

  Q delete_from() const {  // "DELETE FROM t WHERE TRUE"
    Q q;
    q.add("DELETE FROM ").add(ident(l_.table)).add(" WHERE TRUE");
    return q;
  }

  // WHERE fragments, each appended as " AND ...".
  void and_pk(Q& q, const Value& pk) const {
    for (const auto& name : l_.pk_fields) {
      const FieldMap* f = l_.field(name);
      if (!f) continue;
      const Value* v = pk.find(name);
      and_field(q, *f, v ? *v : Value());
    }
  }

  void and_field(Q& q, const FieldMap& f, const Value& v) const {
    auto params = field_params(f, v);
    for (size_t i = 0; i < f.columns.size(); ++i) {
      q.add(" AND ").add(ident(f.columns[i]));
      if (D::is_null(params[i])) {
        q.add(" IS NULL");
      } else {
        q.add(" = ");
        D::bind(q, std::move(params[i]), f.kinds[i]);
      }
    }
  }

  /// `keep_pk_order`: the read pages in pk order, and the engine must not pick a
  /// UNIQUE(ws_id, f) index for this term and then sort the whole workspace.
  void and_ws(Q& q, const std::string& ws_id, bool keep_pk_order = false) const {
    if (!l_.workspaceable || ws_id.empty()) return;
    q.add(keep_pk_order ? D::kWsTermInPkOrder : std::string_view(" AND \"ws_id\" = "));
    D::bind(q, D::text(ws_id), D::kWsKind);
  }

  void and_alive(Q& q, double now) const {
    if (!l_.ttl) return;
    q.add(" AND (\"ttl\" IS NULL OR \"ttl\" >= ");
    D::bind(q, D::real(now), D::kTtlKind);
    q.add(")");
  }

  void and_tags(Q& q, const TagsFilter& tags) const {
    if (!l_.tags || tags.tags.empty()) return;
    D::and_tags(q, l_, tags);
  }

  void and_after(Q& q, const std::vector<Param>& last) const {
    q.add(" AND (").add(join_idents(l_.pk_columns)).add(") > (");
    for (size_t i = 0; i < last.size(); ++i) {
      if (i) q.add(", ");
      D::bind(q, last[i], l_.pk_kinds[i]);
    }
    q.add(")");
  }

  void order_limit(Q& q, int64_t limit) const {
    q.add(" ORDER BY ").add(join_idents(l_.pk_columns)).add(" LIMIT ");
    D::bind(q, D::integer(limit), D::kInteger);
  }

  void returning(Q& q) const { q.add(" RETURNING ").add(select_list_); }

  std::string conflict_on(const FieldMap& f) const {  // "(ws_id, name)" or "(name)"
    std::string cols = join_idents(f.columns);
    if (l_.workspaceable && !f.unique_across_ws) cols = "\"ws_id\", " + cols;
    return "(" + cols + ")";
  }
  std::string conflict_on_pk() const { return "(" + join_idents(l_.pk_columns) + ")"; }

  /// A field's value (foreign values as {pk = v}) as the parameters of its columns.
  std::vector<Param> field_params(const FieldMap& f, const Value& v) const {
    return model::field_params<Param>(f, v, D::to_param);
  }

  /// A selected row back as an entity: foreign keys as {pk = v}, ws_id, ttl remaining (or the
  /// absolute epoch with export_ttl). The cache_key column is not returned.
  Value decode_row(const Row& row, double now, bool export_ttl) const {
    Object out;
    out.reserve(l_.fields.size() + 2);
    size_t i = 0;
    for (const auto& f : l_.fields) {
      if (!f.foreign) {
        out.set(f.name, D::from_cell(row[i++], f.kinds[0]));
        continue;
      }
      Object key;
      bool any = false;
      for (size_t k = 0; k < f.columns.size(); ++k, ++i) {
        if (!D::is_null(row[i])) any = true;
        key.set(f.parent_pk[k], D::from_cell(row[i], f.kinds[k]));
      }
      out.set(f.name, any ? Value(std::move(key)) : Value());
    }
    if (l_.workspaceable) {
      const std::string* ws = D::cell_text(row[i++]);
      out.set("ws_id", ws && *ws != D::kNoWorkspace ? Value(*ws) : Value());
    }
    if (l_.ttl) {
      const Param& p = row[i++];
      if (D::is_null(p)) {
        out.set("ttl", Value());
      } else {
        double expiry = D::cell_number(p);
        double shown = export_ttl ? expiry : expiry - now;
        out.set("ttl", Value(static_cast<long long>(std::floor(shown))));
      }
    }
    return Value(std::move(out));
  }

  /// The offset token after `last`: its pk columns.
  std::string encode_offset(const Row& last) const {
    Array keys;
    for (size_t k = 0; k < l_.pk_row_index.size(); ++k) keys.push_back(D::key_value(last[l_.pk_row_index[k]], l_.pk_kinds[k]));
    return model::encode_offset(std::move(keys));
  }

  /// The pk parameters a token carries; INVALID_OFFSET for a token this table did not issue.
  Result<std::vector<Param>> decode_offset(const std::string& token) const {
    auto keys = model::decode_offset(token, l_.pk_is_uuid);
    if (!keys) return tag<D>(keys.error());
    std::vector<Param> out;
    for (const Value& v : *keys) {
      if (v.is_string()) {
        out.push_back(D::text(v.as_string()));
      } else if (v.is_integer()) {
        out.push_back(D::integer(v.as_integer()));
      } else {
        out.push_back(D::real(v.as_number()));
      }
    }
    return out;
  }

 private:
  const Layout& l_;
  // Text that depends only on the layout, built once: the read expressions, "SELECT <list>
  // FROM t WHERE TRUE" and "INSERT INTO t (<every column>) VALUES (".
  std::string select_list_, select_where_, insert_prefix_;
  std::vector<std::string> insert_columns_;
  std::vector<Kind> insert_kinds_;
};

}  // namespace kongdb::strategy::sql
