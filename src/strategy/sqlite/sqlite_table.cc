// Schema -> SQLite table layout, the column codec, and the statement builder (all SQL text of
// a table is produced here). Written for kongdb; layout modelled on Kong's Postgres DDL.
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "kongdb/core/base64.h"
#include "kongdb/core/json.h"
#include "strategy/common/tags_index.h"
#include "strategy/sqlite/sqlite_internal.h"

namespace kongdb::strategy::sqlite {

namespace {

ColKind kind_of(const schema::Field* f) {
  if (!f) return ColKind::Text;
  switch (f->type()) {
    case schema::FieldType::String: return ColKind::Text;
    case schema::FieldType::Integer: return ColKind::Integer;
    case schema::FieldType::Number: return ColKind::Real;
    case schema::FieldType::Boolean: return ColKind::Boolean;
    default: return ColKind::Json;
  }
}

std::string_view sql_type(ColKind k) {
  switch (k) {
    case ColKind::Text: return "TEXT";
    case ColKind::Integer: return "INTEGER";
    case ColKind::Real: return "REAL";
    case ColKind::Boolean: return "INTEGER";
    case ColKind::Json: return "TEXT";
  }
  return "TEXT";
}

std::string_view on_delete_sql(const std::string& v) {
  if (v == "cascade") return "CASCADE";
  if (v == "null") return "SET NULL";
  return "RESTRICT";
}

std::string join_idents(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += ident(n);
  }
  return out;
}

Value param_value(const Param& p) {
  if (auto* n = std::get_if<int64_t>(&p)) return Value(static_cast<long long>(*n));
  if (auto* d = std::get_if<double>(&p)) return Value(*d);
  if (auto* s = std::get_if<std::string>(&p)) return Value(*s);
  return Value();
}

}  // namespace

Layout make_layout(const schema::Schema& s) {
  return common::make_layout(s, kind_of, ColKind::Text);
}

// --- codec ---

