// One entity's storage in the memory store: reads under the shared lock, writes under the
// exclusive one, keyset pages in primary-key order with Kong's offsets, ttl, tags filters.
// Foreign keys and uniques are not enforced here (the DAO does it: Capabilities say so); the
// unique index is the claim table the DAO fills through claim_unique. Written for kongdb.
#include <algorithm>
#include <mutex>
#include <set>
#include <utility>

#include "strategy/memory/memory_store.h"
#include "strategy/model/tags_index.h"

namespace kongdb::strategy::memory {
namespace {

class MemoryStrategy final : public Strategy {
 public:
  MemoryStrategy(std::shared_ptr<Store> store, Table& table) : store_(std::move(store)), t_(table) {}

  Result<std::optional<Value>> select(const Value& pk, const QueryOptions& opts) override {
    std::shared_lock lock(store_->mutex);
    const double now = store_->now();
    auto it = t_.rows.find(t_.key_of(pk));
    if (it == t_.rows.end() || !visible(it->second, opts, now)) return std::optional<Value>();
    return std::optional<Value>(t_.to_row(it->second, now, opts.export_ttl));
  }

  Result<std::optional<Value>> select_by_field(std::string_view field, const Value& value,
                                               const QueryOptions& opts) override {
    auto f = by_field(field);
    if (!f) return f.error();
    std::shared_lock lock(store_->mutex);
    const double now = store_->now();
    auto key = t_.find_by_field(**f, value, opts.ws_id);
    if (!key) return std::optional<Value>();
    const StoredRow& row = t_.rows.at(*key);
    if (!visible(row, opts, now)) return std::optional<Value>();
    return std::optional<Value>(t_.to_row(row, now, opts.export_ttl));
  }

  Result<Page> page(int64_t size, const std::optional<std::string>& offset, const QueryOptions& opts) override {
    auto after = decode(offset);
    if (!after) return after.error();
    std::shared_lock lock(store_->mutex);
    auto it = *after ? t_.rows.upper_bound(**after) : t_.rows.begin();
    std::vector<const std::pair<const Key, StoredRow>*> picked;
    for (; it != t_.rows.end() && !full(picked.size(), size); ++it) {
      if (listed(it->second, opts)) picked.push_back(&*it);
    }
    return finish(std::move(picked), size, opts);
  }

  Result<Page> page_for(std::string_view fk_field, const Value& fk_pk, int64_t size,
                        const std::optional<std::string>& offset, const QueryOptions& opts) override {
    auto f = by_field(fk_field);
    if (!f) return f.error();
    auto after = decode(offset);
    if (!after) return after.error();
    std::shared_lock lock(store_->mutex);
    std::vector<const std::pair<const Key, StoredRow>*> picked;
    auto by_field = t_.children.find(fk_field);
    if (by_field != t_.children.end()) {
      Key parent;
      for (const auto& part : (*f)->parent_pk) {
        const Value* v = fk_pk.is_object() ? fk_pk.find(part) : &fk_pk;
        parent.push_back(v ? *v : Value());
      }
      auto set = by_field->second.find(key_text(parent));
      if (set != by_field->second.end()) {
        auto it = *after ? set->second.upper_bound(**after) : set->second.begin();
        for (; it != set->second.end() && !full(picked.size(), size); ++it) {
          auto row = t_.rows.find(*it);
          if (listed(row->second, opts)) picked.push_back(&*row);
        }
      }
    }
    return finish(std::move(picked), size, opts);
  }

  Result<Value> insert(const Value& row, const QueryOptions& opts) override {
    std::unique_lock lock(store_->mutex);
    if (auto r = hook("insert"); !r) return r.error();
    Key key = t_.key_of(row);
    if (t_.rows.count(key)) return tag(errors::primary_key_violation(model::pk_of(t_.layout.pk_fields, row)));
    StoredRow stored = make_stored(row, model::write_ws(row, opts), opts);
    return put(std::move(key), std::move(stored), Value());
  }

  Result<std::optional<Value>> update(const Value& pk, const Value& row, const QueryOptions& opts) override {
    std::unique_lock lock(store_->mutex);
    auto it = t_.rows.find(t_.key_of(pk));
    if (it == t_.rows.end() || !visible(it->second, opts, store_->now())) return std::optional<Value>();
    return update_at(it, row, opts);
  }

