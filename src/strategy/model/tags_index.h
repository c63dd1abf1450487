// The tags index: one row per tagged entity (entity_id, entity_name, tags), kept by the backend
// itself (triggers) on every write of a table with a `tags` column, as Kong's Postgres schema
// does with its sync_tags() trigger. It backs the read-only "tags" entity: paging every
// (tag, entity) pair, or the entities carrying one tag. Written for kongdb.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/schema/schema.h"
#include "kongdb/strategy/strategy.h"

namespace kongdb::strategy::model {

/// The index table, named as in Kong.
inline constexpr std::string_view kTagsTable = "tags";

/// Whether a row's `tags` carry any (TagsCond::Or) or every (TagsCond::And) tag of `filter`: the
/// tags filter of backends that apply it while reading rows (memory, Cassandra).
bool carries_tags(const Value& fields, const TagsFilter& filter);

/// The "tags" entity is served by the index, not by a table of its own.
bool is_tags_index(const schema::Schema& schema);

/// Tables that feed the index: a `tags` field and an `id` primary key (Kong's entity_id).
bool feeds_tags_index(const schema::Schema& schema);

/// The Strategy of the "tags" entity. Only page() reads; QueryOptions::tags with one tag pages
/// the entities carrying it. Everything else is refused.
class TagsIndex : public Strategy {
 public:
  struct Entry {
    std::string entity_id, entity_name, tag;
    int64_t ordinality = 0;  ///< 1-based position of the tag in the entity's list
  };
  struct After {
    std::string entity_id;
    int64_t ordinality = 0;  ///< unused when paging one tag
  };

  Result<Page> page(int64_t size, const std::optional<std::string>& offset,
                    const QueryOptions& opts) override;

  Result<std::optional<Value>> select(const Value&, const QueryOptions&) override;
  Result<std::optional<Value>> select_by_field(std::string_view, const Value&, const QueryOptions&) override;
  Result<Page> page_for(std::string_view, const Value&, int64_t, const std::optional<std::string>&,
                        const QueryOptions&) override;
  Result<Value> insert(const Value&, const QueryOptions&) override;
  Result<std::optional<Value>> update(const Value&, const Value&, const QueryOptions&) override;
  Result<std::optional<Value>> update_by_field(std::string_view, const Value&, const Value&,
                                               const QueryOptions&) override;
  Result<Value> upsert(const Value&, const Value&, const QueryOptions&) override;
  Result<Value> upsert_by_field(std::string_view, const Value&, const Value&, const QueryOptions&) override;
  Result<bool> remove(const Value&, const QueryOptions&) override;
  Result<bool> remove_by_field(std::string_view, const Value&, const QueryOptions&) override;
  Result<void> truncate() override;

  /// Writes and keyed reads: the index is only paged (the tags DAO refuses them first).
  static Error read_only();

 protected:
  /// Up to `limit` entries after `after`, ordered by (entity_id, ordinality); with `tag`, one
  /// entry per entity carrying it (tag and ordinality need not be filled).
  virtual Result<std::vector<Entry>> fetch(const std::optional<std::string>& tag,
                                           const std::optional<After>& after, int64_t limit) = 0;
  /// Adds the backend's name to an error.
  virtual Error tagged(Error e) const = 0;
};

}  // namespace kongdb::strategy::model
