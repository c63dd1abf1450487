// The DAO of the read-only "tags" entity (Kong's kong/db/dao/tags.lua): every (tag, entity)
// pair of every tagged table, kept by the strategies' tags index.
//
//   auto& tags = static_cast<dao::TagsDAO&>(*db.dao("tags"));
//   auto all = tags.page(100);                     // rows {tag, entity_name, entity_id}
//   auto red = tags.page_by_tag("red", 100);       // the entities tagged "red"
//
// Writes fail with Kong's schema violation {tags = "does not support insert/upsert/update/
// delete operations"}.
#pragma once

#include <optional>
#include <string>

#include "kongdb/dao/dao.h"

namespace kongdb::dao {

class TagsDAO final : public DAO {
 public:
  using DAO::DAO;

  /// The entities carrying `tag`; an invalid tag is Kong's INVALID_UNIQUE error.
  Result<Page> page_by_tag(const std::string& tag, std::optional<int64_t> size = {},
                           std::optional<std::string> offset = {}, const Value& options = {});

 protected:
  Result<Value> before_write(Value entity, const Value* existing) override;
  Result<void> before_delete(const Value& entity) override;
};

}  // namespace kongdb::dao
