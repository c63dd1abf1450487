// One entity's storage on a SQL engine: CRUD, keyset pages with Kong's offsets, tags and/or
// filters, ttl, written once over a dialect (see statements.h for what a dialect supplies).
// Written for kongdb; behaviour follows kong/db/strategies/postgres/init.lua.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kongdb/strategy/strategy.h"
#include "strategy/model/table_layout.h"
#include "strategy/sql/statements.h"

namespace kongdb::strategy::sql {

template <class D>
class SqlStrategy final : public Strategy {
 public:
  using Db = typename D::Db;
  using Kind = typename D::Kind;
  using Param = typename D::Param;
  using Row = typename D::Row;
  using Layout = model::Layout<Kind>;
  using FieldMap = model::FieldMap<Kind>;
  using Q = Sql<D>;
  using WriteCtx = WriteContext<Kind>;

  SqlStrategy(std::shared_ptr<Db> db, Layout layout)
      : db_(std::move(db)), layout_(std::move(layout)), sql_(layout_) {}

  Result<std::optional<Value>> select(const Value& pk, const QueryOptions& opts) override {
    Q q = sql_.select_where();
    sql_.and_pk(q, pk);
    sql_.and_ws(q, opts.ws_id);
    if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
    q.add(" LIMIT 1");
    return first(q, opts);
  }

  Result<std::optional<Value>> select_by_field(std::string_view field, const Value& value,
                                               const QueryOptions& opts) override {
    auto f = by_field(field);
    if (!f) return f.error();
    Q q = sql_.select_where();
    and_field_ws(q, **f, value, opts);
    if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
    q.add(" LIMIT 1");
    return first(q, opts);
  }

  Result<Page> page(int64_t size, const std::optional<std::string>& offset, const QueryOptions& opts) override {
    return page_impl(nullptr, Value(), size, offset, opts);
  }

  Result<Page> page_for(std::string_view fk_field, const Value& fk_pk, int64_t size,
                        const std::optional<std::string>& offset, const QueryOptions& opts) override {
    auto f = by_field(fk_field);
    if (!f) return f.error();
    return page_impl(*f, fk_pk, size, offset, opts);
  }

  Result<Value> insert(const Value& row, const QueryOptions& opts) override {
    const std::string ws = model::write_ws(row, opts);
    Q q = sql_.insert(row, ws, ttl_param(opts), "");
    sql_.returning(q);
    return written(q, WriteCtx{&row, model::pk_of(layout_.pk_fields, row), nullptr, Value(), ws, false});
  }

  Result<std::optional<Value>> update(const Value& pk, const Value& row, const QueryOptions& opts) override {
    return update_impl(nullptr, pk, row, opts);
  }

  Result<std::optional<Value>> update_by_field(std::string_view field, const Value& value, const Value& row,
                                               const QueryOptions& opts) override {
    auto f = by_field(field);
    if (!f) return f.error();
    return update_impl(*f, value, row, opts);
  }

  Result<Value> upsert(const Value& pk, const Value& row, const QueryOptions& opts) override {
    Value full = row.is_object() ? row : Value::object();
    if (pk.is_object()) {
      for (const auto& [k, v] : pk.as_object()) full.as_object().set(k, v);
    }
    const std::string ws = model::write_ws(full, opts);
    Q q = sql_.insert(full, ws, ttl_param(opts), sql_.conflict_on_pk());
    sql_.returning(q);
    return written(q, WriteCtx{&full, model::pk_of(layout_.pk_fields, full), nullptr, Value(), ws, false});
  }

  Result<Value> upsert_by_field(std::string_view field, const Value& value, const Value& row,
                                const QueryOptions& opts) override {
    auto f = by_field(field);
    if (!f) return f.error();
    Value full = model::row_with_field(row, field, value);
    const std::string ws = model::write_ws(full, opts);
    Q q = sql_.insert(full, ws, ttl_param(opts), sql_.conflict_on(**f));
    sql_.returning(q);
    return written(q, WriteCtx{&full, Value(), *f, value, ws, false});
  }

  Result<bool> remove(const Value& pk, const QueryOptions& opts) override { return remove_impl(nullptr, pk, opts); }

  Result<bool> remove_by_field(std::string_view field, const Value& value, const QueryOptions& opts) override {
    auto f = by_field(field);
    if (!f) return f.error();
    return remove_impl(*f, value, opts);
  }

  /// Kong's truncate: rows of tables referencing this one go too.
  Result<void> truncate() override { return D::truncate(*db_, layout_); }

