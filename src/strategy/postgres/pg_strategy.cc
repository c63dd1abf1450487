// Per-entity PostgreSQL strategy: CRUD, keyset pages, tags, ttl, and mapping of constraint
// failures to Kong's errors by SQLSTATE and constraint name. Written for kongdb; behaviour
// follows kong/db/strategies/postgres/init.lua.
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "strategy/postgres/pg_internal.h"
#include "strategy/postgres/pg_strategy.h"

namespace kongdb::strategy::postgres {

PostgresStrategy::PostgresStrategy(std::shared_ptr<Db> db, Layout layout)
    : db_(std::move(db)), layout_(std::move(layout)), sql_(layout_) {}

Param PostgresStrategy::ttl_param(const QueryOptions& opts) const {
  if (!layout_.ttl || !opts.ttl || *opts.ttl <= 0) return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", db_->now() + static_cast<double>(*opts.ttl));
  return std::string(buf);
}

Result<std::vector<Row>> PostgresStrategy::read(const Sql& q) {
  auto r = db_->run(q, /*read=*/true);
  if (!r) return db_error(r.error().message);
  return std::move(r->rows);
}

std::optional<Value> PostgresStrategy::first(const std::vector<Row>& rows,
                                             const QueryOptions& opts) const {
  if (rows.empty()) return std::nullopt;
  return decode_row(layout_, rows[0], db_->now(), opts.export_ttl);
}

Result<const FieldMap*> PostgresStrategy::by_field(std::string_view field) const {
  const FieldMap* f = layout_.field(field);
  if (!f) return db_error("unknown field '" + std::string(field) + "' on '" + layout_.entity + "'");
  return f;
}

void PostgresStrategy::and_field_ws(Sql& q, const FieldMap& f, const Value& v,
                                    const QueryOptions& opts) const {
  sql_.and_field(q, f, v);
  if (!f.unique_across_ws) sql_.and_ws(q, opts.ws_id);
}

Result<std::optional<Value>> PostgresStrategy::select(const Value& pk, const QueryOptions& opts) {
  Sql q = sql_.select_where();
  sql_.and_pk(q, pk);
  sql_.and_ws(q, opts.ws_id);
  if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
  q.add(" LIMIT 1");
  auto rows = read(q);
  if (!rows) return rows.error();
  return first(*rows, opts);
}

Result<std::optional<Value>> PostgresStrategy::select_by_field(std::string_view field,
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

Result<Page> PostgresStrategy::page_impl(const FieldMap* fk, const Value& fk_pk, int64_t size,
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
  sql_.and_ws(q, opts.ws_id);
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

Result<Page> PostgresStrategy::page(int64_t size, const std::optional<std::string>& offset,
                                    const QueryOptions& opts) {
  return page_impl(nullptr, Value(), size, offset, opts);
}

Result<Page> PostgresStrategy::page_for(std::string_view fk_field, const Value& fk_pk, int64_t size,
                                        const std::optional<std::string>& offset,
                                        const QueryOptions& opts) {
  auto f = by_field(fk_field);
  if (!f) return f.error();
  return page_impl(*f, fk_pk, size, offset, opts);
}

Result<std::optional<Value>> PostgresStrategy::write(const Sql& q, const WriteCtx& ctx) {
  auto r = db_->run(q);
  if (!r) return map_error(r.error(), ctx);
  if (r->rows.empty()) return std::optional<Value>();
  return std::optional<Value>(decode_row(layout_, r->rows[0], db_->now(), false));
}

Result<Value> PostgresStrategy::insert(const Value& row, const QueryOptions& opts) {
  Sql q = sql_.insert(row, common::write_ws(row, opts), ttl_param(opts), "");
  sql_.returning(q);
  auto r = write(q, WriteCtx{&row, common::pk_of(layout_.pk_fields, row), false});
  if (!r) return r.error();
  if (!*r) return db_error("no row returned");
  return std::move(**r);
}

Result<std::optional<Value>> PostgresStrategy::update_impl(const FieldMap* f, const Value& key,
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
  return write(q, WriteCtx{&row, f ? Value() : key, false});
}

Result<std::optional<Value>> PostgresStrategy::update(const Value& pk, const Value& row,
                                                      const QueryOptions& opts) {
  return update_impl(nullptr, pk, row, opts);
}

Result<std::optional<Value>> PostgresStrategy::update_by_field(std::string_view field,
                                                               const Value& value, const Value& row,
                                                               const QueryOptions& opts) {
  auto f = by_field(field);
  if (!f) return f.error();
  return update_impl(*f, value, row, opts);
}

Result<Value> PostgresStrategy::upsert(const Value& pk, const Value& row, const QueryOptions& opts) {
  Value full = row.is_object() ? row : Value::object();
  if (pk.is_object()) {
    for (const auto& [k, v] : pk.as_object()) full.as_object().set(k, v);
  }
  Sql q = sql_.insert(full, common::write_ws(full, opts), ttl_param(opts), sql_.conflict_on_pk());
  sql_.returning(q);
  auto r = write(q, WriteCtx{&full, common::pk_of(layout_.pk_fields, full), false});
  if (!r) return r.error();
  if (!*r) return db_error("no row returned");
  return std::move(**r);
}

Result<Value> PostgresStrategy::upsert_by_field(std::string_view field, const Value& value,
                                                const Value& row, const QueryOptions& opts) {
  auto f = by_field(field);
  if (!f) return f.error();
  Value full = row.is_object() ? row : Value::object();
  full.as_object().set(std::string(field), value);
  Sql q = sql_.insert(full, common::write_ws(full, opts), ttl_param(opts), sql_.conflict_on(**f));
  sql_.returning(q);
  auto r = write(q, WriteCtx{&full, common::pk_of(layout_.pk_fields, full), false});
  if (!r) return r.error();
  if (!*r) return db_error("no row returned");
  return std::move(**r);
}

Result<bool> PostgresStrategy::remove_impl(const FieldMap* f, const Value& key,
                                           const QueryOptions& opts) {
  Sql q = sql_.delete_from();
  if (f) {
    and_field_ws(q, *f, key, opts);
  } else {
    sql_.and_pk(q, key);
    sql_.and_ws(q, opts.ws_id);
  }
  if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
  auto r = db_->run(q);
  if (!r) return map_error(r.error(), WriteCtx{nullptr, f ? Value() : key, true});
  return r->affected > 0;
}

Result<bool> PostgresStrategy::remove(const Value& pk, const QueryOptions& opts) {
  return remove_impl(nullptr, pk, opts);
}

Result<bool> PostgresStrategy::remove_by_field(std::string_view field, const Value& value,
                                               const QueryOptions& opts) {
  auto f = by_field(field);
  if (!f) return f.error();
  return remove_impl(*f, value, opts);
}

Result<void> PostgresStrategy::truncate() {
  auto r = db_->run(sql_.truncate());
  if (!r) return db_error(r.error().message);
  return {};
}

// --- error mapping ---

Error PostgresStrategy::map_error(const PgError& e, const WriteCtx& ctx) const {
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
    if (e.sqlstate == "23502" || e.constraint == pk_constraint(layout_)) {
      return tag(errors::primary_key_violation(
          ctx.pk.is_object() ? ctx.pk : ctx.row ? common::pk_of(layout_.pk_fields, *ctx.row) : Value::object()));
    }
    if (layout_.cache_key && e.constraint == unique_constraint(layout_, layout_.cache_key_map)) {
      Object kv;
      for (const auto& name : layout_.cache_key_fields) kv.set(name, row_value(name));
      return tag(errors::unique_violation(Value(std::move(kv))));
    }
    for (const auto& f : layout_.fields) {
      // Kong's own plugin migrations name the pair constraint <table>_ws_id_<field>_unique.
      if (f.unique && (e.constraint == unique_constraint(layout_, f) ||
                       e.constraint == server_truncated(layout_.table + "_ws_id_" + f.name + "_unique"))) {
        return tag(errors::unique_violation(Value::object({{f.name, row_value(f.name)}})));
      }
    }
  } else if (e.sqlstate == "23503") {  // foreign_key_violation
    if (ctx.is_delete) {
      // Reported on the referencing table: that child still points at the row.
      return tag(errors::foreign_key_violation_restricted(layout_.entity, e.table));
    }
    for (const auto& f : layout_.fields) {
      // Plugin DDL written as Kong's leaves PostgreSQL's default name, <table>_<column>_fkey.
      if (f.foreign && (e.constraint == fk_constraint(layout_, f) ||
                        (f.columns.size() == 1 && e.constraint == server_truncated(layout_.table + "_" + f.columns[0] + "_fkey")))) {
        return tag(errors::foreign_key_violation_invalid_reference(row_value(f.name), f.name,
                                                                   f.parent_name));
      }
    }
  }
  return db_error(e.message);
}

}  // namespace kongdb::strategy::postgres
