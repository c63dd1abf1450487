// What SQLite does its own way in the SQL family: column kinds and the value codec, tags as
// JSON arrays (json_each) kept in the tags index by triggers, constraint failures mapped to
// Kong's errors by extended result code plus probing, truncate with Postgres' CASCADE, and
// dropping every table. Written for kongdb; layout modelled on Kong's Postgres DDL.
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "kongdb/core/json.h"
#include "strategy/sqlite/sqlite_dialect.h"

namespace kongdb::strategy::sqlite {

using sql::ident;

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

Value param_value(const Param& p) {
  if (auto* n = std::get_if<int64_t>(&p)) return Value(static_cast<long long>(*n));
  if (auto* d = std::get_if<double>(&p)) return Value(*d);
  if (auto* s = std::get_if<std::string>(&p)) return Value(*s);
  return Value();
}

Error tag(Error e) { return sql::tag<Dialect>(std::move(e)); }

}  // namespace

Dialect::Layout Dialect::make_layout(const schema::Schema& s) {
  return model::make_layout(s, kind_of, ColKind::Text);
}

std::string_view Dialect::sql_type(ColKind k) {
  switch (k) {
    case ColKind::Text: return "TEXT";
    case ColKind::Integer: return "INTEGER";
    case ColKind::Real: return "REAL";
    case ColKind::Boolean: return "INTEGER";
    case ColKind::Json: return "TEXT";
  }
  return "TEXT";
}

// --- codec ---

