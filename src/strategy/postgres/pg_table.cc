// Schema -> PostgreSQL table layout (Kong's column types), the text-format column codec, and
// the statement builder (all SQL text of a table is produced here). Written for kongdb; layout
// follows kong/db/migrations/core/000_base.lua.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>

#include "kongdb/core/base64.h"
#include "kongdb/core/json.h"
#include "strategy/common/tags_index.h"
#include "strategy/postgres/pg_internal.h"

namespace kongdb::strategy::postgres {

namespace {

ColKind kind_of(const schema::Field* f) {
  if (!f) return ColKind::Uuid;  // an unknown parent is keyed like Kong's entities
  const bool ts = f->is(f->timestamp_);
  switch (f->type()) {
    case schema::FieldType::String: return f->is(f->uuid_) ? ColKind::Uuid : ColKind::Text;
    case schema::FieldType::Integer: return ts ? ColKind::TimestampInt : ColKind::Integer;
    case schema::FieldType::Number: return ts ? ColKind::TimestampReal : ColKind::Real;
    case schema::FieldType::Boolean: return ColKind::Boolean;
    case schema::FieldType::Array:
    case schema::FieldType::Set:
      if (f->elements_ && f->elements_->type() == schema::FieldType::String) {
        return f->elements_->is(f->elements_->uuid_) ? ColKind::UuidArray : ColKind::TextArray;
      }
      return ColKind::Json;
    default: return ColKind::Json;
  }
}

std::string_view sql_type(ColKind k) {
  switch (k) {
    case ColKind::Text: return "TEXT";
    case ColKind::Uuid: return "UUID";
    case ColKind::Integer: return "BIGINT";
    case ColKind::Real: return "DOUBLE PRECISION";
    case ColKind::Boolean: return "BOOLEAN";
    case ColKind::TimestampInt:
    case ColKind::TimestampReal: return "TIMESTAMP WITH TIME ZONE";
    case ColKind::TextArray: return "TEXT[]";
    case ColKind::UuidArray: return "UUID[]";
    case ColKind::Json: return "JSONB";
  }
  return "TEXT";
}

std::string_view cast_of(ColKind k) {
  switch (k) {
    case ColKind::Text: return "::text";
    case ColKind::Uuid: return "::uuid";
    case ColKind::Integer: return "::bigint";
    case ColKind::Real: return "::float8";
    case ColKind::Boolean: return "::boolean";
    case ColKind::TextArray: return "::text[]";
    case ColKind::UuidArray: return "::uuid[]";
    case ColKind::Json: return "::jsonb";
    default: return "::float8";
  }
}

// How a column is read: timestamps as epochs, arrays as JSON text (no array-literal parser).
std::string read_expr(const std::string& col, ColKind k) {
  const std::string c = ident(col);
  switch (k) {
    case ColKind::TimestampInt: return "floor(extract(epoch from " + c + "))::bigint";
    case ColKind::TimestampReal: return "extract(epoch from " + c + ")::float8";
    case ColKind::TextArray:
    case ColKind::UuidArray: return "array_to_json(" + c + ")::text";
    default: return c;
  }
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

std::string pg_name(std::string name) {
  if (name.size() <= 63) return name;
  uint32_t h = 2166136261u;  // FNV-1a keeps shortened names distinct and stable
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  return name.substr(0, 54) + "_" + hex;
}

std::string number_text(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

Value cell_value(const std::optional<std::string>& c, ColKind kind) {
  if (!c) return Value();
  if (kind == ColKind::Integer || kind == ColKind::TimestampInt) {
    return Value(static_cast<long long>(std::strtoll(c->c_str(), nullptr, 10)));
  }
  return Value(*c);
}

}  // namespace

Layout make_layout(const schema::Schema& s) {
  Layout l = common::make_layout(s, kind_of, ColKind::Text);
  // Tags are filtered with array operators, so only a text[] column counts; an offset key must
  // be a UUID exactly where the column is one (a foreign key's parent decides its kind).
  if (l.tags) l.tags = l.field("tags")->kinds[0] == ColKind::TextArray;
  for (size_t i = 0; i < l.pk_kinds.size(); ++i) l.pk_is_uuid[i] = l.pk_kinds[i] == ColKind::Uuid;
  return l;
}

std::string pk_constraint(const Layout& l) { return pg_name(l.table + "_pkey"); }
std::string unique_constraint(const Layout& l, const FieldMap& f) {
  return pg_name(l.table + "_" + f.name + "_key");
}
std::string fk_constraint(const Layout& l, const FieldMap& f) {
  return pg_name(l.table + "_" + f.name + "_fkey");
}

// --- codec ---

std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::vector<std::string> json_strings(const std::optional<std::string>& c) {
  std::vector<std::string> out;
  if (!c) return out;
  auto parsed = json::parse(*c);
  if (!parsed || !parsed->is_array()) return out;
  for (const Value& v : parsed->as_array()) {
    if (v.is_string()) out.push_back(v.as_string());
  }
  return out;
}

Param to_param(const Value& v, ColKind kind) {
  if (v.is_null()) return std::nullopt;
  switch (kind) {
    case ColKind::Text:
    case ColKind::Uuid:
      if (v.is_string()) return v.as_string();
      if (v.is_table()) return json::encode(v);
      return v.to_lua_string();
    case ColKind::Integer:
      if (v.is_integer()) return std::to_string(v.as_integer());
      if (v.is_boolean()) return v.as_boolean() ? "1" : "0";
      if (v.is_float()) {
        double d = v.as_number();
        if (std::floor(d) == d && std::fabs(d) < 9.2e18) return std::to_string(static_cast<int64_t>(d));
        return number_text(d);  // Postgres refuses it: a database error, as in Kong
      }
      if (v.is_string()) return v.as_string();
      return json::encode(v);
    case ColKind::Real:
    case ColKind::TimestampInt:
    case ColKind::TimestampReal:
      if (v.is_integer()) return std::to_string(v.as_integer());
      if (v.is_number()) return number_text(v.as_number());
      if (v.is_string()) return v.as_string();
      return json::encode(v);
    case ColKind::Boolean:
      if (v.is_boolean()) return v.as_boolean() ? "true" : "false";
      return v.to_lua_string();
    case ColKind::TextArray:
    case ColKind::UuidArray: {
      std::vector<std::string> items;
      if (v.is_array()) {
        for (const Value& e : v.as_array()) items.push_back(e.is_string() ? e.as_string() : e.to_lua_string());
      } else if (v.is_object() && v.as_object().empty()) {
        // An empty table decoded as an object is still an empty list.
      } else {
        return json::encode(v);  // not a list: Postgres refuses it
      }
      return array_literal(items);
    }
    case ColKind::Json:
      return json::encode(v);
  }
  return std::nullopt;
}

Value from_cell(const std::optional<std::string>& c, ColKind kind) {
  if (!c) return Value();
  switch (kind) {
    case ColKind::Boolean: return Value(*c == "t" || *c == "true");
    case ColKind::Integer:
    case ColKind::TimestampInt: return Value(static_cast<long long>(std::strtoll(c->c_str(), nullptr, 10)));
    case ColKind::Real:
    case ColKind::TimestampReal: {
      double d = std::strtod(c->c_str(), nullptr);
      // Lua has one number type: integral values read back as integers, as cjson prints them.
      if (std::floor(d) == d && std::fabs(d) < 9007199254740992.0) return Value(static_cast<long long>(d));
      return Value(d);
    }
    case ColKind::TextArray:
    case ColKind::UuidArray:
    case ColKind::Json: {
      auto parsed = json::parse(*c);
      if (parsed) return std::move(*parsed);
      return Value(*c);
    }
    default: return Value(*c);
  }
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
      out.set(f.name, from_cell(row[i++], f.kinds[0]));
      continue;
    }
    Object key;
    bool any = false;
    for (size_t k = 0; k < f.columns.size(); ++k, ++i) {
      if (row[i]) any = true;
      key.set(f.parent_pk[k], from_cell(row[i], f.kinds[k]));
    }
    out.set(f.name, any ? Value(std::move(key)) : Value());
  }
  if (l.workspaceable) {
    const auto& ws = row[i++];
    out.set("ws_id", ws && *ws != kNoWorkspace ? Value(*ws) : Value());
  }
  if (l.ttl) {
    const auto& p = row[i++];
    if (!p) {
      out.set("ttl", Value());
    } else {
      double expiry = std::strtod(p->c_str(), nullptr);
      double shown = export_ttl ? expiry : expiry - now;
      out.set("ttl", Value(static_cast<long long>(std::floor(shown))));
    }
  }
  return Value(std::move(out));
}

std::string encode_offset(const Layout& l, const Row& last) {
  Array keys;
  for (size_t k = 0; k < l.pk_row_index.size(); ++k) keys.push_back(cell_value(last[l.pk_row_index[k]], l.pk_kinds[k]));
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
      out.emplace_back(std::to_string(v.as_integer()));
    } else {
      out.emplace_back(number_text(v.as_number()));
    }
  }
  return out;
}