 private:
  Param ttl_param(const QueryOptions& opts) const {
    if (!layout_.ttl || !opts.ttl || *opts.ttl <= 0) return Param{};
    return D::real(db_->now() + static_cast<double>(*opts.ttl));
  }

  Result<const FieldMap*> by_field(std::string_view field) const {
    const FieldMap* f = layout_.field(field);
    if (!f) return db_error<D>("unknown field '" + std::string(field) + "' on '" + layout_.entity + "'");
    return f;
  }

  void and_field_ws(Q& q, const FieldMap& f, const Value& v, const QueryOptions& opts) const {
    sql_.and_field(q, f, v);
    if (!f.unique_across_ws) sql_.and_ws(q, opts.ws_id);
  }

  /// A plain read (may go to a read replica outside transactions).
  Result<std::vector<Row>> read(const Q& q) {
    auto r = db_->run(q, /*read=*/true);
    if (!r) return db_error<D>(r.error().message);
    return std::move(r->rows);
  }

  Result<std::optional<Value>> first(const Q& q, const QueryOptions& opts) {
    auto rows = read(q);
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<Value>();
    return std::optional<Value>(sql_.decode_row((*rows)[0], db_->now(), opts.export_ttl));
  }

  Result<Page> page_impl(const FieldMap* fk, const Value& fk_pk, int64_t size,
                         const std::optional<std::string>& offset, const QueryOptions& opts) {
    if (size < 1) size = 1;
    std::optional<std::vector<Param>> after;
    if (offset) {
      auto last = sql_.decode_offset(*offset);
      if (!last) return last.error();
      after = std::move(*last);
    }
    Q q = sql_.select_where();
    if (fk) sql_.and_field(q, *fk, fk_pk);
    sql_.and_ws(q, opts.ws_id, /*keep_pk_order=*/fk == nullptr);
    if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
    if (opts.tags) sql_.and_tags(q, *opts.tags);
    if (after) sql_.and_after(q, *after);
    sql_.order_limit(q, size + 1);  // one extra row tells whether another page exists
    auto rows = read(q);
    if (!rows) return rows.error();
    const double now = db_->now();
    return model::finish_page(
        std::move(*rows), size, [&](const Row& last) { return sql_.encode_offset(last); },
        [&](const Row& r) { return sql_.decode_row(r, now, opts.export_ttl); });
  }

  /// Runs a write with RETURNING: the row written, nullopt when none matched.
  Result<std::optional<Value>> write(const Q& q, const WriteCtx& ctx) {
    auto r = db_->run(q);
    if (!r) return D::map_error(*db_, sql_, r.error(), ctx);
    if (r->rows.empty()) return std::optional<Value>();
    return std::optional<Value>(sql_.decode_row(r->rows[0], db_->now(), false));
  }

  /// A write that always returns its row (insert, upsert).
  Result<Value> written(const Q& q, const WriteCtx& ctx) {
    auto r = write(q, ctx);
    if (!r) return r.error();
    if (!*r) return db_error<D>("no row returned");
    return std::move(**r);
  }

  Result<std::optional<Value>> update_impl(const FieldMap* f, const Value& key, const Value& row,
                                           const QueryOptions& opts) {
    std::optional<Param> ttl;
    if (opts.ttl) ttl = ttl_param(opts);
    Q q = sql_.update_set(row, ttl);
    and_key(q, f, key, opts);
    sql_.returning(q);
    return write(q, WriteCtx{&row, f ? Value() : key, f, f ? key : Value(), opts.ws_id, false});
  }

  Result<bool> remove_impl(const FieldMap* f, const Value& key, const QueryOptions& opts) {
    Q q = sql_.delete_from();
    and_key(q, f, key, opts);
    auto r = db_->run(q);
    if (!r) return D::map_error(*db_, sql_, r.error(), WriteCtx{nullptr, f ? Value() : key, f, f ? key : Value(), opts.ws_id, true});
    return r->affected > 0;
  }

  /// The row a keyed write addresses: by unique field `f` or by primary key, alive.
  void and_key(Q& q, const FieldMap* f, const Value& key, const QueryOptions& opts) const {
    if (f) {
      and_field_ws(q, *f, key, opts);
    } else {
      sql_.and_pk(q, key);
      sql_.and_ws(q, opts.ws_id);
    }
    if (!opts.skip_ttl) sql_.and_alive(q, db_->now());
  }

  std::shared_ptr<Db> db_;
  Layout layout_;
  Statements<D> sql_;  // refers to layout_, declared after it
};

}  // namespace kongdb::strategy::sql
