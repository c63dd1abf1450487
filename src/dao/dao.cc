// Port of kong/db/dao/init.lua: option checks, the insert/update/upsert/delete pipelines,
// unique-field and foreign-key method families, cascades, cache keys and CRUD events.
#include "kongdb/dao/dao.h"

#include <algorithm>
#include <cmath>

#include "dao/emulation.h"
#include "dao/options.h"
#include "kongdb/core/error.h"
#include "kongdb/dao/db.h"

namespace kongdb::dao {

using schema::Context;
using schema::Field;
using schema::FieldType;

namespace {

Value strip_nulls(Value v) {
  if (v.is_object()) {
    Object out;
    for (auto& [k, item] : v.as_object()) {
      if (!item.is_null()) out.set(k, strip_nulls(std::move(item)));
    }
    return Value(std::move(out));
  }
  if (v.is_array()) {
    for (Value& item : v.as_array()) item = strip_nulls(std::move(item));
  }
  return v;
}

// A write that always returns its row, in the shape Impl::write takes.
Result<std::optional<Value>> found(Result<Value> row) {
  if (!row) return row.error();
  return std::optional<Value>(std::move(*row));
}

Error with_strategy(Error e, std::string_view strategy) {
  if (e.strategy.empty()) e.strategy = std::string(strategy);
  return e;
}

std::string cache_key_part(const schema::Schema& s, const std::string& name, const Value& entity) {
  const Value* v = entity.find(name);
  if (!v || v->is_null()) return {};
  const Field* f = s.field(name);
  if (v->is_object() && f && f->type() == FieldType::Foreign) {
    const Value* id = v->find("id");
    if (!id || id->is_null()) return {};
    return id->to_lua_string();
  }
  return v->to_lua_string();
}

}  // namespace

Result<std::optional<Value>> RowIterator::next() {
  if (failed_) {
    Error e = *failed_;
    failed_.reset();
    done_ = true;
    return e;
  }
  while (!done_) {
    if (index_ < rows_.size()) return std::optional<Value>(std::move(rows_[index_++]));
    if (started_ && !offset_) {
      done_ = true;
      break;
    }
    auto page = pager_(offset_);
    started_ = true;
    if (!page) {
      done_ = true;
      return page.error();
    }
    ++page_no_;
    rows_ = std::move(page->rows);
    index_ = 0;
    offset_ = std::move(page->offset);
  }
  return std::optional<Value>();
}

DAO::DAO(DB& db, const schema::Schema& schema, std::unique_ptr<strategy::Strategy> strategy)
    : db_(db), schema_(schema), strategy_(std::move(strategy)) {}

DAO::~DAO() = default;

struct DAO::Impl {
  DAO& self;

  std::string_view strategy_name() const { return self.db_.strategy_name(); }
  Error tag(Error e) const { return with_strategy(std::move(e), strategy_name()); }

  Result<ParsedOptions> options(const Value& raw) const {
    auto parsed = parse_options(self.schema_, raw, [this](const std::string& name) -> std::optional<std::string> {
      DAO* ws = self.db_.dao("workspaces");
      if (!ws) return std::nullopt;
      auto found = ws->select_by("name", Value(name));
      if (!found || !*found) return std::nullopt;
      const Value* id = (*found)->find("id");
      return id && id->is_string() ? std::optional<std::string>(id->as_string()) : std::nullopt;
    });
    if (!parsed) return tag(parsed.error());
    return parsed;
  }

  strategy::QueryOptions query(const ParsedOptions& o) const {
    strategy::QueryOptions q;
    if (self.schema_.workspaceable) {
      q.ws_id = o.all_workspaces ? std::string() : o.ws_id.value_or(self.db_.default_workspace_id());
    }
    q.ttl = o.ttl;
    q.skip_ttl = o.skip_ttl;
    q.export_ttl = o.export_;
    q.tags = o.tags;
    return q;
  }

  Result<void> check_pk(const Value& pk) const {
    if (auto errs = self.schema_.validate_primary_key(pk)) return tag(errors::invalid_primary_key(*errs));
    return {};
  }

  // The preamble of every primary-key method: the key (extracted from an entity if need be)
  // and the options, both checked.
  Result<std::pair<Value, ParsedOptions>> keyed(const Value& pk_or_entity, const Value& options) const {
    Value pk = self.schema_.extract_pk_values(pk_or_entity);
    if (auto r = check_pk(pk); !r) return r.error();
    auto o = this->options(options);
    if (!o) return o.error();
    return std::make_pair(std::move(pk), std::move(*o));
  }

  // The preamble of every unique-field method.
  Result<ParsedOptions> unique_keyed(std::string_view field, const Value& value, const Value& options) const;

  Result<int64_t> check_size(const std::optional<int64_t>& size, const ParsedOptions& o) const {
    if (!size) return o.page_size;
    if (*size < 1 || *size > o.max_page_size) {
      return tag(errors::invalid_size("size must be an integer between 1 and " + std::to_string(o.max_page_size)));
    }
    return *size;
  }

