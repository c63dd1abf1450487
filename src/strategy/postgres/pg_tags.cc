// The tags index on PostgreSQL: Kong's "tags" table, kept by the sync_tags() trigger that
// Statements::create() attaches to every table with tags. Written for kongdb; queries modelled
// on kong/db/strategies/postgres/tags.lua.
#include <cstdlib>
#include <utility>

#include "strategy/common/tags_index.h"
#include "strategy/postgres/pg_internal.h"
#include "strategy/postgres/pg_strategy.h"

namespace kongdb::strategy::postgres {
namespace {

class PostgresTagsIndex final : public common::TagsIndex {
 public:
  explicit PostgresTagsIndex(std::shared_ptr<Db> db) : db_(std::move(db)) {}

 protected:
  Result<std::vector<Entry>> fetch(const std::optional<std::string>& tag, const std::optional<After>& after,
                                   int64_t limit) override {
    Sql q;
    if (tag) {
      q.add("SELECT entity_id, entity_name FROM tags WHERE tags @> ARRAY[").bind(*tag, "::text").add("]");
      if (after) q.add(" AND entity_id > ").bind(after->entity_id, "::uuid");
      q.add(" ORDER BY entity_id");
    } else {
      q.add("SELECT entity_id, entity_name, t.tag, t.ordinality FROM tags, "
            "UNNEST(tags) WITH ORDINALITY AS t (tag, ordinality)");
      if (after) {
        q.add(" WHERE entity_id > ").bind(after->entity_id, "::uuid")
            .add(" OR (entity_id = ").bind(after->entity_id, "::uuid")
            .add(" AND t.ordinality > ").bind(std::to_string(after->ordinality), "::bigint").add(")");
      }
      q.add(" ORDER BY entity_id, t.ordinality");
    }
    q.add(" LIMIT ").bind(std::to_string(limit), "::bigint");
    auto r = db_->run(q, true);
    if (!r) return db_error(r.error().message);
    std::vector<Entry> out;
    out.reserve(r->rows.size());
    for (const Row& row : r->rows) {
      Entry e;
      e.entity_id = row[0].value_or("");
      e.entity_name = row[1].value_or("");
      if (!tag) {
        e.tag = row[2].value_or("");
        e.ordinality = std::strtoll(row[3].value_or("0").c_str(), nullptr, 10);
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
  return std::make_unique<PostgresTagsIndex>(std::move(db));
}

}  // namespace kongdb::strategy::postgres