Param to_param(const Value& v, ColKind kind) {
  if (v.is_null()) return std::monostate{};
  switch (kind) {
    case ColKind::Text:
      if (v.is_string()) return v.as_string();
      if (v.is_table()) return json::encode(v);
      return v.to_lua_string();
    case ColKind::Integer:
    case ColKind::Boolean:
      if (v.is_boolean()) return int64_t{v.as_boolean() ? 1 : 0};
      if (v.is_integer()) return v.as_integer();
      if (v.is_float()) {
        double d = v.as_number();
        if (std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
        return d;
      }
      if (v.is_string()) return v.as_string();
      return json::encode(v);
    case ColKind::Real:
      if (v.is_number()) return v.as_number();
      if (v.is_boolean()) return int64_t{v.as_boolean() ? 1 : 0};
      if (v.is_string()) return v.as_string();
      return json::encode(v);
    case ColKind::Json:
      return json::encode(v);
  }
  return std::monostate{};
}

Value from_param(const Param& p, ColKind kind) {
  if (std::holds_alternative<std::monostate>(p)) return Value();
  switch (kind) {
    case ColKind::Boolean:
      if (auto* n = std::get_if<int64_t>(&p)) return Value(*n != 0);
      break;
    case ColKind::Real:
      // Lua has one number type: integral values read back as integers, as cjson prints them.
      if (auto* d = std::get_if<double>(&p)) {
        if (std::floor(*d) == *d && std::fabs(*d) < 9007199254740992.0) {
          return Value(static_cast<long long>(*d));
        }
      }
      break;
    case ColKind::Json:
      if (auto* s = std::get_if<std::string>(&p)) {
        auto parsed = json::parse(*s);
        if (parsed) return std::move(*parsed);
      }
      break;
    default: break;
  }
  return param_value(p);
}

std::vector<Param> field_params(const FieldMap& f, const Value& v) {
  return common::field_params<Param>(f, v, to_param);
}

Value decode_row(const Layout& l, const Row& row, double now, bool export_ttl) {
  Object out;
  out.reserve(l.fields.size() + 2);
  size_t i = 0;
  for (const auto& f : l.fields) {
    if (!f.foreign) {
      out.set(f.name, from_param(row[i++], f.kinds[0]));
      continue;
    }
    Object key;
    bool any = false;
    for (size_t k = 0; k < f.columns.size(); ++k, ++i) {
      if (!std::holds_alternative<std::monostate>(row[i])) any = true;
      key.set(f.parent_pk[k], from_param(row[i], f.kinds[k]));
    }
    out.set(f.name, any ? Value(std::move(key)) : Value());
  }
  if (l.workspaceable) {
    const auto* ws = std::get_if<std::string>(&row[i++]);
    out.set("ws_id", ws && !ws->empty() ? Value(*ws) : Value());
  }
  if (l.ttl) {
    const Param& p = row[i++];
    if (std::holds_alternative<std::monostate>(p)) {
      out.set("ttl", Value());
    } else {
      double expiry = std::holds_alternative<double>(p) ? std::get<double>(p)
                                                        : static_cast<double>(std::get<int64_t>(p));
      double shown = export_ttl ? expiry : expiry - now;
      out.set("ttl", Value(static_cast<long long>(std::floor(shown))));
    }
  }
  return Value(std::move(out));
}

std::string encode_offset(const Layout& l, const Row& last) {
  Array keys;
  for (size_t idx : l.pk_row_index) keys.push_back(param_value(last[idx]));
  return common::encode_offset(std::move(keys));
}

Result<std::vector<Param>> decode_offset(const Layout& l, const std::string& token) {
  auto keys = common::decode_offset(token, l.pk_is_uuid);
  if (!keys) return tag(keys.error());
  std::vector<Param> out;
  for (const Value& v : *keys) {
    if (v.is_string()) {
      out.emplace_back(v.as_string());
    } else if (v.is_integer()) {
      out.emplace_back(v.as_integer());
    } else {
      out.emplace_back(v.as_number());
    }
  }
  return out;
}

// --- statements ---

// Kong's tags table, kept by triggers on every table with tags (entity_id is the row's id).
// The trigger bodies resolve "tags" when they fire, so the table is created with each feeder.
static std::vector<std::string> tags_index_ddl(const Layout& l) {
  std::vector<std::string> out{
      "CREATE TABLE IF NOT EXISTS \"tags\" (\"entity_id\" TEXT PRIMARY KEY, "
      "\"entity_name\" TEXT NOT NULL, \"tags\" TEXT NOT NULL) WITHOUT ROWID"};
  if (l.entity == common::kTagsTable || !l.tags || l.pk_columns != std::vector<std::string>{"id"}) return out;
  const std::string t = ident(l.table);
  const std::string name = common::string_literal(l.table);
  const std::string has_tags = "NEW.\"tags\" IS NOT NULL AND json_array_length(NEW.\"tags\") > 0";
  out.push_back("CREATE TRIGGER IF NOT EXISTS " + ident(l.table + "_tags_insert") + " AFTER INSERT ON " + t +
                " WHEN " + has_tags + " BEGIN INSERT OR REPLACE INTO \"tags\" VALUES (NEW.\"id\", " + name +
                ", NEW.\"tags\"); END");
  out.push_back("CREATE TRIGGER IF NOT EXISTS " + ident(l.table + "_tags_update") + " AFTER UPDATE OF \"tags\" ON " +
                t + " BEGIN DELETE FROM \"tags\" WHERE \"entity_id\" = OLD.\"id\"; INSERT INTO \"tags\" SELECT NEW.\"id\", " +
                name + ", NEW.\"tags\" WHERE " + has_tags + "; END");
  out.push_back("CREATE TRIGGER IF NOT EXISTS " + ident(l.table + "_tags_delete") + " AFTER DELETE ON " + t +
                " BEGIN DELETE FROM \"tags\" WHERE \"entity_id\" = OLD.\"id\"; END");
  return out;
}

std::vector<std::string> Statements::create() const {
  if (l_.entity == common::kTagsTable) return tags_index_ddl(l_);
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
      col(ident(f.columns[i]) + " " + std::string(sql_type(f.kinds[i])));
    }
  }
  // ws_id is never NULL ('' = none) so UNIQUE(ws_id, f) always bites.
  if (l_.workspaceable) col("\"ws_id\" TEXT NOT NULL DEFAULT ''");
  if (l_.ttl) col("\"ttl\" REAL");
  if (l_.cache_key) col("\"cache_key\" TEXT UNIQUE");
  col("PRIMARY KEY (" + join_idents(l_.pk_columns) + ")");
  for (const auto& f : l_.fields) {
    if (f.unique) col("UNIQUE " + conflict_on(f));
  }
  for (const auto& f : l_.fields) {
    if (!f.foreign) continue;
    col("FOREIGN KEY (" + join_idents(f.columns) + ") REFERENCES " + ident(f.parent_table) + " (" +
        join_idents(f.parent_pk) + ") ON DELETE " + std::string(on_delete_sql(f.on_delete)));
  }
  sql += ") WITHOUT ROWID";

  std::vector<std::string> out{sql};
  // Children are looked up by their fk on every parent delete and by page_for.
  for (const auto& f : l_.fields) {
    if (!f.foreign) continue;
    out.push_back("CREATE INDEX IF NOT EXISTS " + ident(l_.table + "_" + f.name + "_idx") + " ON " +
                  t + " (" + join_idents(f.columns) + ")");
  }
  if (l_.ttl) {
    out.push_back("CREATE INDEX IF NOT EXISTS " + ident(l_.table + "_ttl_idx") + " ON " + t +
                  " (\"ttl\")");
  }
  if (l_.tags) {
    for (auto& stmt : tags_index_ddl(l_)) out.push_back(std::move(stmt));
  }
  return out;
}