  Result<std::vector<Value>> rows_to_entities(std::vector<Value> rows, const Value& options) const {
    std::vector<Value> out;
    out.reserve(rows.size());
    for (Value& row : rows) {
      auto e = self.row_to_entity(std::move(row), options);
      if (!e) return e.error();
      out.push_back(std::move(*e));
    }
    return out;
  }

  // Kong's resolve_foreign: {service = {name = "s1"}} -> {service = {id = ...}}.
  Result<void> resolve_foreign(Value& entity) const {
    Object unresolved;
    for (const auto& [fname, field] : self.schema_.fields) {
      if (field.type() != FieldType::Foreign || !field.foreign_schema_) continue;
      Value* value = entity.find(fname);
      if (!value || value->is_null() || !value->is_object()) continue;
      const schema::Schema& parent = *field.foreign_schema_;
      if (!parent.validate_primary_key(*value, true)) continue;
      Object field_errors;
      bool resolved = false;
      for (const auto& [uname, ufield] : parent.fields) {
        bool is_key = ufield.is_unique() || (parent.endpoint_key && *parent.endpoint_key == uname);
        if (!is_key) continue;
        const Value* unique_value = value->find(uname);
        if (!unique_value || unique_value->is_null()) continue;
        if (parent.validate_field(ufield, *unique_value)) continue;
        DAO* parent_dao = self.db_.dao(parent.name);
        if (!parent_dao) continue;
        auto found = parent_dao->select_by(uname, *unique_value);
        if (!found) return found.error();
        if (*found) {
          *value = parent.extract_pk_values(**found);
          resolved = true;
          break;
        }
        field_errors.set(uname, Value::object({{"name", uname}, {"value", *unique_value}, {"parent", parent.name}}));
      }
      if (!resolved && !field_errors.empty()) unresolved.set(fname, Value(std::move(field_errors)));
    }
    if (!unresolved.empty()) return tag(errors::foreign_keys_unresolved(Value(std::move(unresolved))));
    return {};
  }

  // For backends without native foreign keys: the parent must exist.
  Result<void> check_foreign_exist(const Value& entity, const strategy::QueryOptions&) const {
    if (self.db_.connector().capabilities().foreign_keys) return {};
    for (const auto& [fname, field] : self.schema_.fields) {
      if (field.type() != FieldType::Foreign || !field.foreign_schema_) continue;
      const Value* fk = entity.find(fname);
      if (!fk || !fk->is_object()) continue;
      DAO* parent = self.db_.dao(field.foreign_schema_->name);
      if (!parent) continue;
      auto found = parent->select(*fk, Value::object({{"workspace", Value()}}));
      if (!found) return found.error();
      if (!*found) {
        return tag(errors::foreign_key_violation_invalid_reference(*fk, fname, field.foreign_schema_->name));
      }
    }
    return {};
  }

  Result<Value> finish_write_entity(Value entity, const Value& original, const ParsedOptions& o, Context ctx,
                                    const Value* rbw) const {
    if (o.transform && self.schema_.has_transformations(entity)) {
      auto t = self.schema_.transform(entity, &original, ctx);
      if (!t) return tag(errors::transformation_error(t.error()));
      entity = std::move(*t);
    }
    auto hooked = self.before_write(std::move(entity), rbw);
    if (!hooked) return tag(hooked.error());
    if (self.schema_.cache_key.size() > 1) {
      hooked->as_object().set("cache_key", self.cache_key(*hooked));
    }
    return hooked;
  }

  Result<Value> check_insert(const Value& input, const ParsedOptions& o) const {
    auto processed = self.schema_.process_auto_fields(input, Context::Insert, auto_opts());
    if (!processed) return tag(errors::schema_violation(processed.error()));
    Value entity = std::move(processed->data);
    if (auto r = resolve_foreign(entity); !r) return r.error();
    if (auto errs = self.schema_.validate_insert(entity, &input)) return tag(errors::schema_violation(*errs));
    return finish_write_entity(std::move(entity), input, o, Context::Insert, nullptr);
  }

  schema::AutoFieldsOptions auto_opts(bool nulls = false) const {
    schema::AutoFieldsOptions a;
    a.clock = &self.db_.clock();
    a.ids = &self.db_.ids();
    a.nulls = nulls;
    return a;
  }

  // The read-before-write of update/upsert (with nulls, so merges keep explicit nulls out).
  Result<std::optional<Value>> read_existing(const std::optional<std::string>& by, const Value& key,
                                             const ParsedOptions& o) const {
    Value opts = Value::object();
    // Kong reads with the caller's options: with nulls, the merged entity keeps explicit nulls
    // (a certificate's cert_alt), so update-time entity checks see the fields as present.
    if (o.nulls) opts.as_object().set("nulls", true);
    if (o.all_workspaces) opts.as_object().set("workspace", Value());
    if (o.ws_id) opts.as_object().set("workspace", *o.ws_id);
    return by ? self.select_by(*by, key, opts) : self.select(key, opts);
  }