Param Dialect::to_param(const Value& v, ColKind kind) {
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

Value Dialect::from_cell(const Param& p, ColKind kind) {
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

double Dialect::cell_number(const Param& p) {
  if (const auto* d = std::get_if<double>(&p)) return *d;
  if (const auto* n = std::get_if<int64_t>(&p)) return static_cast<double>(*n);
  return 0;
}

Value Dialect::key_value(const Param& p, ColKind) { return param_value(p); }

Param Dialect::list_param(const std::vector<std::string>& items) {
  Array a;
  for (const auto& s : items) a.emplace_back(s);
  return json::encode(Value(std::move(a)));
}

// --- SQL text ---

void Dialect::and_tags(Sql& q, const Layout& l, const TagsFilter& tags) {
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
  const std::string col = ident(l.table) + ".\"tags\"";
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

// Kong's tags table (tags as a JSON array), kept by triggers on every table with tags
// (entity_id is the row's id). The trigger bodies resolve "tags" when they fire, so the table
// is created with each feeder.
std::vector<std::string> Dialect::tags_table_ddl() {
  return {"CREATE TABLE IF NOT EXISTS \"tags\" (\"entity_id\" TEXT PRIMARY KEY, "
          "\"entity_name\" TEXT NOT NULL, \"tags\" TEXT NOT NULL) WITHOUT ROWID"};
}

std::vector<std::string> Dialect::tags_ddl(const Layout& l) {
  std::vector<std::string> out = tags_table_ddl();
  if (l.pk_columns != std::vector<std::string>{"id"}) return out;
  const std::string t = ident(l.table);
  const std::string name = sql::string_literal(l.table);
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

Sql Dialect::tags_query(const std::optional<std::string>& tag, const std::optional<model::TagsIndex::After>& after,
                        int64_t limit) {
  Sql q;
  if (tag) {
    q.add("SELECT t.\"entity_id\", t.\"entity_name\" FROM \"tags\" AS t WHERE EXISTS "
          "(SELECT 1 FROM json_each(t.\"tags\") AS j WHERE j.value = ")
        .bind(*tag)
        .add(")");
    if (after) q.add(" AND t.\"entity_id\" > ").bind(after->entity_id);
    q.add(" ORDER BY t.\"entity_id\"");
  } else {
    q.add("SELECT t.\"entity_id\", t.\"entity_name\", j.value, j.key + 1 FROM \"tags\" AS t, "
          "json_each(t.\"tags\") AS j");
    if (after) {
      q.add(" WHERE t.\"entity_id\" > ").bind(after->entity_id)
          .add(" OR (t.\"entity_id\" = ").bind(after->entity_id)
          .add(" AND j.key + 1 > ").bind(after->ordinality).add(")");
    }
    q.add(" ORDER BY t.\"entity_id\", j.key");
  }
  q.add(" LIMIT ").bind(limit);
  return q;
}

Sql Dialect::table_exists_query(const std::string& table) {
  Sql q;
  q.add("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ").bind(table);
  return q;
}

// --- error mapping ---

namespace {

Error unique_error(Db& db, const sql::Statements<Dialect>& sql, const StepError& e, const Dialect::WriteCtx& ctx) {
  const Dialect::Layout& l = sql.layout();
  const Value& row = *ctx.row;
  // Candidates: unique fields the write sets, then the composite cache key.
  std::vector<const Dialect::FieldMap*> candidates;
  for (const auto& f : l.fields) {
    if (!f.unique) continue;
    const Value* v = row.find(f.name);
    if (!v || v->is_null()) continue;
    // The field the write is addressed by conflicts only when the write changes it (a rename).
    if (&f == ctx.key_field && *v == ctx.key) continue;
    candidates.push_back(&f);
  }
  if (l.cache_key && ctx.key_field != &l.cache_key_map) {
    if (const Value* ck = row.find("cache_key"); ck && ck->is_string()) candidates.push_back(&l.cache_key_map);
  }
  auto shown = [&](const Dialect::FieldMap* f) {
    if (f != &l.cache_key_map) return Value::object({{f->name, *row.find(f->name)}});
    Object kv;
    for (const auto& name : l.cache_key_fields) {
      const Value* v = row.find(name);
      kv.set(name, v ? *v : Value());
    }
    return Value(std::move(kv));
  };
  for (const Dialect::FieldMap* f : candidates) {
    Sql q;
    q.add("SELECT 1 FROM ").add(ident(l.table)).add(" WHERE TRUE");
    sql.and_field(q, *f, *row.find(f->name));
    if (!f->unique_across_ws) sql.and_ws(q, ctx.ws_id);
    // The row being written is not its own conflict.
    if (ctx.key_field) {
      q.add(" AND NOT (TRUE");
      sql.and_field(q, *ctx.key_field, ctx.key);
      q.add(")");
    } else if (ctx.pk.is_object()) {
      q.add(" AND NOT (TRUE");
      sql.and_pk(q, ctx.pk);
      q.add(")");
    }
    q.add(" LIMIT 1");
    auto hit = db.run(q);
    if (hit && !hit->rows.empty()) return tag(errors::unique_violation(shown(f)));
  }
  if (!candidates.empty()) return tag(errors::unique_violation(shown(candidates.front())));
  return db_error(e.message);
}

Error reference_error(Db& db, const sql::Statements<Dialect>& sql, const StepError& e, const Dialect::WriteCtx& ctx) {
  if (!ctx.row) return db_error(e.message);
  for (const auto& f : sql.layout().fields) {
    if (!f.foreign) continue;
    const Value* v = ctx.row->find(f.name);
    if (!v || v->is_null()) continue;
    auto params = sql.field_params(f, *v);
    Sql q;
    q.add("SELECT 1 FROM ").add(ident(f.parent_table)).add(" WHERE TRUE");
    for (size_t i = 0; i < f.parent_pk.size(); ++i) {
      q.add(" AND ").add(ident(f.parent_pk[i]));
      if (Dialect::is_null(params[i])) {
        q.add(" IS NULL");
      } else {
        q.add(" = ").bind(params[i]);
      }
    }
    q.add(" LIMIT 1");
    auto hit = db.run(q);
    if (hit && hit->rows.empty()) {
      return tag(errors::foreign_key_violation_invalid_reference(*v, f.name, f.parent_name));
    }
  }
  return db_error(e.message);
}

Error restricted_error(Db& db, const sql::Statements<Dialect>& sql, const StepError& e, const Dialect::WriteCtx& ctx) {
  const Dialect::Layout& l = sql.layout();
  // Which child still points at the row? Ask SQLite for the restrict constraints on this table
  // and probe each one with the delete's own key.
  Sql fks;
  fks.add("SELECT m.name, p.\"from\", p.\"to\" FROM sqlite_schema AS m, "
          "pragma_foreign_key_list(m.name) AS p WHERE m.type = 'table' AND p.\"table\" = ")
      .bind(l.table)
      .add(" AND p.on_delete IN ('RESTRICT', 'NO ACTION')");
  auto children = db.run(fks);
  if (!children) return db_error(e.message);
  for (const Row& c : children->rows) {
    const auto* child = std::get_if<std::string>(&c[0]);
    const auto* from = std::get_if<std::string>(&c[1]);
    const auto* to = std::get_if<std::string>(&c[2]);
    if (!child || !from || !to) continue;
    Sql q;
    q.add("SELECT 1 FROM ").add(ident(*child)).add(" WHERE ").add(ident(*from)).add(" IN (SELECT ")
        .add(ident(*to)).add(" FROM ").add(ident(l.table)).add(" WHERE TRUE");
    if (ctx.key_field) {
      sql.and_field(q, *ctx.key_field, ctx.key);
    } else {
      sql.and_pk(q, ctx.pk);
    }
    q.add(") LIMIT 1");
    auto hit = db.run(q);
    if (hit && !hit->rows.empty()) return tag(errors::foreign_key_violation_restricted(l.entity, *child));
  }
  return db_error(e.message);
}

Result<std::vector<std::string>> referencing_tables(Db& db, const std::string& table) {
  Sql q;
  q.add("SELECT DISTINCT m.name FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS p "
        "WHERE m.type = 'table' AND p.\"table\" = ")
      .bind(table);
  auto rows = db.run(q);
  if (!rows) return db_error(rows.error().message);
  std::vector<std::string> out;
  for (const Row& r : rows->rows) {
    if (auto* s = std::get_if<std::string>(&r[0])) out.push_back(*s);
  }
  return out;
}

}  // namespace

// SQLite names no constraint in its errors: the extended result code says which kind failed,
// and probing the table says which field.
Error Dialect::map_error(Db& db, const sql::Statements<Dialect>& sql, const StepError& e, const WriteCtx& ctx) {
  switch (e.code) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_NOTNULL:
      return tag(errors::primary_key_violation(ctx.pk.is_object() ? ctx.pk
                                                                  : model::pk_of(sql.layout().pk_fields, *ctx.row)));
    case SQLITE_CONSTRAINT_UNIQUE:
      if (ctx.row) return unique_error(db, sql, e, ctx);
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ctx.is_delete ? restricted_error(db, sql, e, ctx) : reference_error(db, sql, e, ctx);
    case SQLITE_CONSTRAINT_TRIGGER:
      // ON DELETE RESTRICT is implemented as an internal trigger and reports this code.
      if (ctx.is_delete) return restricted_error(db, sql, e, ctx);
      break;
    default: break;
  }
  return db_error(e.message);
}

Result<void> Dialect::truncate(Db& db, const Layout& l) {
  // Postgres' TRUNCATE ... CASCADE empties every referencing table too; do the same,
  // children first, atomically.
  return db.atomic([&]() -> Result<void> {
    std::vector<std::string> order{l.table};
    std::set<std::string> seen{l.table};
    for (size_t i = 0; i < order.size(); ++i) {
      auto children = referencing_tables(db, order[i]);
      if (!children) return children.error();
      for (auto& c : *children) {
        if (seen.insert(c).second) order.push_back(c);
      }
    }
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      Sql q;
      q.add("DELETE FROM ").add(ident(*it));
      auto r = db.run(q);
      if (!r) return db_error(r.error().message);
    }
    return {};
  });
}

Result<void> Dialect::drop_all(Db& db) {
  db.clear_cache();
  Sql q;
  q.add("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  auto rows = db.run(q);
  if (!rows) return db_error(rows.error().message);
  db.clear_cache();
  // Dropping a parent runs an implicit DELETE that restrict constraints would refuse.
  if (auto r = db.exec("PRAGMA foreign_keys = OFF"); !r) return r;
  auto result = db.atomic([&]() -> Result<void> {
    for (const Row& t : rows->rows) {
      if (auto r = db.exec("DROP TABLE IF EXISTS " + ident(std::get<std::string>(t[0]))); !r) return r;
    }
    return {};
  });
  auto on = db.exec("PRAGMA foreign_keys = ON");
  if (!result) return result;
  return on;
}

}  // namespace kongdb::strategy::sqlite
