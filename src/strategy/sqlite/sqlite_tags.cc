// The tags index on SQLite: the "tags" table (tags as a JSON array) kept by triggers that
// Statements::create() adds to every table with tags. Written for kongdb; queries modelled on
// kong/db/strategies/postgres/tags.lua.
#include <utility>

#include "strategy/common/tags_index.h"
#include "strategy/sqlite/sqlite_internal.h"
#include "strategy/sqlite/sqlite_strategy.h"

namespace kongdb::strategy::sqlite {
namespace {

std::string text_of(const Param& p) {
  const auto* s = std::get_if<std::string>(&p);
  return s ? *s : std::string();
}

class SqliteTagsIndex final : public common::TagsIndex {
 public:
  explicit SqliteTagsIndex(std::shared_ptr<Db> db) : db_(std::move(db)) {}

 protected:
  Result<std::vector<Entry>> fetch(const std::optional<std::string>& tag, const std::optional<After>& after,
                                   int64_t limit) override {
    Sql q;
    if (tag) {
      q.add("SELECT t.\"entity_id\", t.\"entity_name\" FROM \"tags\" AS t WHERE EXISTS "
            "(SELECT 1 FROM json_each(t.\"tags\") AS j WHERE j.value = ")
          .bind(*tag)
          .add(")");
      if (after) q.add(" AND t.\"entity_id\" > ").bind(after->entity_id);
      q.add(" ORDER BY t.\"entity_id\"");
    } else {
      q.add("SELECT t.\"entity_id\", t.\"entity_name\", j.value, j.key + 1 FROM \"tags\" AS t, "
            "json_each(t.\"tags\") AS j");
      if (after) {
        q.add(" WHERE t.\"entity_id\" > ").bind(after->entity_id)
            .add(" OR (t.\"entity_id\" = ").bind(after->entity_id)
            .add(" AND j.key + 1 > ").bind(after->ordinality).add(")");
      }
      q.add(" ORDER BY t.\"entity_id\", j.key");
    }
    q.add(" LIMIT ").bind(limit);
    auto rows = db_->run(q);
    if (!rows) return db_error(rows.error().message);
    std::vector<Entry> out;
    out.reserve(rows->size());
    for (const Row& r : *rows) {
      Entry e;
      e.entity_id = text_of(r[0]);
      e.entity_name = text_of(r[1]);
      if (!tag) {
        e.tag = text_of(r[2]);
        if (const auto* n = std::get_if<int64_t>(&r[3])) e.ordinality = *n;
      }
      out.push_back(std::move(e));
    }
    return out;
  }

  Error tagged(Error e) const override { return tag(std::move(e)); }

 private:
  std::shared_ptr<Db> db_;
};

}  // namespace

std::unique_ptr<Strategy> make_tags_index(std::shared_ptr<Db> db) {
  return std::make_unique<SqliteTagsIndex>(std::move(db));
}

}  // namespace kongdb::strategy::sqlite
