// Per-entity SQLite strategy: CRUD, keyset pages, ttl, and mapping of constraint failures to
// Kong's errors by extended result code plus probing. Written for kongdb; behaviour follows
// kong/db/strategies/postgres/init.lua.
#include <set>
#include <string>
#include <utility>

#include "strategy/sqlite/sqlite_internal.h"
#include "strategy/sqlite/sqlite_strategy.h"

namespace kongdb::strategy::sqlite {

namespace {

bool is_null_param(const Param& p) { return std::holds_alternative<std::monostate>(p); }

}  // namespace

SqliteStrategy::SqliteStrategy(std::shared_ptr<Db> db, Layout layout)
    : db_(std::move(db)), layout_(std::move(layout)), sql_(layout_) {}

Param SqliteStrategy::ttl_param(const QueryOptions& opts) const {
  if (!layout_.ttl || !opts.ttl || *opts.ttl <= 0) return std::monostate{};
  return db_->now() + static_cast<double>(*opts.ttl);
}

Result<std::vector<Row>> SqliteStrategy::read(const Sql& q) {
  auto rows = db_->run(q);
  if (!rows) return db_error(rows.error().message);
  return std::move(*rows);
}

Result<std::optional<Value>> SqliteStrategy::first(const std::vector<Row>& rows,
                                                   const QueryOptions& opts) const {
  if (rows.empty()) return std::optional<Value>();
  return std::optional<Value>(decode_row(layout_, rows[0], db_->now(), opts.export_ttl));
}

Result<std::optional<Value>> SqliteStrategy::select(const Value& pk, const QueryOptions& opts) {
  Sql q = sql_.select_where();
  sql_.and_pk(q, pk);
  sql_.and_ws(q, opts.ws_id);
  if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
  q.add(" LIMIT 1");
  auto rows = read(q);
  if (!rows) return rows.error();
  return first(*rows, opts);
}

Result<const FieldMap*> SqliteStrategy::by_field(std::string_view field) const {
  const FieldMap* f = layout_.field(field);
  if (!f) return db_error("unknown field '" + std::string(field) + "' on '" + layout_.entity + "'");
  return f;
}

void SqliteStrategy::and_field_ws(Sql& q, const FieldMap& f, const Value& v,
                                  const QueryOptions& opts) const {
  sql_.and_field(q, f, v);
  if (!f.unique_across_ws) sql_.and_ws(q, opts.ws_id);
}

Result<std::optional<Value>> SqliteStrategy::select_by_field(std::string_view field,
                                                             const Value& value,
                                                             const QueryOptions& opts) {
  auto f = by_field(field);
  if (!f) return f.error();
  Sql q = sql_.select_where();
  and_field_ws(q, **f, value, opts);
  if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
  q.add(" LIMIT 1");
  auto rows = read(q);
  if (!rows) return rows.error();
  return first(*rows, opts);
}

Result<Page> SqliteStrategy::page_impl(const FieldMap* fk, const Value& fk_pk, int64_t size,
                                       const std::optional<std::string>& offset,
                                       const QueryOptions& opts) {
  if (size < 1) size = 1;
  std::optional<std::vector<Param>> after;
  if (offset) {
    auto last = decode_offset(layout_, *offset);
    if (!last) return last.error();
    after = std::move(*last);
  }
  Sql q = sql_.select_where();
  if (fk) sql_.and_field(q, *fk, fk_pk);
  sql_.and_ws(q, opts.ws_id, /*keep_pk_order=*/fk == nullptr);
  if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
  if (opts.tags) sql_.and_tags(q, *opts.tags);
  if (after) sql_.and_after(q, *after);
  sql_.order_limit(q, size + 1);  // one extra row tells whether another page exists
  auto rows = read(q);
  if (!rows) return rows.error();
  const double now = db_->now();
  return common::finish_page(
      std::move(*rows), size, [&](const Row& last) { return encode_offset(layout_, last); },
      [&](const Row& r) { return decode_row(layout_, r, now, opts.export_ttl); });
}

Result<Page> SqliteStrategy::page(int64_t size, const std::optional<std::string>& offset,
                                  const QueryOptions& opts) {
  return page_impl(nullptr, Value(), size, offset, opts);
}

Result<Page> SqliteStrategy::page_for(std::string_view fk_field, const Value& fk_pk, int64_t size,
                                      const std::optional<std::string>& offset,
                                      const QueryOptions& opts) {
  auto f = by_field(fk_field);
  if (!f) return f.error();
  return page_impl(*f, fk_pk, size, offset, opts);
}

Result<Value> SqliteStrategy::write_one(const Sql& q, const WriteCtx& ctx) {
  auto rows = db_->run(q);
  if (!rows) return map_error(rows.error(), ctx);
  if (rows->empty()) return db_error("no row returned");
  return decode_row(layout_, (*rows)[0], db_->now(), false);
}

Result<Value> SqliteStrategy::insert(const Value& row, const QueryOptions& opts) {
  const std::string ws = common::write_ws(row, opts);
  Sql q = sql_.insert(row, ws, ttl_param(opts), "");
  sql_.returning(q);
  return write_one(q, WriteCtx{&row, common::pk_of(layout_.pk_fields, row), nullptr, Value(), ws, false});
}

Result<std::optional<Value>> SqliteStrategy::update_impl(const FieldMap* f, const Value& key,
                                                         const Value& row,
                                                         const QueryOptions& opts) {
  std::optional<Param> ttl;
  if (opts.ttl) ttl = ttl_param(opts);
  Sql q = sql_.update_set(row, ttl);
  if (f) {
    and_field_ws(q, *f, key, opts);
  } else {
    sql_.and_pk(q, key);
    sql_.and_ws(q, opts.ws_id);
  }
  if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
  sql_.returning(q);
  auto rows = db_->run(q);
  WriteCtx ctx{&row, f ? Value() : key, f, f ? key : Value(), opts.ws_id, false};
  if (!rows) return map_error(rows.error(), ctx);
  if (rows->empty()) return std::optional<Value>();
  return std::optional<Value>(decode_row(layout_, (*rows)[0], db_->now(), false));
}

Result<std::optional<Value>> SqliteStrategy::update(const Value& pk, const Value& row,
                                                    const QueryOptions& opts) {
  return update_impl(nullptr, pk, row, opts);
}

Result<std::optional<Value>> SqliteStrategy::update_by_field(std::string_view field,
                                                             const Value& value, const Value& row,
                                                             const QueryOptions& opts) {
  auto f = by_field(field);
  if (!f) return f.error();
  return update_impl(*f, value, row, opts);
}

Result<Value> SqliteStrategy::upsert(const Value& pk, const Value& row, const QueryOptions& opts) {
  Value full = row.is_object() ? row : Value::object();
  if (pk.is_object()) {
    for (const auto& [k, v] : pk.as_object()) full.as_object().set(k, v);
  }
  const std::string ws = common::write_ws(full, opts);
  Sql q = sql_.insert(full, ws, ttl_param(opts), sql_.conflict_on_pk());
  sql_.returning(q);
  return write_one(q, WriteCtx{&full, common::pk_of(layout_.pk_fields, full), nullptr, Value(), ws, false});
}

Result<Value> SqliteStrategy::upsert_by_field(std::string_view field, const Value& value,
                                              const Value& row, const QueryOptions& opts) {
  auto f = by_field(field);
  if (!f) return f.error();
  Value full = row.is_object() ? row : Value::object();
  full.as_object().set(std::string(field), value);
  const std::string ws = common::write_ws(full, opts);
  Sql q = sql_.insert(full, ws, ttl_param(opts), sql_.conflict_on(**f));
  sql_.returning(q);
  return write_one(q, WriteCtx{&full, Value(), *f, value, ws, false});
}

Result<bool> SqliteStrategy::remove_impl(const FieldMap* f, const Value& key,
                                         const QueryOptions& opts) {
  Sql q = sql_.delete_from();
  if (f) {
    and_field_ws(q, *f, key, opts);
  } else {
    sql_.and_pk(q, key);
    sql_.and_ws(q, opts.ws_id);
  }
  if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
  auto rows = db_->run(q);
  if (!rows) {
    WriteCtx ctx{nullptr, f ? Value() : key, f, f ? key : Value(), opts.ws_id, true};
    return map_error(rows.error(), ctx);
  }
  return db_->changes() > 0;
}

Result<bool> SqliteStrategy::remove(const Value& pk, const QueryOptions& opts) {
  return remove_impl(nullptr, pk, opts);
}

Result<bool> SqliteStrategy::remove_by_field(std::string_view field, const Value& value,
                                             const QueryOptions& opts) {
  auto f = by_field(field);
  if (!f) return f.error();
  return remove_impl(*f, value, opts);
}

Result<std::vector<std::string>> SqliteStrategy::referencing_tables(const std::string& table) {
  Sql q;
  q.add("SELECT DISTINCT m.name FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS p "
        "WHERE m.type = 'table' AND p.\"table\" = ")
      .bind(table);
  auto rows = read(q);
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (const Row& r : *rows) {
    if (auto* s = std::get_if<std::string>(&r[0])) out.push_back(*s);
  }
  return out;
}

Result<void> SqliteStrategy::truncate() {
  // Postgres' TRUNCATE ... CASCADE empties every referencing table too; do the same,
  // children first, atomically.
  return db_->atomic([&]() -> Result<void> {
    std::vector<std::string> order{layout_.table};
    std::set<std::string> seen{layout_.table};
    for (size_t i = 0; i < order.size(); ++i) {
      auto children = referencing_tables(order[i]);
      if (!children) return children.error();
      for (auto& c : *children) {
        if (seen.insert(c).second) order.push_back(c);
      }
    }
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      Sql q;
      q.add("DELETE FROM ").add(ident(*it));
      auto r = db_->run(q);
      if (!r) return db_error(r.error().message);
    }
    return {};
  });
}