Statements::Statements(const Layout& l) : l_(l) {
  std::vector<std::string> cols;
  for (const auto& f : l_.fields) cols.insert(cols.end(), f.columns.begin(), f.columns.end());
  if (l_.workspaceable) cols.emplace_back("ws_id");
  if (l_.ttl) cols.emplace_back("ttl");
  select_list_ = join_idents(cols);
  select_where_ = "SELECT " + select_list_ + " FROM " + ident(l_.table) + " WHERE 1";
  insert_columns_ = cols;
  if (l_.cache_key) insert_columns_.emplace_back("cache_key");
  insert_prefix_ = "INSERT INTO " + ident(l_.table) + " (" + join_idents(insert_columns_) + ") VALUES (";
}

std::string Statements::select_list() const { return select_list_; }

size_t Statements::select_width() const {
  size_t n = 0;
  for (const auto& f : l_.fields) n += f.columns.size();
  return n + (l_.workspaceable ? 1 : 0) + (l_.ttl ? 1 : 0);
}

Sql Statements::select_where() const {
  Sql q;
  q.add(select_where_);
  return q;
}

Sql Statements::insert(const Value& row, const std::string& ws_id, const Param& ttl,
                       const std::string& conflict_target) const {
  // Values in insert_columns_ order: fields, ws_id, ttl, cache_key.
  const std::vector<std::string>& cols = insert_columns_;
  std::vector<Param> vals;
  vals.reserve(cols.size());
  static const Value kNull;
  for (const auto& f : l_.fields) {
    const Value* v = row.find(f.name);
    for (auto& p : field_params(f, v ? *v : kNull)) vals.push_back(std::move(p));
  }
  if (l_.workspaceable) vals.emplace_back(ws_id);
  if (l_.ttl) vals.push_back(ttl);
  if (l_.cache_key) {
    const Value* ck = row.find("cache_key");
    vals.push_back(ck && ck->is_string() ? Param{ck->as_string()} : Param{});
  }
  Sql q;
  q.text.reserve(insert_prefix_.size() + 3 * vals.size() + 256);
  q.add(insert_prefix_);
  for (size_t i = 0; i < vals.size(); ++i) {
    if (i) q.add(", ");
    q.bind(std::move(vals[i]));
  }
  q.add(")");
  if (!conflict_target.empty()) {
    std::set<std::string> keep(l_.pk_columns.begin(), l_.pk_columns.end());
    keep.insert("ws_id");
    std::string sets;
    for (const auto& c : cols) {
      if (keep.count(c) || conflict_target.find(ident(c)) != std::string::npos) continue;
      if (!sets.empty()) sets += ", ";
      sets += ident(c) + " = excluded." + ident(c);
    }
    q.add(" ON CONFLICT ").add(conflict_target);
    if (sets.empty()) {
      q.add(" DO UPDATE SET ").add(ident(l_.pk_columns[0])).add(" = ").add(ident(l_.pk_columns[0]));
    } else {
      q.add(" DO UPDATE SET ").add(sets);
    }
  }
  return q;
}

