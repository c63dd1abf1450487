// What PostgreSQL does its own way in the SQL family: Kong's column types (UUID, TIMESTAMPTZ,
// TEXT[], JSONB) and their text-format codec, casts on placeholders, TEXT[] tags with GIN
// operators kept in the tags index by Kong's sync_tags() trigger, named constraints mapped back
// to Kong's errors, TRUNCATE ... CASCADE, and dropping every table. Written for kongdb; layout
// follows kong/db/migrations/core/000_base.lua.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "kongdb/core/json.h"
#include "strategy/postgres/pg_dialect.h"

namespace kongdb::strategy::postgres {

using sql::ident;

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

std::string number_text(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

Error tag(Error e) { return sql::tag<Dialect>(std::move(e)); }

}  // namespace

Dialect::Layout Dialect::make_layout(const schema::Schema& s) {
  Layout l = model::make_layout(s, kind_of, ColKind::Text);
  // Tags are filtered with array operators, so only a text[] column counts; an offset key must
  // be a UUID exactly where the column is one (a foreign key's parent decides its kind).
  if (l.tags) l.tags = l.field("tags")->kinds[0] == ColKind::TextArray;
  for (size_t i = 0; i < l.pk_kinds.size(); ++i) l.pk_is_uuid[i] = l.pk_kinds[i] == ColKind::Uuid;
  return l;
}

std::string Dialect::object_name(std::string name) {
  if (name.size() <= 63) return name;
  uint32_t h = 2166136261u;  // FNV-1a keeps shortened names distinct and stable
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", h);
  return name.substr(0, 54) + "_" + hex;
}

std::string Dialect::pk_constraint(const Layout& l) { return object_name(l.table + "_pkey"); }
std::string Dialect::unique_constraint(const Layout& l, const FieldMap& f) {
  return object_name(l.table + "_" + f.name + "_key");
}
std::string Dialect::fk_constraint(const Layout& l, const FieldMap& f) {
  return object_name(l.table + "_" + f.name + "_fkey");
}

std::string_view Dialect::sql_type(ColKind k) {
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

// How a column is read: timestamps as epochs, arrays as JSON text (no array-literal parser).
std::string Dialect::read_expr(const std::string& column, ColKind k) {
  const std::string c = ident(column);
  switch (k) {
    case ColKind::TimestampInt: return "floor(extract(epoch from " + c + "))::bigint";
    case ColKind::TimestampReal: return "extract(epoch from " + c + ")::float8";
    case ColKind::TextArray:
    case ColKind::UuidArray: return "array_to_json(" + c + ")::text";
    default: return c;
  }
}

// --- codec ---

std::string Dialect::array_literal(const std::vector<std::string>& items) {
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

void Dialect::bind(Sql& q, Param p, ColKind kind) {
  if (kind == ColKind::TimestampInt || kind == ColKind::TimestampReal) {
    q.add("to_timestamp(").bind(std::move(p), "::float8").add(")");
  } else {
    q.bind(std::move(p), cast_of(kind));
  }
}

Param Dialect::real(double d) { return number_text(d); }

Param Dialect::to_param(const Value& v, ColKind kind) {
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

Value Dialect::from_cell(const Param& c, ColKind kind) {
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

double Dialect::cell_number(const Param& c) { return c ? std::strtod(c->c_str(), nullptr) : 0; }

int64_t Dialect::cell_integer(const Param& c) { return c ? std::strtoll(c->c_str(), nullptr, 10) : 0; }

Value Dialect::key_value(const Param& c, ColKind kind) {
  if (!c) return Value();
  if (kind == ColKind::Integer || kind == ColKind::TimestampInt) {
    return Value(static_cast<long long>(std::strtoll(c->c_str(), nullptr, 10)));
  }
  return Value(*c);
}

// --- SQL text ---

void Dialect::and_tags(Sql& q, const Layout&, const TagsFilter& tags) {
  // GIN-indexed array operators: contains-all (AND) or overlaps (OR).
  q.add(tags.cond == TagsCond::And ? " AND \"tags\" @> " : " AND \"tags\" && ")
      .bind(array_literal(tags.tags), "::text[]");
}

// Kong's tags table and its trigger function (same names, so a Kong plugin migration that
// attaches sync_tags() to its own table works unchanged). Written for kongdb.
std::vector<std::string> Dialect::tags_table_ddl() {
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

std::vector<std::string> Dialect::tags_ddl(const Layout& l) {
  const std::string t = ident(l.table);
  std::vector<std::string> out{"CREATE INDEX IF NOT EXISTS " + ident(object_name(l.table + "_tags_idx")) + " ON " + t +
                               " USING GIN (\"tags\")"};
  if (l.pk_columns != std::vector<std::string>{"id"}) return out;
  for (auto& stmt : tags_table_ddl()) out.push_back(std::move(stmt));
  out.push_back("CREATE OR REPLACE TRIGGER " + ident(object_name(l.table + "_sync_tags_trigger")) +
                " AFTER INSERT OR UPDATE OF \"tags\" OR DELETE ON " + t + " FOR EACH ROW EXECUTE FUNCTION sync_tags()");
  out.push_back("CREATE OR REPLACE TRIGGER " + ident(object_name(l.table + "_sync_tags_truncate")) +
                " AFTER TRUNCATE ON " + t + " FOR EACH STATEMENT EXECUTE FUNCTION sync_tags()");
  return out;
}

Sql Dialect::tags_query(const std::optional<std::string>& tag, const std::optional<model::TagsIndex::After>& after,
                        int64_t limit) {
  Sql q;
  if (tag) {
    q.add("SELECT entity_id, entity_name FROM tags WHERE tags @> ARRAY[").bind(*tag, "::text").add("]");
    if (after) q.add(" AND entity_id > ").bind(after->entity_id, "::uuid");
    q.add(" ORDER BY entity_id");
  } else {
    q.add("SELECT entity_id, entity_name, t.tag, t.ordinality FROM tags, "
          "UNNEST(tags) WITH ORDINALITY AS t (tag, ordinality)");
    if (after) {
      q.add(" WHERE entity_id > ").bind(after->entity_id, "::uuid")
          .add(" OR (entity_id = ").bind(after->entity_id, "::uuid")
          .add(" AND t.ordinality > ").bind(std::to_string(after->ordinality), "::bigint").add(")");
    }
    q.add(" ORDER BY entity_id, t.ordinality");
  }
  q.add(" LIMIT ").bind(std::to_string(limit), "::bigint");
  return q;
}

Sql Dialect::table_exists_query(const std::string& table) {
  Sql q;
  q.add("SELECT 1 WHERE to_regclass(").bind(ident(table), "::text").add(") IS NOT NULL");
  return q;
}

// --- behaviour ---

Error Dialect::map_error(Db&, const sql::Statements<Dialect>& sql, const PgError& e, const WriteCtx& ctx) {
  const Layout& l = sql.layout();
  static const Value kNull;
  // PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1).
  auto server_truncated = [](std::string name) {
    if (name.size() > 63) name.resize(63);
    return name;
  };
  auto row_value = [&](const std::string& name) -> const Value& {
    const Value* v = ctx.row ? ctx.row->find(name) : nullptr;
    return v ? *v : kNull;
  };
  if (e.sqlstate == "23505" || e.sqlstate == "23502") {  // unique_violation, not_null_violation
    if (e.sqlstate == "23502" || e.constraint == pk_constraint(l)) {
      return tag(errors::primary_key_violation(
          ctx.pk.is_object() ? ctx.pk : ctx.row ? model::pk_of(l.pk_fields, *ctx.row) : Value::object()));
    }
    if (l.cache_key && e.constraint == unique_constraint(l, l.cache_key_map)) {
      Object kv;
      for (const auto& name : l.cache_key_fields) kv.set(name, row_value(name));
      return tag(errors::unique_violation(Value(std::move(kv))));
    }
    for (const auto& f : l.fields) {
      // Kong's own plugin migrations name the pair constraint <table>_ws_id_<field>_unique.
      if (f.unique && (e.constraint == unique_constraint(l, f) ||
                       e.constraint == server_truncated(l.table + "_ws_id_" + f.name + "_unique"))) {
        return tag(errors::unique_violation(Value::object({{f.name, row_value(f.name)}})));
      }
    }
  } else if (e.sqlstate == "23503") {  // foreign_key_violation
    if (ctx.is_delete) {
      // Reported on the referencing table: that child still points at the row.
      return tag(errors::foreign_key_violation_restricted(l.entity, e.table));
    }
    for (const auto& f : l.fields) {
      // Plugin DDL written as Kong's leaves PostgreSQL's default name, <table>_<column>_fkey.
      if (f.foreign && (e.constraint == fk_constraint(l, f) ||
                        (f.columns.size() == 1 && e.constraint == server_truncated(l.table + "_" + f.columns[0] + "_fkey")))) {
        return tag(errors::foreign_key_violation_invalid_reference(row_value(f.name), f.name, f.parent_name));
      }
    }
  }
  return db_error(e.message);
}

Result<void> Dialect::truncate(Db& db, const Layout& l) {
  // Kong's truncate: children referencing the table go too.
  Sql q;
  q.add("TRUNCATE ").add(ident(l.table)).add(" RESTART IDENTITY CASCADE");
  auto r = db.run(q);
  if (!r) return db_error(r.error().message);
  return {};
}

Result<void> Dialect::drop_all(Db& db) {
  auto result = db.atomic([&]() -> Result<void> {
    if (auto r = db.exec(std::string(kMigrationLock)); !r) return r;
    Sql q;
    q.add("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
    auto rows = db.run(q);
    if (!rows) return db_error(rows.error().message);
    // The tags trigger function goes with the tables (a fresh bootstrap recreates it).
    if (auto r = db.exec("DROP FUNCTION IF EXISTS sync_tags() CASCADE"); !r) return r;
    if (rows->rows.empty()) return {};
    // One statement with CASCADE: order does not matter, restrict constraints go with it.
    std::string drop = "DROP TABLE IF EXISTS ";
    for (size_t i = 0; i < rows->rows.size(); ++i) {
      if (i) drop += ", ";
      drop += ident(rows->rows[i][0].value_or(""));
    }
    return db.exec(drop + " CASCADE");
  });
  db.invalidate_statements();
  return result;
}

}  // namespace kongdb::strategy::postgres