// --- statements ---

void bind_col(Sql& q, Param p, ColKind kind) {
  if (kind == ColKind::TimestampInt || kind == ColKind::TimestampReal) {
    q.add("to_timestamp(").bind(std::move(p), "::float8").add(")");
  } else {
    q.bind(std::move(p), cast_of(kind));
  }
}

// Kong's tags table and its trigger function (same names, so a Kong plugin migration that
// attaches sync_tags() to its own table works unchanged). Written for kongdb.
static std::vector<std::string> tags_index_ddl() {
  return {
      "CREATE TABLE IF NOT EXISTS \"tags\" (\"entity_id\" UUID PRIMARY KEY, \"entity_name\" TEXT, "
      "\"tags\" TEXT[])",
      "CREATE INDEX IF NOT EXISTS \"tags_entity_name_idx\" ON \"tags\" (\"entity_name\")",
      "CREATE INDEX IF NOT EXISTS \"tags_tags_idx\" ON \"tags\" USING GIN (\"tags\")",
      R"SQL(CREATE OR REPLACE FUNCTION sync_tags() RETURNS TRIGGER LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM tags WHERE entity_name = TG_TABLE_NAME;
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM tags WHERE entity_id = OLD.id;
    RETURN OLD;
  ELSIF NEW.tags IS NULL OR cardinality(NEW.tags) = 0 THEN
    DELETE FROM tags WHERE entity_id = NEW.id;
  ELSE
    INSERT INTO tags (entity_id, entity_name, tags) VALUES (NEW.id, TG_TABLE_NAME, NEW.tags)
      ON CONFLICT (entity_id) DO UPDATE SET tags = EXCLUDED.tags;
  END IF;
  RETURN NEW;
END
$body$)SQL"};
}

