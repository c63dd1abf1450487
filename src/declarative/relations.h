// Which entities the declarative format knows and how they nest, derived from the registry's
// foreign keys as Kong derives them (a child nests under the entity its foreign key references).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kongdb/schema/registry.h"

namespace kongdb::declarative {

class Relations {
 public:
  struct Child {
    const schema::Schema* schema = nullptr;
    std::string field;  // the child's foreign key to the parent
  };

  explicit Relations(const schema::EntityRegistry& registry);

  /// Exportable entities in registry order (parents first): the top-level collections.
  const std::vector<const schema::Schema*>& known() const { return known_; }
  /// nullptr when `name` is not a collection of the format.
  const schema::Schema* entity(std::string_view name) const;
  /// Entities that may nest under `parent`, by name.
  const std::map<std::string, Child, std::less<>>& children_of(const schema::Schema& parent) const;
  /// The nesting `key` stands for inside a `parent` record, or nullptr when `key` is a field of
  /// the parent (a transient field of the same name, such as a certificate's `snis` as plain
  /// names, stays a field unless the value is a list of records).
  const Child* nested_child(const schema::Schema& parent, std::string_view key, const Value& value) const;

 private:
  std::vector<const schema::Schema*> known_;
  std::map<std::string, std::map<std::string, Child, std::less<>>, std::less<>> children_;
};

}  // namespace kongdb::declarative