// --- error mapping ---

Error SqliteStrategy::map_error(const StepError& e, const WriteCtx& ctx) {
  switch (e.code) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_NOTNULL:
      return tag(errors::primary_key_violation(ctx.pk.is_object() ? ctx.pk : common::pk_of(layout_.pk_fields, *ctx.row)));
    case SQLITE_CONSTRAINT_UNIQUE:
      if (ctx.row) return unique_error(e, ctx);
      break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ctx.is_delete ? restricted_error(e, ctx) : reference_error(e, ctx);
    case SQLITE_CONSTRAINT_TRIGGER:
      // ON DELETE RESTRICT is implemented as an internal trigger and reports this code.
      if (ctx.is_delete) return restricted_error(e, ctx);
      break;
    default: break;
  }
  return db_error(e.message);
}

Error SqliteStrategy::unique_error(const StepError& e, const WriteCtx& ctx) {
  const Value& row = *ctx.row;
  // Candidates: unique fields the write sets, then the composite cache key.
  std::vector<const FieldMap*> candidates;
  for (const auto& f : layout_.fields) {
    if (!f.unique || &f == ctx.key_field) continue;
    const Value* v = row.find(f.name);
    if (v && !v->is_null()) candidates.push_back(&f);
  }
  if (layout_.cache_key && ctx.key_field != &layout_.cache_key_map) {
    if (const Value* ck = row.find("cache_key"); ck && ck->is_string()) {
      candidates.push_back(&layout_.cache_key_map);
    }
  }
  auto shown = [&](const FieldMap* f) {
    if (f != &layout_.cache_key_map) return Value::object({{f->name, *row.find(f->name)}});
    Object kv;
    for (const auto& name : layout_.cache_key_fields) {
      const Value* v = row.find(name);
      kv.set(name, v ? *v : Value());
    }
    return Value(std::move(kv));
  };
  for (const FieldMap* f : candidates) {
    Sql q;
    q.add("SELECT 1 FROM ").add(ident(layout_.table)).add(" WHERE 1");
    sql_.and_field(q, *f, *row.find(f->name));
    if (!f->unique_across_ws) sql_.and_ws(q, ctx.ws_id);
    // The row being written is not its own conflict.
    if (ctx.key_field) {
      Sql self;
      sql_.and_field(self, *ctx.key_field, ctx.key);
      q.add(" AND NOT (1").add(self.text).add(")");
      for (auto& p : self.params) q.params.push_back(p);
    } else if (ctx.pk.is_object()) {
      Sql self;
      sql_.and_pk(self, ctx.pk);
      q.add(" AND NOT (1").add(self.text).add(")");
      for (auto& p : self.params) q.params.push_back(p);
    }
    q.add(" LIMIT 1");
    auto hit = db_->run(q);
    if (hit && !hit->empty()) return tag(errors::unique_violation(shown(f)));
  }
  if (!candidates.empty()) return tag(errors::unique_violation(shown(candidates.front())));
  return db_error(e.message);
}