  Result<std::pair<Value, Value>> check_update(const std::optional<std::string>& by, const Value& key,
                                               const Value& input, const ParsedOptions& o) const {
    auto processed = self.schema_.process_auto_fields(input, Context::Update, auto_opts());
    if (!processed) return tag(errors::schema_violation(processed.error()));
    auto rbw = read_existing(by, key, o);
    if (!rbw) return rbw.error();
    if (*rbw && processed->check_immutable_fields) {
      if (auto errs = self.schema_.validate_immutable_fields(processed->data, **rbw)) {
        return tag(errors::schema_violation(*errs));
      }
    }
    if (!*rbw) {
      return tag(by ? errors::not_found_by_field(Value::object({{*by, key}})) : errors::not_found(key));
    }
    Value merged = self.schema_.merge_values(processed->data, **rbw);
    merged.as_object().erase("ttl");
    if (auto r = resolve_foreign(merged); !r) return r.error();
    if (auto errs = self.schema_.validate_update(merged, &input, &**rbw)) return tag(errors::schema_violation(*errs));
    auto done = finish_write_entity(std::move(merged), input, o, Context::Update, &**rbw);
    if (!done) return done.error();
    return std::make_pair(std::move(*done), std::move(**rbw));
  }

  Result<std::pair<Value, std::optional<Value>>> check_upsert(const std::optional<std::string>& by, const Value& key,
                                                              const Value& input, const ParsedOptions& o) const {
    Value seeded = input.is_object() ? input : Value(Object{});
    if (!by) {
      for (const auto& [k, v] : key.as_object()) seeded.as_object().set(k, v);
    }
    auto processed = self.schema_.process_auto_fields(seeded, Context::Upsert, auto_opts());
    if (!processed) return tag(errors::schema_violation(processed.error()));
    auto rbw = read_existing(by, key, o);
    if (!rbw) return rbw.error();
    Value entity = std::move(processed->data);
    if (by) entity.as_object().set(*by, key);  // the key wins over any value in the body
    if (auto r = resolve_foreign(entity); !r) return r.error();
    if (auto errs = self.schema_.validate_upsert(entity, &input)) return tag(errors::schema_violation(*errs));
    auto done = finish_write_entity(std::move(entity), input, o, Context::Upsert, *rbw ? &**rbw : nullptr);
    if (!done) return done.error();
    return std::make_pair(std::move(*done), std::move(*rbw));
  }

  // Kong's find_cascade_delete_entities: every row that on_delete=cascade will take along.
  Result<void> collect_cascade(const schema::Schema& parent, const Value& entity,
                               std::vector<std::pair<DAO*, Value>>& out, int depth) const {
    if (depth > 16) return {};
    Value pk = parent.extract_pk_values(entity);
    for (const auto& c : self.db_.constraints_on(parent.name)) {
      if (c.on_delete != "cascade") continue;
      DAO* child = self.db_.dao(c.schema->name);
      if (!child) continue;
      RowIterator it = child->each_for(c.field, pk, {}, Value::object({{"workspace", Value()}}));
      while (true) {
        auto row = it.next();
        if (!row) return row.error();
        if (!*row) break;
        Value child_row = std::move(**row);
        if (auto r = collect_cascade(*c.schema, child_row, out, depth + 1); !r) return r;
        out.emplace_back(child, std::move(child_row));
      }
    }
    return {};
  }

  // Backends without transactions
  // ------------------------------
  // The DAO orders each operation's writes so that no state between two of them breaks a
  // guarantee, and undoes the applied ones when a later one fails (emulation::UndoLog):
  //  - insert/update/upsert: claim the new unique values (emulated uniques), write the row,
  //    then release the values the old row held. A failure releases the claims taken and puts
  //    the row back; a failing claim (UNIQUE_VIOLATION) comes before any row write.
  //  - delete: every refusal (restrict anywhere in the cascade) is found before any write;
  //    then children detached (on_delete null) and cascaded children, deepest first, then the
  //    row itself, then its and the cascaded rows' unique values are released. A failure puts
  //    every removed or detached row back.
  // A crash (or a failing undo step) between two writes can leave, and only leave:
  //  - unique values claimed by no row (insert/update stopped after claiming), or still
  //    claimed by a row that changed or went away (stopped before releasing): later writes of
  //    those values fail with UNIQUE_VIOLATION;
  //  - part of a cascade applied: some children deleted or detached while the parent and the
  //    remaining children still exist (never a child without its parent); deleting the parent
  //    again finishes it.
  // Related rows written by an entity's after_write (a certificate's snis) are DAO writes of
  // their own: a later failure does not take them back. Foreign keys are checked before the
  // write, so a parent deleted concurrently between the check and the write leaves an orphan.

