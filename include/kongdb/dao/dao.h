// DAO: Kong's generic data access object (kong/db/dao/init.lua), one per entity, over a Strategy.
//
//   DAO& services = *db.dao("services");
//   Result<Value> s = services.insert(Value::object({{"name", "mockbin"}, {"url", "http://mockbin.org"}}));
//   Result<std::optional<Value>> same = services.select_by("name", "mockbin");
//
// Options are Kong's option tables as a Value (an Object, or null for none): nulls, ttl, tags,
// tags_cond, pagination {page_size, max_page_size}, workspace, show_ws_id, transform, export,
// skip_ttl, no_broadcast_crud_event. Bad options give INVALID_OPTIONS with Kong's messages.
// Every method returns Kong's error object on failure and leaves the store unchanged.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/core/result.h"
#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::dao {

class DB;

struct Page {
  std::vector<Value> rows;
  /// Present only when more rows remain.
  std::optional<std::string> offset;
};

/// Kong's page sizes: DAO default 1000, at most 50000.
inline constexpr int64_t kDefaultPageSize = 1000;
inline constexpr int64_t kMaxPageSize = 50000;
/// DAO_MAX_TTL
inline constexpr int64_t kMaxTtl = 100000000;

/// Pulls rows one at a time across pages (Kong's iteration.by_row). An error ends iteration.
class RowIterator {
 public:
  using Pager = std::function<Result<Page>(const std::optional<std::string>& offset)>;
  explicit RowIterator(Pager pager) : pager_(std::move(pager)) {}
  explicit RowIterator(Error failed) : failed_(std::move(failed)) {}

  /// The next row, nullopt at the end, or the error that stopped iteration.
  Result<std::optional<Value>> next();
  /// 1-based number of the page the last row came from.
  int page_number() const { return page_no_; }

 private:
  Pager pager_;
  std::optional<Error> failed_;
  std::vector<Value> rows_;
  size_t index_ = 0;
  std::optional<std::string> offset_;
  bool started_ = false;
  bool done_ = false;
  int page_no_ = 0;
};

class DAO {
 public:
  DAO(DB& db, const schema::Schema& schema, std::unique_ptr<strategy::Strategy> strategy);
  virtual ~DAO();

  const schema::Schema& schema() const { return schema_; }
  strategy::Strategy& strategy() { return *strategy_; }

  // --- by primary key ---
  /// nullopt when no row matches (not an error, as in Kong).
  Result<std::optional<Value>> select(const Value& pk, const Value& options = {});
  Result<Page> page(std::optional<int64_t> size = {}, std::optional<std::string> offset = {},
                    const Value& options = {});
  RowIterator each(std::optional<int64_t> size = {}, const Value& options = {});
  RowIterator each_for_export(std::optional<int64_t> size = {}, const Value& options = {});
  Result<Value> insert(const Value& entity, const Value& options = {});
  Result<Value> update(const Value& pk, const Value& entity, const Value& options = {});
  Result<Value> upsert(const Value& pk, const Value& entity, const Value& options = {});
  /// True even when nothing existed.
  Result<bool> remove(const Value& pk, const Value& options = {});
  Result<void> truncate();

  // --- by a unique field or the endpoint key (Kong's select_by_<f>, update_by_<f>, ...) ---
  Result<std::optional<Value>> select_by(std::string_view field, const Value& value,
                                         const Value& options = {});
  Result<Value> update_by(std::string_view field, const Value& value, const Value& entity,
                          const Value& options = {});
  Result<Value> upsert_by(std::string_view field, const Value& value, const Value& entity,
                          const Value& options = {});
  Result<bool> remove_by(std::string_view field, const Value& value, const Value& options = {});
  /// Whether any row, in any workspace, has `field` = `value`; the field need not be unique
  /// (GET / asks "is any plugin named so?"). One single-row read.
  Result<bool> exists_with(std::string_view field, const Value& value);

  // --- by foreign key (Kong's page_for_<fk>, each_for_<fk>) ---
  Result<Page> page_for(std::string_view fk_field, const Value& fk, std::optional<int64_t> size = {},
                        std::optional<std::string> offset = {}, const Value& options = {});
  RowIterator each_for(std::string_view fk_field, const Value& fk, std::optional<int64_t> size = {},
                       const Value& options = {});

  // --- cache keys (Kong's dao:cache_key, select_by_cache_key) ---
  /// "<name>:<a1>:<a2>:<a3>:<a4>:<a5>:<ws_id>" from explicit parts.
  std::string cache_key(const std::vector<Value>& parts, std::string_view ws_id = {}) const;
  /// From an entity: its cache_key fields (foreign ones by id), or its primary key.
  std::string cache_key(const Value& entity) const;
  Result<std::optional<Value>> select_by_cache_key(const Value& key_or_entity, const Value& options = {});

  /// True for fields with select_by_* & co: unique fields and the endpoint key.
  bool is_unique_field(std::string_view field) const;
  /// Kong's row_to_entity: select processing (honouring nulls), transformations on read.
  Result<Value> row_to_entity(Value row, const Value& options = {}) const;

 protected:
  // Per-entity overrides hook into these (Kong's custom DAOs: targets, certificates, plugins...).
  // before_write runs after validation, before cache keys and storage; after_write runs in the
  // same transaction as the storage write and may complete the returned entity.
  virtual Result<Value> before_write(Value entity, const Value* existing);
  virtual Result<void> after_write(Value& entity, const Value* old);
  virtual Result<void> before_delete(const Value& entity);
  /// Completes an entity read from storage (e.g. a certificate's sni names).
  virtual Result<void> after_read(Value& entity) const;
  /// True when after_write writes other rows, so the write needs a transaction of its own.
  virtual bool writes_related_rows() const { return false; }

  using PageFetch = std::function<Result<strategy::Page>(int64_t size, const strategy::QueryOptions&)>;
  /// page()'s option and size checks and row processing around a custom storage read. With a
  /// `unique_field`, `unique_value` is first checked as select_by would check it.
  Result<Page> page_via(const PageFetch& fetch, std::optional<int64_t> size, const Value& options,
                        std::string_view unique_field = {}, const Value& unique_value = {});

  DB& db_;
  const schema::Schema& schema_;
  std::unique_ptr<strategy::Strategy> strategy_;

 private:
  struct Impl;
  friend struct Impl;
};

}  // namespace kongdb::dao
