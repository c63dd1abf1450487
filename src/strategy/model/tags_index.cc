#include "strategy/model/tags_index.h"

#include <algorithm>
#include <utility>

#include "strategy/model/table_layout.h"

namespace kongdb::strategy::model {

bool carries_tags(const Value& fields, const TagsFilter& filter) {
  const Value* list = fields.find("tags");
  if (!list || !list->is_array()) return false;
  auto has = [&](const std::string& wanted) {
    return std::any_of(list->as_array().begin(), list->as_array().end(),
                       [&](const Value& t) { return t.is_string() && t.as_string() == wanted; });
  };
  if (filter.cond == TagsCond::Or) return std::any_of(filter.tags.begin(), filter.tags.end(), has);
  return std::all_of(filter.tags.begin(), filter.tags.end(), has);
}

bool is_tags_index(const schema::Schema& schema) { return schema.name == kTagsTable; }

bool feeds_tags_index(const schema::Schema& schema) {
  return !is_tags_index(schema) && schema.field("tags") != nullptr &&
         schema.primary_key == std::vector<std::string>{"id"};
}

Error TagsIndex::read_only() {
  return errors::make(ErrorCode::OperationUnsupported, "the tags index is maintained by the database; it is read-only");
}

Result<Page> TagsIndex::page(int64_t size, const std::optional<std::string>& offset, const QueryOptions& opts) {
  std::optional<std::string> tag;
  if (opts.tags && !opts.tags->tags.empty()) tag = opts.tags->tags.front();
  // Offsets as Kong's: [entity_id, ordinality] over every pair, [entity_id] for one tag.
  std::optional<After> after;
  if (offset) {
    auto keys = decode_offset(*offset, tag ? std::vector<bool>{true} : std::vector<bool>{true, false});
    if (!keys) return tagged(keys.error());
    After a;
    a.entity_id = (*keys)[0].as_string();
    if (!tag) {
      const Value& ord = (*keys)[1];
      if (!ord.is_integer()) return tagged(errors::invalid_offset(*offset, "bad json encoding"));
      a.ordinality = ord.as_integer();
    }
    after = std::move(a);
  }
  auto entries = fetch(tag, after, size + 1);
  if (!entries) return tagged(entries.error());
  return finish_page(
      std::move(*entries), size,
      [&](const Entry& last) {
        Array keys{Value(last.entity_id)};
        if (!tag) keys.emplace_back(last.ordinality);
        return encode_offset(std::move(keys));
      },
      [&](Entry& e) {
        return Value::object({{"tag", tag ? *tag : std::move(e.tag)},
                              {"entity_name", std::move(e.entity_name)},
                              {"entity_id", std::move(e.entity_id)}});
      });
}

Result<std::optional<Value>> TagsIndex::select(const Value&, const QueryOptions&) { return tagged(read_only()); }
Result<std::optional<Value>> TagsIndex::select_by_field(std::string_view, const Value&, const QueryOptions&) {
  return tagged(read_only());
}
Result<Page> TagsIndex::page_for(std::string_view, const Value&, int64_t, const std::optional<std::string>&,
                                 const QueryOptions&) {
  return tagged(read_only());
}
Result<Value> TagsIndex::insert(const Value&, const QueryOptions&) { return tagged(read_only()); }
Result<std::optional<Value>> TagsIndex::update(const Value&, const Value&, const QueryOptions&) {
  return tagged(read_only());
}
Result<std::optional<Value>> TagsIndex::update_by_field(std::string_view, const Value&, const Value&,
                                                        const QueryOptions&) {
  return tagged(read_only());
}
Result<Value> TagsIndex::upsert(const Value&, const Value&, const QueryOptions&) { return tagged(read_only()); }
Result<Value> TagsIndex::upsert_by_field(std::string_view, const Value&, const Value&, const QueryOptions&) {
  return tagged(read_only());
}
Result<bool> TagsIndex::remove(const Value&, const QueryOptions&) { return tagged(read_only()); }
Result<bool> TagsIndex::remove_by_field(std::string_view, const Value&, const QueryOptions&) {
  return tagged(read_only());
}
// Truncating the index alone would desynchronise it; it empties with the tables that feed it.
Result<void> TagsIndex::truncate() { return {}; }

}  // namespace kongdb::strategy::model