  // For backends without native foreign keys: refuse (restrict) before any write, then clear
  // the references of on_delete=null children and delete the cascaded rows, children first.
  // Every write joins `undo`.
  Result<void> emulate_on_delete(const Value& entity, const std::vector<std::pair<DAO*, Value>>& cascaded,
                                 emulation::UndoLog& undo) const {
    std::vector<std::pair<DAO*, Value>> targets{{&self, entity}};
    targets.insert(targets.end(), cascaded.begin(), cascaded.end());
    struct Detach {
      DAO* child;
      Value pk;
      std::string field;  // the reference to clear
    };
    std::vector<Detach> detached;
    const Value any_ws = Value::object({{"workspace", Value()}});
    for (const auto& [target, row] : targets) {
      const Value pk = target->schema().extract_pk_values(row);
      for (const auto& c : self.db_.constraints_on(target->schema().name)) {
        if (c.on_delete == "cascade") continue;
        DAO* child = self.db_.dao(c.schema->name);
        if (!child) continue;
        if (c.on_delete != "null") {
          auto page = child->page_for(c.field, pk, 1, {}, any_ws);
          if (!page) return page.error();
          if (!page->rows.empty()) {
            return tag(errors::foreign_key_violation_restricted(target->schema().name, c.schema->name));
          }
          continue;
        }
        RowIterator it = child->each_for(c.field, pk, {}, any_ws);
        while (true) {
          auto next = it.next();
          if (!next) return next.error();
          if (!*next) break;
          detached.push_back({child, child->schema().extract_pk_values(**next), c.field});
        }
      }
    }
    for (const Detach& d : detached) {
      if (auto r = undoable(*d.child, d.pk, undo); !r) return r;
      auto r = d.child->strategy().update(d.pk, Value::object({{d.field, Value()}}), strategy::QueryOptions{});
      if (!r) return tag(r.error());
    }
    for (const auto& [child, row] : cascaded) {
      const Value pk = child->schema().extract_pk_values(row);
      if (auto r = undoable(*child, pk, undo); !r) return r;
      auto r = child->strategy().remove(pk, strategy::QueryOptions{});
      if (!r) return tag(r.error());
    }
    return {};
  }

  // Without transactions: records how to put `pk` of `dao` back before it is written.
  Result<void> undoable(DAO& dao, const Value& pk, emulation::UndoLog& undo) const {
    if (caps().transactions) return {};
    auto step = emulation::undo_of(dao, self.db_, pk);
    if (!step) return tag(step.error());
    undo.push(std::move(*step));
    return {};
  }

  Result<bool> remove_entity(const Value& entity, const ParsedOptions& o,
                             const std::function<Result<bool>(const strategy::QueryOptions&)>& do_delete) const {
    if (auto r = self.before_delete(entity); !r) return tag(r.error());
    std::vector<std::pair<DAO*, Value>> cascaded;
    if (auto r = collect_cascade(self.schema_, entity, cascaded, 0); !r) return r.error();
    strategy::QueryOptions q = query(o);
    const strategy::Capabilities has = caps();
    // The unique values the deleted rows hold, read while the rows still exist.
    std::vector<std::pair<DAO*, std::vector<emulation::UniqueValue>>> held;
    if (!has.unique_constraints) {
      held.emplace_back(&self, emulation::unique_values(self, self.db_, q, entity));
      for (const auto& [child, row] : cascaded) {
        auto stored = emulation::stored_row(*child, child->schema().extract_pk_values(row));
        if (!stored) return tag(stored.error());
        const Value& full = *stored ? **stored : row;
        held.emplace_back(child, emulation::unique_values(*child, self.db_, strategy::QueryOptions{}, full));
      }
    }
    emulation::UndoLog undo;
    auto tx = self.db_.connector().transaction([&]() -> Result<void> {
      if (!has.foreign_keys) {
        if (auto r = emulate_on_delete(entity, cascaded, undo); !r) return r;
      }
      auto removed = do_delete(q);
      if (!removed) return tag(removed.error());
      return {};
    });
    if (!tx) {
      undo.roll_back();
      return tag(tx.error());
    }
    for (size_t i = 0; i < held.size(); ++i) {
      const Value& row = i == 0 ? entity : cascaded[i - 1].second;
      emulation::release_unused(*held[i].first, held[i].second, {}, held[i].first->schema().extract_pk_values(row));
    }
    if (!o.no_broadcast) {
      self.db_.post_crud_event({"delete", self.schema_.name, strip_nulls(entity), Value()});
      for (const auto& [child, row] : cascaded) {
        self.db_.post_crud_event({"delete", child->schema().name, strip_nulls(row), Value()});
      }
    }
    return true;
  }

  Result<Page> page_with(const std::function<Result<strategy::Page>(int64_t, const strategy::QueryOptions&)>& fetch,
                         const std::optional<int64_t>& size, const Value& options, ParsedOptions& parsed) const {
    auto n = check_size(size, parsed);
    if (!n) return n.error();
    auto page = fetch(*n, query(parsed));
    if (!page) return tag(page.error());
    auto rows = rows_to_entities(std::move(page->rows), options);
    if (!rows) return rows.error();
    return Page{std::move(*rows), std::move(page->offset)};
  }