std::vector<std::string> Statements::create() const {
  if (l_.entity == common::kTagsTable) return tags_index_ddl();
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
  if (l_.workspaceable) col("\"ws_id\" UUID NOT NULL DEFAULT '" + std::string(kNoWorkspace) + "'");
  if (l_.ttl) col("\"ttl\" TIMESTAMP WITH TIME ZONE");
  if (l_.cache_key) {
    col("\"cache_key\" TEXT CONSTRAINT " + ident(unique_constraint(l_, l_.cache_key_map)) + " UNIQUE");
  }
  // Named constraints: error mapping recovers the field from PG_DIAG_CONSTRAINT_NAME.
  col("CONSTRAINT " + ident(pk_constraint(l_)) + " PRIMARY KEY (" + join_idents(l_.pk_columns) + ")");
  for (const auto& f : l_.fields) {
    if (f.unique) col("CONSTRAINT " + ident(unique_constraint(l_, f)) + " UNIQUE " + conflict_on(f));
  }
  for (const auto& f : l_.fields) {
    if (!f.foreign) continue;
    col("CONSTRAINT " + ident(fk_constraint(l_, f)) + " FOREIGN KEY (" + join_idents(f.columns) +
        ") REFERENCES " + ident(f.parent_table) + " (" + join_idents(f.parent_pk) + ") ON DELETE " +
        std::string(on_delete_sql(f.on_delete)));
  }
  sql += ")";

  std::vector<std::string> out{sql};
  // Children are looked up by their fk on every parent delete and by page_for.
  for (const auto& f : l_.fields) {
    if (!f.foreign) continue;
    out.push_back("CREATE INDEX IF NOT EXISTS " + ident(pg_name(l_.table + "_" + f.name + "_idx")) +
                  " ON " + t + " (" + join_idents(f.columns) + ")");
  }
  if (l_.tags) {
    out.push_back("CREATE INDEX IF NOT EXISTS " + ident(pg_name(l_.table + "_tags_idx")) + " ON " + t +
                  " USING GIN (\"tags\")");
  }
  if (l_.ttl) {
    out.push_back("CREATE INDEX IF NOT EXISTS " + ident(pg_name(l_.table + "_ttl_idx")) + " ON " + t +
                  " (\"ttl\")");
  }
  if (l_.tags && l_.pk_columns == std::vector<std::string>{"id"}) {
    for (auto& stmt : tags_index_ddl()) out.push_back(std::move(stmt));
    out.push_back("CREATE OR REPLACE TRIGGER " + ident(pg_name(l_.table + "_sync_tags_trigger")) +
                  " AFTER INSERT OR UPDATE OF \"tags\" OR DELETE ON " + t +
                  " FOR EACH ROW EXECUTE FUNCTION sync_tags()");
    out.push_back("CREATE OR REPLACE TRIGGER " + ident(pg_name(l_.table + "_sync_tags_truncate")) +
                  " AFTER TRUNCATE ON " + t + " FOR EACH STATEMENT EXECUTE FUNCTION sync_tags()");
  }
  return out;
}