Error SqliteStrategy::reference_error(const StepError& e, const WriteCtx& ctx) {
  if (!ctx.row) return db_error(e.message);
  for (const auto& f : layout_.fields) {
    if (!f.foreign) continue;
    const Value* v = ctx.row->find(f.name);
    if (!v || v->is_null()) continue;
    auto params = field_params(f, *v);
    Sql q;
    q.add("SELECT 1 FROM ").add(ident(f.parent_table)).add(" WHERE 1");
    for (size_t i = 0; i < f.parent_pk.size(); ++i) {
      q.add(" AND ").add(ident(f.parent_pk[i]));
      if (is_null_param(params[i])) {
        q.add(" IS NULL");
      } else {
        q.add(" = ").bind(params[i]);
      }
    }
    q.add(" LIMIT 1");
    auto hit = db_->run(q);
    if (hit && hit->empty()) {
      return tag(errors::foreign_key_violation_invalid_reference(*v, f.name, f.parent_name));
    }
  }
  return db_error(e.message);
}

Error SqliteStrategy::restricted_error(const StepError& e, const WriteCtx& ctx) {
  // Which child still points at the row? Ask SQLite for the restrict constraints on this table
  // and probe each one with the delete's own key.
  Sql fks;
  fks.add("SELECT m.name, p.\"from\", p.\"to\" FROM sqlite_schema AS m, "
          "pragma_foreign_key_list(m.name) AS p WHERE m.type = 'table' AND p.\"table\" = ")
      .bind(layout_.table)
      .add(" AND p.on_delete IN ('RESTRICT', 'NO ACTION')");
  auto children = db_->run(fks);
  if (!children) return db_error(e.message);
  for (const Row& c : *children) {
    const auto* child = std::get_if<std::string>(&c[0]);
    const auto* from = std::get_if<std::string>(&c[1]);
    const auto* to = std::get_if<std::string>(&c[2]);
    if (!child || !from || !to) continue;
    Sql q;
    q.add("SELECT 1 FROM ").add(ident(*child)).add(" WHERE ").add(ident(*from)).add(" IN (SELECT ")
        .add(ident(*to)).add(" FROM ").add(ident(layout_.table)).add(" WHERE 1");
    if (ctx.key_field) {
      sql_.and_field(q, *ctx.key_field, ctx.key);
    } else {
      sql_.and_pk(q, ctx.pk);
    }
    q.add(") LIMIT 1");
    auto hit = db_->run(q);
    if (hit && !hit->empty()) {
      return tag(errors::foreign_key_violation_restricted(layout_.entity, *child));
    }
  }
  return db_error(e.message);
}

}  // namespace kongdb::strategy::sqlite