  // One storage write plus the entity's after_write, atomically; returns the stored entity.
  // Without transactions, `undo_row` (which puts the row back as it was) joins `undo` once the
  // row is written, so a failing after_write takes the row write back.
  Result<Value> write(const std::function<Result<std::optional<Value>>()>& store, const Value& options,
                      const Value* old, const Error& missing, emulation::UndoLog& undo,
                      const std::function<void()>& undo_row) const {
    Value out;
    auto body = [&]() -> Result<void> {
      auto row = store();
      if (!row) return tag(row.error());
      if (!*row) return missing;
      if (undo_row) undo.push(undo_row);
      auto entity = self.row_to_entity(std::move(**row), options);
      if (!entity) return entity.error();
      if (auto r = self.after_write(*entity, old); !r) return tag(r.error());
      out = std::move(*entity);
      return {};
    };
    // A single statement is atomic by itself; only related-row writes need a transaction.
    auto tx = self.writes_related_rows() ? self.db_.connector().transaction(body) : body();
    if (!tx) return tag(tx.error());
    return out;
  }

  strategy::Capabilities caps() const { return self.db_.connector().capabilities(); }

  // Without transactions: how to put the stored state of `pk` back (nothing to do with them).
  Result<std::function<void()>> undo_of(const Value& pk) const {
    if (caps().transactions) return std::function<void()>();
    auto undo = emulation::undo_of(self, self.db_, pk);
    if (!undo) return tag(undo.error());
    return undo;
  }

  // A row write under the emulated unique constraints: claim the unique values `row` takes,
  // write, then release those `old` held and `row` no longer does. A failed write rolls the
  // claims (and, without transactions, the row) back. See "Backends without transactions".
  Result<Value> guarded_write(const Value& row, const Value* old, const strategy::QueryOptions& q,
                              const std::function<Result<Value>(emulation::UndoLog&)>& write_row) const {
    emulation::UndoLog undo;
    if (caps().unique_constraints) {
      auto out = write_row(undo);
      if (!out) undo.roll_back();
      return out;
    }
    const Value owner = self.schema_.extract_pk_values(row);
    auto taken = emulation::unique_values(self, self.db_, q, row);
    if (auto r = emulation::claim_all(self, taken, owner, undo); !r) return tag(r.error());
    auto out = write_row(undo);
    if (!out) {
      undo.roll_back();
      return out;
    }
    if (old) {
      auto held = emulation::unique_values(self, self.db_, q, *old);
      emulation::release_unused(self, held, taken, self.schema_.extract_pk_values(*old));
    }
    return out;
  }

