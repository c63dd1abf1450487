// The tags index on a SQL engine: the "tags" table (entity_id, entity_name, tags) kept by the
// triggers the dialect's tags_ddl() attaches to every table with tags, read through the
// dialect's tags_query(). Written for kongdb; queries modelled on kong/db/strategies/postgres/tags.lua.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "strategy/model/tags_index.h"
#include "strategy/sql/sql_text.h"

namespace kongdb::strategy::sql {

template <class D>
class SqlTagsIndex final : public model::TagsIndex {
 public:
  explicit SqlTagsIndex(std::shared_ptr<typename D::Db> db) : db_(std::move(db)) {}

 protected:
  Result<std::vector<Entry>> fetch(const std::optional<std::string>& tag, const std::optional<After>& after,
                                   int64_t limit) override {
    auto r = db_->run(D::tags_query(tag, after, limit), /*read=*/true);
    if (!r) return db_error<D>(r.error().message);
    auto text = [](const typename D::Param& cell) {
      const std::string* s = D::cell_text(cell);
      return s ? *s : std::string();
    };
    std::vector<Entry> out;
    out.reserve(r->rows.size());
    for (const auto& row : r->rows) {
      Entry e;
      e.entity_id = text(row[0]);
      e.entity_name = text(row[1]);
      if (!tag) {
        e.tag = text(row[2]);
        e.ordinality = D::cell_integer(row[3]);
      }
      out.push_back(std::move(e));
    }
    return out;
  }

  Error tagged(Error e) const override { return tag<D>(std::move(e)); }

 private:
  std::shared_ptr<typename D::Db> db_;
};

}  // namespace kongdb::strategy::sql