  Result<std::optional<Value>> update_by_field(std::string_view field, const Value& value, const Value& row,
                                               const QueryOptions& opts) override {
    auto f = by_field(field);
    if (!f) return f.error();
    std::unique_lock lock(store_->mutex);
    auto key = t_.find_by_field(**f, value, opts.ws_id);
    if (!key) return std::optional<Value>();
    auto it = t_.rows.find(*key);
    if (!visible(it->second, opts, store_->now())) return std::optional<Value>();
    return update_at(it, row, opts);
  }

  Result<Value> upsert(const Value& pk, const Value& row, const QueryOptions& opts) override {
    Value full = row.is_object() ? row : Value::object();
    if (pk.is_object()) {
      for (const auto& [k, v] : pk.as_object()) full.as_object().set(k, v);
    }
    std::unique_lock lock(store_->mutex);
    if (auto r = hook("upsert"); !r) return r.error();
    Key key = t_.key_of(full);
    return replace(std::move(key), full, opts);
  }

  Result<Value> upsert_by_field(std::string_view field, const Value& value, const Value& row,
                                const QueryOptions& opts) override {
    auto f = by_field(field);
    if (!f) return f.error();
    Value full = model::row_with_field(row, field, value);
    std::unique_lock lock(store_->mutex);
    if (auto r = hook("upsert"); !r) return r.error();
    // The row holding the value keeps its primary key, as SQL's ON CONFLICT (field) DO UPDATE.
    const std::string ws = model::write_ws(full, opts);
    if (auto existing = t_.find_by_field(**f, value, ws)) {
      const Value& kept = t_.rows.at(*existing).fields;
      for (const auto& pk : t_.layout.pk_fields) {
        if (const Value* v = kept.find(pk)) full.as_object().set(pk, *v);
      }
      return replace(std::move(*existing), full, opts);
    }
    Key key = t_.key_of(full);
    if (t_.rows.count(key)) return tag(errors::primary_key_violation(model::pk_of(t_.layout.pk_fields, full)));
    return replace(std::move(key), full, opts);
  }

  Result<bool> remove(const Value& pk, const QueryOptions& opts) override {
    std::unique_lock lock(store_->mutex);
    auto it = t_.rows.find(t_.key_of(pk));
    if (it == t_.rows.end() || !visible(it->second, opts, store_->now())) return false;
    return erase(it);
  }

  Result<bool> remove_by_field(std::string_view field, const Value& value, const QueryOptions& opts) override {
    auto f = by_field(field);
    if (!f) return f.error();
    std::unique_lock lock(store_->mutex);
    auto key = t_.find_by_field(**f, value, opts.ws_id);
    if (!key) return false;
    auto it = t_.rows.find(*key);
    if (!visible(it->second, opts, store_->now())) return false;
    return erase(it);
  }

  // As Postgres' TRUNCATE ... CASCADE: the tables referencing this one are emptied too.
  Result<void> truncate() override {
    std::unique_lock lock(store_->mutex);
    for (Table* t : store_->referencing_closure(t_.layout.entity)) {
      for (const auto& [key, row] : t->rows) store_->sync_tags(*t, row.fields, nullptr);
      t->rows.clear();
      t->children.clear();
      t->claims.clear();
      t->claims_of.clear();
    }
    return {};
  }

  Result<ClaimOutcome> claim_unique(const UniqueKey& key, const Value& owner) override {
    std::unique_lock lock(store_->mutex);
    Key owner_key = t_.key_of(owner);
    auto [it, inserted] = t_.claims.try_emplace(key, owner_key);
    if (inserted) {
      t_.claims_of[owner_key].insert(key);
      return ClaimOutcome::Acquired;
    }
    return it->second == owner_key ? ClaimOutcome::AlreadyOwned : ClaimOutcome::HeldByAnother;
  }

  Result<void> release_unique(const UniqueKey& key, const Value& owner) override {
    std::unique_lock lock(store_->mutex);
    Key owner_key = t_.key_of(owner);
    auto it = t_.claims.find(key);
    if (it == t_.claims.end() || !(it->second == owner_key)) return {};
    t_.claims.erase(it);
    auto held = t_.claims_of.find(owner_key);
    if (held != t_.claims_of.end()) {
      held->second.erase(key);
      if (held->second.empty()) t_.claims_of.erase(held);
    }
    return {};
  }

 private:
  using Entry = std::pair<const Key, StoredRow>;
  using RowIt = std::map<Key, StoredRow, KeyLess>::iterator;

  Result<const FieldMap*> by_field(std::string_view field) const {
    const FieldMap* f = t_.layout.field(field);
    if (!f) return db_error("unknown field '" + std::string(field) + "' on '" + t_.layout.entity + "'");
    return f;
  }