std::string Statements::select_list() const {
  std::string out;
  auto add = [&](const std::string& e) {
    if (!out.empty()) out += ", ";
    out += e;
  };
  for (const auto& f : l_.fields) {
    for (size_t i = 0; i < f.columns.size(); ++i) add(read_expr(f.columns[i], f.kinds[i]));
  }
  if (l_.workspaceable) add("\"ws_id\"");
  if (l_.ttl) add(read_expr("ttl", ColKind::TimestampReal));
  return out;
}

Sql Statements::select_where() const {
  Sql q;
  q.add("SELECT ").add(select_list()).add(" FROM ").add(ident(l_.table)).add(" WHERE TRUE");
  return q;
}

Sql Statements::insert(const Value& row, const std::string& ws_id, const Param& ttl,
                       const std::string& conflict_target) const {
  std::vector<std::string> cols;
  std::vector<std::pair<Param, ColKind>> vals;
  for (const auto& f : l_.fields) {
    const Value* v = row.find(f.name);
    auto params = field_params(f, v ? *v : Value());
    for (size_t i = 0; i < f.columns.size(); ++i) {
      cols.push_back(f.columns[i]);
      vals.emplace_back(std::move(params[i]), f.kinds[i]);
    }
  }
  if (l_.workspaceable) {
    cols.emplace_back("ws_id");
    vals.emplace_back(ws_id.empty() ? std::string(kNoWorkspace) : ws_id, ColKind::Uuid);
  }
  if (l_.ttl) {
    cols.emplace_back("ttl");
    vals.emplace_back(ttl, ColKind::TimestampReal);
  }
  if (l_.cache_key) {
    const Value* ck = row.find("cache_key");
    cols.emplace_back("cache_key");
    vals.emplace_back(ck && ck->is_string() ? Param{ck->as_string()} : Param{}, ColKind::Text);
  }
  Sql q;
  q.add("INSERT INTO ").add(ident(l_.table)).add(" (").add(join_idents(cols)).add(") VALUES (");
  for (size_t i = 0; i < vals.size(); ++i) {
    if (i) q.add(", ");
    bind_col(q, std::move(vals[i].first), vals[i].second);
  }
  q.add(")");
  if (!conflict_target.empty()) {
    std::set<std::string> keep(l_.pk_columns.begin(), l_.pk_columns.end());
    keep.insert("ws_id");
    std::string sets;
    for (const auto& c : cols) {
      if (keep.count(c) || conflict_target.find(ident(c)) != std::string::npos) continue;
      if (!sets.empty()) sets += ", ";
      sets += ident(c) + " = EXCLUDED." + ident(c);
    }
    if (sets.empty()) sets = ident(l_.pk_columns[0]) + " = EXCLUDED." + ident(l_.pk_columns[0]);
    q.add(" ON CONFLICT ").add(conflict_target).add(" DO UPDATE SET ").add(sets);
  }
  return q;
}