Sql Statements::update_set(const Value& row, const std::optional<Param>& ttl) const {
  Sql q;
  q.add("UPDATE ").add(ident(l_.table)).add(" SET ");
  bool any = false;
  auto set = [&](const std::string& col, Param p) {
    if (any) q.add(", ");
    any = true;
    q.add(ident(col)).add(" = ").bind(std::move(p));
  };
  std::set<std::string> pk(l_.pk_fields.begin(), l_.pk_fields.end());
  for (const auto& f : l_.fields) {
    const Value* v = row.find(f.name);
    if (!v || pk.count(f.name)) continue;
    auto params = field_params(f, *v);
    for (size_t i = 0; i < f.columns.size(); ++i) set(f.columns[i], std::move(params[i]));
  }
  if (l_.cache_key) {
    if (const Value* ck = row.find("cache_key"); ck && ck->is_string()) set("cache_key", ck->as_string());
  }
  if (l_.ttl && ttl) set("ttl", *ttl);
  if (!any) q.add(ident(l_.pk_columns[0])).add(" = ").add(ident(l_.pk_columns[0]));  // no-op
  q.add(" WHERE 1");
  return q;
}

Sql Statements::delete_from() const {
  Sql q;
  q.add("DELETE FROM ").add(ident(l_.table)).add(" WHERE 1");
  return q;
}

void Statements::and_pk(Sql& q, const Value& pk) const {
  for (const auto& name : l_.pk_fields) {
    const FieldMap* f = l_.field(name);
    if (!f) continue;
    const Value* v = pk.find(name);
    and_field(q, *f, v ? *v : Value());
  }
}

void Statements::and_field(Sql& q, const FieldMap& f, const Value& v) const {
  auto params = field_params(f, v);
  for (size_t i = 0; i < f.columns.size(); ++i) {
    q.add(" AND ").add(ident(f.columns[i]));
    if (std::holds_alternative<std::monostate>(params[i])) {
      q.add(" IS NULL");
    } else {
      q.add(" = ").bind(std::move(params[i]));
    }
  }
}

void Statements::and_ws(Sql& q, const std::string& ws_id, bool keep_pk_order) const {
  if (!l_.workspaceable || ws_id.empty()) return;
  // Paging must walk the primary key: a unary + stops SQLite from picking a UNIQUE(ws_id, f)
  // index for this term and then sorting the whole workspace.
  q.add(keep_pk_order ? " AND +\"ws_id\" = " : " AND \"ws_id\" = ").bind(ws_id);
}

void Statements::and_alive(Sql& q, double now) const {
  if (l_.ttl) q.add(" AND (\"ttl\" IS NULL OR \"ttl\" >= ").bind(now).add(")");
}

void Statements::and_tags(Sql& q, const TagsFilter& tags) const {
  if (!l_.tags || tags.tags.empty()) return;
  std::set<std::string> distinct(tags.tags.begin(), tags.tags.end());
  auto in_list = [&] {
    q.add("j.value IN (");
    bool first = true;
    for (const auto& t : distinct) {
      if (!first) q.add(", ");
      first = false;
      q.bind(t);
    }
    q.add(")");
  };
  const std::string col = ident(l_.table) + ".\"tags\"";
  if (tags.cond == TagsCond::Or) {
    q.add(" AND EXISTS (SELECT 1 FROM json_each(").add(col).add(") AS j WHERE ");
    in_list();
    q.add(")");
  } else {
    q.add(" AND (SELECT count(DISTINCT j.value) FROM json_each(").add(col).add(") AS j WHERE ");
    in_list();
    q.add(") = ").bind(static_cast<int64_t>(distinct.size()));
  }
}

void Statements::and_after(Sql& q, const std::vector<Param>& last) const {
  q.add(" AND (").add(join_idents(l_.pk_columns)).add(") > (");
  for (size_t i = 0; i < last.size(); ++i) {
    if (i) q.add(", ");
    q.bind(last[i]);
  }
  q.add(")");
}

void Statements::order_limit(Sql& q, int64_t limit) const {
  q.add(" ORDER BY ").add(join_idents(l_.pk_columns)).add(" LIMIT ").bind(limit);
}

void Statements::returning(Sql& q) const { q.add(" RETURNING ").add(select_list_); }

std::string Statements::conflict_on(const FieldMap& f) const {
  std::string cols = join_idents(f.columns);
  if (l_.workspaceable && !f.unique_across_ws) cols = "\"ws_id\", " + cols;
  return "(" + cols + ")";
}

std::string Statements::conflict_on_pk() const { return "(" + join_idents(l_.pk_columns) + ")"; }

}  // namespace kongdb::strategy::sqlite