  Result<void> hook(std::string_view operation) const {
    if (!store_->before_write) return {};
    if (auto r = store_->before_write(t_.layout.entity, operation); !r) return tag(r.error());
    return {};
  }

  bool visible(const StoredRow& row, const QueryOptions& opts, double now) const {
    if (t_.layout.workspaceable && !opts.ws_id.empty() && row.ws_id != opts.ws_id) return false;
    return opts.skip_ttl || !row.expires_at || *row.expires_at >= now;
  }

  bool listed(const StoredRow& row, const QueryOptions& opts) const {
    if (!visible(row, opts, store_->now())) return false;
    return !opts.tags || !t_.layout.tags || opts.tags->tags.empty() || model::carries_tags(row.fields, *opts.tags);
  }

  // One row past the page tells whether another page exists.
  static bool full(size_t picked, int64_t size) { return static_cast<int64_t>(picked) > std::max<int64_t>(size, 1); }

  Result<std::optional<Key>> decode(const std::optional<std::string>& offset) const {
    if (!offset) return std::optional<Key>();
    auto keys = model::decode_offset(*offset, t_.layout.pk_is_uuid);
    if (!keys) return tag(keys.error());
    return std::optional<Key>(Key(keys->begin(), keys->end()));
  }

  Result<Page> finish(std::vector<const Entry*> picked, int64_t size, const QueryOptions& opts) const {
    const double now = store_->now();
    return model::finish_page(
        std::move(picked), std::max<int64_t>(size, 1),
        [](const Entry* last) { return model::encode_offset(Array(last->first.begin(), last->first.end())); },
        [&](const Entry* e) { return t_.to_row(e->second, now, opts.export_ttl); });
  }

  std::optional<double> expiry(const QueryOptions& opts) const {
    if (!t_.layout.ttl || !opts.ttl || *opts.ttl <= 0) return std::nullopt;
    return store_->now() + static_cast<double>(*opts.ttl);
  }

  StoredRow make_stored(const Value& row, std::string ws_id, const QueryOptions& opts) const {
    StoredRow stored;
    stored.fields = t_.normalised(row);
    stored.ws_id = std::move(ws_id);
    if (const Value* ck = row.find("cache_key"); ck && ck->is_string()) stored.cache_key = ck->as_string();
    stored.expires_at = expiry(opts);
    return stored;
  }

  Value put(Key key, StoredRow stored, const Value& old_fields) {
    t_.index(key, stored);
    store_->sync_tags(t_, old_fields, &stored);
    auto& slot = t_.rows[std::move(key)];
    slot = std::move(stored);
    return t_.to_row(slot, store_->now(), false);
  }

  // The whole row replaced (upsert); ws_id stays that of an existing row.
  Result<Value> replace(Key key, const Value& full, const QueryOptions& opts) {
    auto it = t_.rows.find(key);
    if (it == t_.rows.end()) return put(std::move(key), make_stored(full, model::write_ws(full, opts), opts), Value());
    StoredRow stored = make_stored(full, it->second.ws_id, opts);
    Value old_fields = std::move(it->second.fields);
    t_.unindex(key, StoredRow{old_fields, {}, {}, {}});
    t_.rows.erase(it);
    return put(std::move(key), std::move(stored), old_fields);
  }

  Result<std::optional<Value>> update_at(RowIt it, const Value& row, const QueryOptions& opts) {
    if (auto r = hook("update"); !r) return r.error();
    StoredRow stored = it->second;
    const Value given = t_.normalised(row);
    for (const auto& f : t_.layout.fields) {
      if (row.find(f.name)) stored.fields.as_object().set(f.name, *given.find(f.name));
    }
    if (const Value* ck = row.find("cache_key"); ck && ck->is_string()) stored.cache_key = ck->as_string();
    if (opts.ttl) stored.expires_at = expiry(opts);
    Key key = it->first;
    Value old_fields = it->second.fields;
    t_.unindex(key, it->second);
    t_.rows.erase(it);
    return std::optional<Value>(put(std::move(key), std::move(stored), old_fields));
  }

  Result<bool> erase(RowIt it) {
    if (auto r = hook("delete"); !r) return r.error();
    t_.unindex(it->first, it->second);
    store_->sync_tags(t_, it->second.fields, nullptr);
    t_.rows.erase(it);
    return true;
  }

  std::shared_ptr<Store> store_;
  Table& t_;
};

}  // namespace

std::unique_ptr<Strategy> make_strategy(std::shared_ptr<Store> store, Table& table) {
  return std::make_unique<MemoryStrategy>(std::move(store), table);
}

}  // namespace kongdb::strategy::memory