Sql Statements::update_set(const Value& row, const std::optional<Param>& ttl) const {
  Sql q;
  q.add("UPDATE ").add(ident(l_.table)).add(" SET ");
  bool any = false;
  auto set = [&](const std::string& col, Param p, ColKind kind) {
    if (any) q.add(", ");
    any = true;
    q.add(ident(col)).add(" = ");
    bind_col(q, std::move(p), kind);
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
      set("cache_key", ck->as_string(), ColKind::Text);
    }
  }
  if (l_.ttl && ttl) set("ttl", *ttl, ColKind::TimestampReal);
  if (!any) q.add(ident(l_.pk_columns[0])).add(" = ").add(ident(l_.pk_columns[0]));  // no-op
  q.add(" WHERE TRUE");
  return q;
}

Sql Statements::delete_from() const {
  Sql q;
  q.add("DELETE FROM ").add(ident(l_.table)).add(" WHERE TRUE");
  return q;
}

Sql Statements::truncate() const {
  // Kong's truncate: children referencing the table go too.
  Sql q;
  q.add("TRUNCATE ").add(ident(l_.table)).add(" RESTART IDENTITY CASCADE");
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
    if (!params[i]) {
      q.add(" IS NULL");
    } else {
      q.add(" = ");
      bind_col(q, std::move(params[i]), f.kinds[i]);
    }
  }
}

void Statements::and_ws(Sql& q, const std::string& ws_id) const {
  if (!l_.workspaceable || ws_id.empty()) return;
  q.add(" AND \"ws_id\" = ").bind(ws_id, "::uuid");
}

void Statements::and_alive(Sql& q, double now) const {
  if (l_.ttl) q.add(" AND (\"ttl\" IS NULL OR \"ttl\" >= to_timestamp(").bind(number_text(now), "::float8").add("))");
}

void Statements::and_tags(Sql& q, const TagsFilter& tags) const {
  if (!l_.tags || tags.tags.empty()) return;
  // GIN-indexed array operators: contains-all (AND) or overlaps (OR).
  q.add(tags.cond == TagsCond::And ? " AND \"tags\" @> " : " AND \"tags\" && ")
      .bind(array_literal(tags.tags), "::text[]");
}

void Statements::and_after(Sql& q, const std::vector<Param>& last) const {
  q.add(" AND (").add(join_idents(l_.pk_columns)).add(") > (");
  for (size_t i = 0; i < last.size(); ++i) {
    if (i) q.add(", ");
    bind_col(q, last[i], l_.pk_kinds[i]);
  }
  q.add(")");
}

void Statements::order_limit(Sql& q, int64_t limit) const {
  q.add(" ORDER BY ").add(join_idents(l_.pk_columns)).add(" LIMIT ").bind(std::to_string(limit), "::bigint");
}

void Statements::returning(Sql& q) const { q.add(" RETURNING ").add(select_list()); }

std::string Statements::conflict_on(const FieldMap& f) const {
  std::string cols = join_idents(f.columns);
  if (l_.workspaceable && !f.unique_across_ws) cols = "\"ws_id\", " + cols;
  return "(" + cols + ")";
}

std::string Statements::conflict_on_pk() const { return "(" + join_idents(l_.pk_columns) + ")"; }

}  // namespace kongdb::strategy::postgres
