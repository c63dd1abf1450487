// Internals of the memory strategy: the store shared by every entity's Strategy (one table per
// entity, the tags index, one reader/writer lock) and the row and key codecs. Written for kongdb.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/core/ids.h"
#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/memory.h"
#include "kongdb/strategy/strategy.h"
#include "strategy/model/table_layout.h"

namespace kongdb::strategy::memory {

inline constexpr std::string_view kName = "memory";

/// Every error leaving this backend carries strategy = "memory".
Error tag(Error e);
Error db_error(std::string message);

/// Values are kept as Values; a column only needs to know whether it holds a number (SQL
/// number columns read integral values back as integers, and so does this store).
enum class ColKind { Plain, Number };
using FieldMap = model::FieldMap<ColKind>;
using Layout = model::Layout<ColKind>;

/// A primary key: the pk columns' values in order (a foreign pk field gives its parent's pk
/// values), ordered as SQL orders them (null, then numbers, then strings bytewise), so pages
/// come in the order the SQL strategies give.
using Key = std::vector<Value>;
struct KeyLess {
  bool operator()(const Key& a, const Key& b) const;
};
/// A key as text (the parent of a foreign key in the children index).
std::string key_text(const Key& key);

struct StoredRow {
  Value fields;  ///< every layout field; foreign keys as {pk = v} or null
  std::string ws_id;
  std::string cache_key;
  std::optional<double> expires_at;
};

using KeySet = std::set<Key, KeyLess>;

struct Table {
  Layout layout;
  bool feeds_tags = false;  ///< its rows' tags are listed by the "tags" entity
  std::map<Key, StoredRow, KeyLess> rows;
  /// Foreign keys: field -> parent key text -> children, for page_for and cascades.
  std::map<std::string, std::map<std::string, KeySet>, std::less<>> children;
  /// Unique claims (the unique index): value -> owner, and back.
  std::map<UniqueKey, Key> claims;
  std::map<Key, std::set<UniqueKey>, KeyLess> claims_of;

  /// The key of a pk object ({id = ...}) or of a row carrying its pk fields.
  Key key_of(const Value& pk_or_row) const;
  /// A row written through the strategy, normalised to every layout field.
  Value normalised(const Value& row) const;
  /// A stored row as the strategy returns it (fields, ws_id, ttl remaining or absolute).
  Value to_row(const StoredRow& stored, double now, bool export_ttl) const;
  /// Finds a row's key by a unique field's value (through the claims) or by scanning.
  std::optional<Key> find_by_field(const FieldMap& f, const Value& value, const std::string& ws_id) const;

  void index(const Key& key, const StoredRow& row);
  void unindex(const Key& key, const StoredRow& row);
  /// Drops every claim `owner` holds (its row went without the DAO: ttl purge, truncate).
  void drop_claims_of(const Key& owner);
};

struct TagsEntry {
  std::string entity_name;
  std::vector<std::string> tags;
};

/// Many readers or one writer, the writer first: a waiting writer stops new readers at the
/// gate, so a steady stream of readers cannot starve it (glibc's rwlock prefers readers).
class WriterFirstMutex {
 public:
  void lock() {
    gate_.lock();
    rw_.lock();
  }
  void unlock() {
    rw_.unlock();
    gate_.unlock();
  }
  void lock_shared() {
    std::lock_guard pass(gate_);
    rw_.lock_shared();
  }
  void unlock_shared() { rw_.unlock_shared(); }

 private:
  std::mutex gate_;
  std::shared_mutex rw_;
};

struct Store {
  explicit Store(const MemoryOptions& opts);

  mutable WriterFirstMutex mutex;
  Clock* clock;
  std::function<Result<void>(std::string_view, std::string_view)> before_write;
  std::map<std::string, std::unique_ptr<Table>, std::less<>> tables;
  /// The tags index: entity_id -> its entity and tags, ordered as Kong pages it.
  std::map<std::string, TagsEntry> tags;

  double now() const { return clock->now(); }
  /// The table of an entity, created on first use (holding the writer lock).
  Table& table_for(const schema::Schema& schema);
  /// Keeps the tags index in step with one row of `t` (nullptr: the row went away).
  void sync_tags(const Table& t, const Value& old_fields, const StoredRow* now_stored);
  /// Tables whose foreign keys point (transitively) at `entity`, `entity` first.
  std::vector<Table*> referencing_closure(const std::string& entity);
};

std::unique_ptr<Strategy> make_strategy(std::shared_ptr<Store> store, Table& table);
std::unique_ptr<Strategy> make_tags_index(std::shared_ptr<Store> store);

}  // namespace kongdb::strategy::memory