  void post(const char* op, const Value& entity, const Value* old, const ParsedOptions& o) const {
    if (o.no_broadcast) return;
    self.db_.post_crud_event({op, self.schema_.name, strip_nulls(entity), old ? strip_nulls(*old) : Value()});
  }
};

bool DAO::is_unique_field(std::string_view field) const {
  const Field* f = schema_.field(field);
  if (!f) return false;
  return f->is_unique() || (schema_.endpoint_key && *schema_.endpoint_key == field);
}

Result<Value> DAO::row_to_entity(Value row, const Value& options) const {
  Impl impl{const_cast<DAO&>(*this)};
  bool nulls = false, transform = true, show_ws_id = false;
  if (!options.is_null()) {
    auto o = impl.options(options);
    if (!o) return o.error();
    nulls = o->nulls;
    transform = o->transform;
    show_ws_id = o->show_ws_id;
  }
  Value ws_id;
  if (const Value* w = row.find("ws_id")) ws_id = *w;
  if (transform && schema_.has_transformations(row)) {
    auto t = schema_.transform(row, nullptr, Context::Select);
    if (!t) return impl.tag(errors::transformation_error(t.error()));
    row = std::move(*t);
  }
  schema::AutoFieldsOptions a = impl.auto_opts(nulls);
  auto processed = schema_.process_auto_fields(std::move(row), Context::Select, a);
  if (!processed) return impl.tag(errors::schema_violation(processed.error()));
  if (show_ws_id && schema_.workspaceable) {
    processed->data.as_object().set("ws_id", ws_id.is_null() ? Value(db_.default_workspace_id()) : ws_id);
  }
  if (auto r = after_read(processed->data); !r) return impl.tag(r.error());
  return std::move(processed->data);
}

Result<std::optional<Value>> DAO::select(const Value& pk_or_entity, const Value& options) {
  Impl impl{*this};
  auto keyed = impl.keyed(pk_or_entity, options);
  if (!keyed) return keyed.error();
  Value& pk = keyed->first;
  ParsedOptions& o = keyed->second;
  auto row = strategy_->select(pk, impl.query(o));
  if (!row) return impl.tag(row.error());
  if (!*row) return std::optional<Value>();
  auto e = row_to_entity(std::move(**row), options);
  if (!e) return e.error();
  return std::optional<Value>(std::move(*e));
}

Result<Page> DAO::page(std::optional<int64_t> size, std::optional<std::string> offset, const Value& options) {
  return page_via([&](int64_t n, const strategy::QueryOptions& q) { return strategy_->page(n, offset, q); }, size,
                  options);
}

Result<Page> DAO::page_via(const PageFetch& fetch, std::optional<int64_t> size, const Value& options,
                           std::string_view unique_field, const Value& unique_value) {
  Impl impl{*this};
  auto o = unique_field.empty() ? impl.options(options) : impl.unique_keyed(unique_field, unique_value, options);
  if (!o) return o.error();
  return impl.page_with(fetch, size, options, *o);
}

RowIterator DAO::each(std::optional<int64_t> size, const Value& options) {
  Impl impl{*this};
  auto o = impl.options(options);
  if (!o) return RowIterator(o.error());
  auto n = impl.check_size(size, *o);
  if (!n) return RowIterator(n.error());
  int64_t page_size = *n;
  return RowIterator([this, page_size, options](const std::optional<std::string>& offset) {
    return page(page_size, offset, options);
  });
}

RowIterator DAO::each_for_export(std::optional<int64_t> size, const Value& options) {
  Value opts = options.is_object() ? options : Value(Object{});
  if (schema_.ttl) opts.as_object().set("export", true);
  return each(size, opts);
}

Result<Value> DAO::insert(const Value& entity, const Value& options) {
  Impl impl{*this};
  auto o = impl.options(options);
  if (!o) return o.error();
  auto to_insert = impl.check_insert(entity, *o);
  if (!to_insert) return to_insert.error();
  strategy::QueryOptions q = impl.query(*o);
  if (auto r = impl.check_foreign_exist(*to_insert, q); !r) return r.error();
  const Value pk = schema_.extract_pk_values(*to_insert);
  auto out = impl.guarded_write(*to_insert, nullptr, q, [&](emulation::UndoLog& undo) -> Result<Value> {
    std::function<void()> undo_row;
    if (!impl.caps().transactions) {
      undo_row = [this, pk] { (void)strategy_->remove(pk, strategy::QueryOptions{}); };
    }
    return impl.write([&]() { return found(strategy_->insert(*to_insert, q)); }, options, nullptr,
                      errors::database_error(), undo, undo_row);
  });
  if (!out) return out.error();
  impl.post("create", *out, nullptr, *o);
  return out;
}

Result<Value> DAO::update(const Value& pk_or_entity, const Value& entity, const Value& options) {
  Impl impl{*this};
  auto keyed = impl.keyed(pk_or_entity, options);
  if (!keyed) return keyed.error();
  Value& pk = keyed->first;
  ParsedOptions& o = keyed->second;
  auto checked = impl.check_update(std::nullopt, pk, entity, o);
  if (!checked) return checked.error();
  Value& to_update = checked->first;
  Value& old = checked->second;
  strategy::QueryOptions q = impl.query(o);
  if (auto r = impl.check_foreign_exist(to_update, q); !r) return r.error();
  auto out = impl.guarded_write(to_update, &old, q, [&](emulation::UndoLog& undo) -> Result<Value> {
    auto undo_row = impl.undo_of(pk);
    if (!undo_row) return undo_row.error();
    return impl.write([&]() { return strategy_->update(pk, to_update, q); }, options, &old,
                      impl.tag(errors::not_found(pk)), undo, *undo_row);
  });
  if (!out) return out.error();
  impl.post("update", *out, &old, o);
  return out;
}

Result<Value> DAO::upsert(const Value& pk_or_entity, const Value& entity, const Value& options) {
  Impl impl{*this};
  auto keyed = impl.keyed(pk_or_entity, options);
  if (!keyed) return keyed.error();
  Value& pk = keyed->first;
  ParsedOptions& o = keyed->second;
  auto checked = impl.check_upsert(std::nullopt, pk, entity, o);
  if (!checked) return checked.error();
  Value& to_upsert = checked->first;
  std::optional<Value>& old = checked->second;
  strategy::QueryOptions q = impl.query(o);
  if (auto r = impl.check_foreign_exist(to_upsert, q); !r) return r.error();
  auto out = impl.guarded_write(to_upsert, old ? &*old : nullptr, q, [&](emulation::UndoLog& undo) -> Result<Value> {
    auto undo_row = impl.undo_of(pk);
    if (!undo_row) return undo_row.error();
    return impl.write([&]() { return found(strategy_->upsert(pk, to_upsert, q)); }, options,
                      old ? &*old : nullptr, errors::database_error(), undo, *undo_row);
  });
  if (!out) return out.error();
  impl.post(old ? "update" : "create", *out, old ? &*old : nullptr, o);
  return out;
}

Result<bool> DAO::remove(const Value& pk_or_entity, const Value& options) {
  Impl impl{*this};
  auto keyed = impl.keyed(pk_or_entity, options);
  if (!keyed) return keyed.error();
  Value& pk = keyed->first;
  ParsedOptions& o = keyed->second;
  auto existing = strategy_->select(pk, impl.query(o));
  if (!existing) return impl.tag(existing.error());
  if (!*existing) return true;
  auto entity = row_to_entity(std::move(**existing), Value::object({{"nulls", true}}));
  if (!entity) return entity.error();
  return impl.remove_entity(*entity, o, [&](const strategy::QueryOptions& q) { return strategy_->remove(pk, q); });
}

Result<void> DAO::truncate() {
  auto r = strategy_->truncate();
  if (!r) return with_strategy(r.error(), db_.strategy_name());
  return {};
}

namespace {

// Kong's validate_unique_row_method: value checks, and no global query on per-ws uniques.
Result<void> check_unique_value(const DAO& dao, std::string_view field, const Value& value,
                                const ParsedOptions& o, std::string_view strategy_name) {
  const schema::Schema& s = dao.schema();
  const Field* f = s.field(field);
  if (o.all_workspaces && !f->is(f->unique_across_ws_)) {
    return with_strategy(errors::invalid_unique_global(field), strategy_name);
  }
  if (auto err = s.validate_field(*f, value)) {
    if (f->type() == FieldType::Foreign) return with_strategy(errors::invalid_foreign_key(*err), strategy_name);
    return with_strategy(errors::invalid_unique(field, err->is_string() ? err->as_string() : pretty_compact(*err)),
                         strategy_name);
  }
  return {};
}

Error not_a_unique_field(const schema::Schema& s, std::string_view field) {
  return errors::invalid_unique(field, "'" + std::string(field) + "' is not a unique field of '" + s.name + "'");
}

}  // namespace

Result<ParsedOptions> DAO::Impl::unique_keyed(std::string_view field, const Value& value, const Value& options) const {
  if (!self.is_unique_field(field)) return tag(not_a_unique_field(self.schema_, field));
  auto o = this->options(options);
  if (!o) return o.error();
  if (auto r = check_unique_value(self, field, value, *o, strategy_name()); !r) return r.error();
  return o;
}

Result<std::optional<Value>> DAO::select_by(std::string_view field, const Value& value, const Value& options) {
  Impl impl{*this};
  auto o = impl.unique_keyed(field, value, options);
  if (!o) return o.error();
  auto row = strategy_->select_by_field(field, value, impl.query(*o));
  if (!row) return impl.tag(row.error());
  if (!*row) return std::optional<Value>();
  auto e = row_to_entity(std::move(**row), options);
  if (!e) return e.error();
  return std::optional<Value>(std::move(*e));
}

Result<bool> DAO::exists_with(std::string_view field, const Value& value) {
  // An empty workspace in the query options means every workspace.
  auto row = strategy_->select_by_field(field, value, strategy::QueryOptions{});
  if (!row) return Impl{*this}.tag(row.error());
  return row->has_value();
}

Result<Value> DAO::update_by(std::string_view field, const Value& value, const Value& entity, const Value& options) {
  Impl impl{*this};
  auto o = impl.unique_keyed(field, value, options);
  if (!o) return o.error();
  auto checked = impl.check_update(std::string(field), value, entity, *o);
  if (!checked) return checked.error();
  Value& to_update = checked->first;
  Value& old = checked->second;
  strategy::QueryOptions q = impl.query(*o);
  if (auto r = impl.check_foreign_exist(to_update, q); !r) return r.error();
  auto out = impl.guarded_write(to_update, &old, q, [&](emulation::UndoLog& undo) -> Result<Value> {
    auto undo_row = impl.undo_of(schema_.extract_pk_values(old));
    if (!undo_row) return undo_row.error();
    return impl.write([&]() { return strategy_->update_by_field(field, value, to_update, q); }, options, &old,
                      impl.tag(errors::not_found_by_field(Value::object({{std::string(field), value}}))), undo,
                      *undo_row);
  });
  if (!out) return out.error();
  impl.post("update", *out, &old, *o);
  return out;
}

Result<Value> DAO::upsert_by(std::string_view field, const Value& value, const Value& entity, const Value& options) {
  Impl impl{*this};
  auto o = impl.unique_keyed(field, value, options);
  if (!o) return o.error();
  auto checked = impl.check_upsert(std::string(field), value, entity, *o);
  if (!checked) return checked.error();
  Value& to_upsert = checked->first;
  std::optional<Value>& old = checked->second;
  // An existing row keeps its primary key: the upsert replaces it in place.
  if (old) {
    for (const std::string& k : schema_.primary_key) {
      if (const Value* v = old->find(k)) to_upsert.as_object().set(k, *v);
    }
  }
  strategy::QueryOptions q = impl.query(*o);
  if (auto r = impl.check_foreign_exist(to_upsert, q); !r) return r.error();
  auto out = impl.guarded_write(to_upsert, old ? &*old : nullptr, q, [&](emulation::UndoLog& undo) -> Result<Value> {
    auto undo_row = impl.undo_of(schema_.extract_pk_values(to_upsert));
    if (!undo_row) return undo_row.error();
    return impl.write([&]() { return found(strategy_->upsert_by_field(field, value, to_upsert, q)); }, options,
                      old ? &*old : nullptr, errors::database_error(), undo, *undo_row);
  });
  if (!out) return out.error();
  impl.post(old ? "update" : "create", *out, old ? &*old : nullptr, *o);
  return out;
}

Result<bool> DAO::remove_by(std::string_view field, const Value& value, const Value& options) {
  Impl impl{*this};
  auto o = impl.unique_keyed(field, value, options);
  if (!o) return o.error();
  auto existing = strategy_->select_by_field(field, value, impl.query(*o));
  if (!existing) return impl.tag(existing.error());
  if (!*existing) return true;
  auto entity = row_to_entity(std::move(**existing), Value::object({{"nulls", true}}));
  if (!entity) return entity.error();
  Value pk = schema_.extract_pk_values(*entity);
  return impl.remove_entity(*entity, *o, [&](const strategy::QueryOptions& q) { return strategy_->remove(pk, q); });
}

Result<Page> DAO::page_for(std::string_view fk_field, const Value& fk, std::optional<int64_t> size,
                           std::optional<std::string> offset, const Value& options) {
  Impl impl{*this};
  const Field* f = schema_.field(fk_field);
  if (!f || f->type() != FieldType::Foreign) {
    return impl.tag(errors::invalid_primary_key(Value::object({{std::string(fk_field), "not a foreign key"}})));
  }
  if (auto err = schema_.validate_field(*f, fk)) return impl.tag(errors::invalid_primary_key(*err));
  auto o = impl.options(options);
  if (!o) return o.error();
  Value fk_pk = f->foreign_schema_ ? f->foreign_schema_->extract_pk_values(fk) : fk;
  return impl.page_with(
      [&](int64_t n, const strategy::QueryOptions& q) { return strategy_->page_for(fk_field, fk_pk, n, offset, q); },
      size, options, *o);
}

RowIterator DAO::each_for(std::string_view fk_field, const Value& fk, std::optional<int64_t> size,
                          const Value& options) {
  Impl impl{*this};
  auto o = impl.options(options);
  if (!o) return RowIterator(o.error());
  auto n = impl.check_size(size, *o);
  if (!n) return RowIterator(n.error());
  int64_t page_size = *n;
  std::string field(fk_field);
  return RowIterator([this, field, fk, page_size, options](const std::optional<std::string>& offset) {
    return page_for(field, fk, page_size, offset, options);
  });
}

std::string DAO::cache_key(const std::vector<Value>& parts, std::string_view ws_id) const {
  std::string out = schema_.name;
  for (size_t i = 0; i < 5; ++i) {
    out += ':';
    if (i < parts.size() && !parts[i].is_null()) out += parts[i].to_lua_string();
  }
  out += ':';
  if (schema_.workspaceable) out += ws_id.empty() ? db_.default_workspace_id() : std::string(ws_id);
  return out;
}

std::string DAO::cache_key(const Value& entity) const {
  std::vector<std::string> values;
  bool use_pk = true;
  for (const std::string& name : schema_.cache_key) {
    std::string v = cache_key_part(schema_, name, entity);
    if (!v.empty()) use_pk = false;
    values.push_back(std::move(v));
  }
  if (use_pk) {
    values.clear();
    for (const std::string& name : schema_.primary_key) values.push_back(cache_key_part(schema_, name, entity));
  }
  values.resize(5);
  std::string ws;
  if (schema_.workspaceable) {
    const Value* w = entity.find("ws_id");
    ws = (w && w->is_string()) ? w->as_string() : db_.default_workspace_id();
  }
  std::string out = schema_.name;
  for (const auto& v : values) out += ":" + v;
  return out + ":" + ws;
}

Result<std::optional<Value>> DAO::select_by_cache_key(const Value& key_or_entity, const Value& options) {
  Impl impl{*this};
  if (schema_.cache_key.empty()) {
    return impl.tag(errors::invalid_unique("cache_key", "entity does not have a cache_key defined"));
  }
  std::string key = key_or_entity.is_string() ? key_or_entity.as_string() : cache_key(key_or_entity);
  if (schema_.cache_key.size() == 1) {
    const std::string& field = schema_.cache_key[0];
    if (!key_or_entity.is_string()) {
      const Value* v = key_or_entity.find(field);
      return select_by(field, v ? *v : Value(), options);
    }
    return select_by(field, Value(key), options);
  }
  auto o = impl.options(options);
  if (!o) return o.error();
  auto row = strategy_->select_by_field("cache_key", Value(key), impl.query(*o));
  if (!row) return impl.tag(row.error());
  if (!*row) return std::optional<Value>();
  auto e = row_to_entity(std::move(**row), options);
  if (!e) return e.error();
  return std::optional<Value>(std::move(*e));
}

Result<Value> DAO::before_write(Value entity, const Value*) { return entity; }
Result<void> DAO::after_write(Value&, const Value*) { return {}; }
Result<void> DAO::before_delete(const Value&) { return {}; }
Result<void> DAO::after_read(Value&) const { return {}; }

}  // namespace kongdb::dao
