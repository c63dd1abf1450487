// The memory connector: the shared store, one Strategy per entity, the tags index, ttl purge.
// No migrations: a table exists as soon as its entity's strategy is asked for. Written for kongdb.
#include <mutex>
#include <utility>

#include "kongdb/strategy/memory.h"
#include "strategy/model/tags_index.h"
#include "strategy/memory/memory_store.h"

namespace kongdb::strategy {

namespace memory {
namespace {

class MemoryTagsIndex final : public model::TagsIndex {
 public:
  explicit MemoryTagsIndex(std::shared_ptr<Store> store) : store_(std::move(store)) {}

 protected:
  Result<std::vector<Entry>> fetch(const std::optional<std::string>& tag, const std::optional<After>& after,
                                   int64_t limit) override {
    std::shared_lock lock(store_->mutex);
    std::vector<Entry> out;
    auto it = after ? store_->tags.lower_bound(after->entity_id) : store_->tags.begin();
    for (; it != store_->tags.end() && static_cast<int64_t>(out.size()) < limit; ++it) {
      const auto& [id, entry] = *it;
      const bool same_as_after = after && id == after->entity_id;
      if (tag) {
        if (same_as_after) continue;
        for (const auto& t : entry.tags) {
          if (t == *tag) {
            out.push_back(Entry{id, entry.entity_name, t, 0});
            break;
          }
        }
        continue;
      }
      for (size_t i = 0; i < entry.tags.size() && static_cast<int64_t>(out.size()) < limit; ++i) {
        const auto ordinality = static_cast<int64_t>(i + 1);
        if (same_as_after && ordinality <= after->ordinality) continue;
        out.push_back(Entry{id, entry.entity_name, entry.tags[i], ordinality});
      }
    }
    return out;
  }

  Error tagged(Error e) const override { return tag(std::move(e)); }

 private:
  std::shared_ptr<Store> store_;
};

class MemoryConnector final : public Connector {
 public:
  explicit MemoryConnector(std::shared_ptr<Store> store) : store_(std::move(store)) {}

  std::string_view name() const override { return kName; }

  Capabilities capabilities() const override {
    Capabilities none;
    none.transactions = false;
    none.foreign_keys = false;
    none.unique_constraints = false;
    return none;
  }

  Result<std::unique_ptr<Strategy>> strategy_for(const schema::Schema& schema) override {
    if (model::is_tags_index(schema)) return make_tags_index(store_);
    std::unique_lock lock(store_->mutex);
    return make_strategy(store_, store_->table_for(schema));
  }

  // Writes are applied one by one: the DAO orders them so that a failure leaves nothing
  // half-done (see "Backends without transactions" in src/dao/dao.cc).
  Result<void> transaction(const std::function<Result<void>()>& body) override { return body(); }

  Result<int64_t> purge_expired() override {
    std::unique_lock lock(store_->mutex);
    const double now = store_->now();
    int64_t purged = 0;
    for (auto& [name, t] : store_->tables) {
      if (!t->layout.ttl) continue;
      for (auto it = t->rows.begin(); it != t->rows.end();) {
        if (!it->second.expires_at || *it->second.expires_at >= now) {
          ++it;
          continue;
        }
        // The row goes without the DAO, so its unique values are freed here.
        t->drop_claims_of(it->first);
        t->unindex(it->first, it->second);
        store_->sync_tags(*t, it->second.fields, nullptr);
        it = t->rows.erase(it);
        ++purged;
      }
    }
    return purged;
  }

  MigrationStore* migrations() override { return nullptr; }

 private:
  std::shared_ptr<Store> store_;
};

}  // namespace

std::unique_ptr<Strategy> make_tags_index(std::shared_ptr<Store> store) {
  return std::make_unique<MemoryTagsIndex>(std::move(store));
}

}  // namespace memory

Result<std::unique_ptr<Connector>> open_memory(const MemoryOptions& opts) {
  return std::unique_ptr<Connector>(
      std::make_unique<memory::MemoryConnector>(std::make_shared<memory::Store>(opts)));
}

Result<std::unique_ptr<Connector>> open_process_memory() {
  static std::mutex guard;
  static std::shared_ptr<memory::Store> store;
  std::lock_guard lock(guard);
  if (!store) store = std::make_shared<memory::Store>(MemoryOptions{});
  return std::unique_ptr<Connector>(std::make_unique<memory::MemoryConnector>(store));
}

}  // namespace kongdb::strategy
