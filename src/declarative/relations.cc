#include "declarative/relations.h"

namespace kongdb::declarative {

Relations::Relations(const schema::EntityRegistry& registry) {
  for (const schema::Schema* s : registry.all()) {
    // Kong leaves the tags index out of declarative files; db_export = false says so here.
    if (!s->db_export) continue;
    known_.push_back(s);
  }
  for (const schema::Schema* s : known_) {
    for (const auto& [name, f] : s->fields) {
      if (f.type() != schema::FieldType::Foreign || !f.foreign_schema_) continue;
      // A later foreign key to the same parent wins, as in Kong's foreign_children.
      children_[f.foreign_schema_->name][s->name] = Child{s, name};
    }
  }
}

const schema::Schema* Relations::entity(std::string_view name) const {
  for (const schema::Schema* s : known_) {
    if (s->name == name) return s;
  }
  return nullptr;
}

const std::map<std::string, Relations::Child, std::less<>>& Relations::children_of(const schema::Schema& parent) const {
  static const std::map<std::string, Child, std::less<>> kNone;
  auto it = children_.find(parent.name);
  return it == children_.end() ? kNone : it->second;
}

const Relations::Child* Relations::nested_child(const schema::Schema& parent, std::string_view key,
                                                const Value& value) const {
  const auto& children = children_of(parent);
  auto it = children.find(key);
  if (it == children.end()) return nullptr;
  if (const schema::Field* own = parent.field(key)) {
    if (!own->is(own->transient_) || !value.is_array() || value.as_array().empty()) return nullptr;
    for (const Value& e : value.as_array()) {
      if (!e.is_object()) return nullptr;
    }
  }
  return &it->second;
}

}  // namespace kongdb::declarative
