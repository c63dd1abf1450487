// The declarative error tree for people (Kong's CLI text) and for programs (Kong 3.x's
// flatten_errors: one entry per failing entity, nested entities hoisted to the top).
#include <algorithm>
#include <charconv>

#include "declarative/relations.h"
#include "kongdb/core/ids.h"
#include "kongdb/declarative/declarative.h"

namespace kongdb::declarative {
namespace {

void pretty(const Value& node, const std::string& item, const std::string& indent, std::vector<std::string>& out) {
  auto line = [&](const std::string& key, bool position, const Value& v) {
    const std::string shown = position ? "- in entry " + key + " of '" + item + "'" : "in '" + key + "'";
    if (v.is_table()) {
      out.push_back(indent + shown + ":");
      pretty(v, key, indent + "  ", out);
    } else {
      out.push_back(indent + shown + ": " + (v.is_string() ? v.as_string() : v.to_lua_string()));
    }
  };
  if (node.is_array()) {
    for (size_t i = 0; i < node.as_array().size(); ++i) {
      if (!node.as_array()[i].is_null()) line(std::to_string(i + 1), true, node.as_array()[i]);
    }
  } else if (node.is_object()) {
    for (const auto& [k, v] : node.as_object()) line(k, false, v);
  }
}

// The members of an error table as (key, value), keys in sorted order as Kong drains them;
// positions of an array are 1-based.
std::vector<std::pair<std::string, const Value*>> members(const Value& table) {
  std::vector<std::pair<std::string, const Value*>> out;
  if (table.is_array()) {
    for (size_t i = 0; i < table.as_array().size(); ++i) {
      if (!table.as_array()[i].is_null()) out.emplace_back(std::to_string(i + 1), &table.as_array()[i]);
    }
    return out;
  }
  if (!table.is_object()) return out;
  for (const auto& [k, v] : table.as_object()) out.emplace_back(k, &v);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::optional<size_t> position_of(const std::string& key) {
  size_t n = 0;
  auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), n);
  if (ec != std::errc() || ptr != key.data() + key.size() || n == 0) return std::nullopt;
  return n;
}

const Value* element(const Value& list, const std::string& key) {
  auto n = position_of(key);
  if (!n || !list.is_array() || *n > list.as_array().size()) return nullptr;
  return &list.as_array()[*n - 1];
}

std::string join(const std::string& ns, const std::string& field) { return ns.empty() ? field : ns + "." + field; }

void add_messages(const Value& err, Array& out, const std::string* field) {
  if (err.is_table()) {
    for (const auto& [k, v] : members(err)) add_messages(*v, out, field);
    return;
  }
  Object entry;
  entry.append("type", Value(field ? "field" : "entity"));
  if (field) entry.append("field", Value(*field));
  entry.append("message", Value(err.is_string() ? err.as_string() : err.to_lua_string()));
  out.push_back(Value(std::move(entry)));
}

void categorize(const Value& errs, const std::string& ns, Array& out) {
  for (const auto& [field, err] : members(errs)) {
    if (field == "@entity") {
      add_messages(*err, out, nullptr);
    } else if (!err->is_table()) {
      const std::string path = join(ns, field);
      add_messages(*err, out, &path);
    } else {
      categorize(*err, join(ns, field), out);
    }
  }
}

class Flattener {
 public:
  explicit Flattener(const schema::EntityRegistry& registry) : relations_(registry) {}

  void entity_errors(const std::string& entity_type, Value entity, Value err_t, Array& out) const {
    if (err_t.is_string()) err_t = Value::object({{"@entity", err_t}});
    if (!err_t.is_table() || members(err_t).empty() || !entity.is_object()) return;
    if (err_t.is_array()) return;  // a list of messages about the entity's place, not its fields
    const schema::Schema* s = relations_.entity(entity_type);
    const Value* id = entity.find("id");
    const Value entity_pk = id && id->is_string() && is_valid_uuid(id->as_string())
                                ? Value::object({{"id", *id}})
                                : Value();
    if (s) {
      // One-to-one: an entity given inline in a foreign key field (a service's client_certificate).
      for (const auto& [name, f] : s->fields) {
        if (f.type() != schema::FieldType::Foreign || !f.foreign_schema_) continue;
        Value* value = entity.find(name);
        if (!value || !value->is_object()) continue;
        Value inline_entity = *value;
        const Value* inline_id = inline_entity.find("id");
        *value = inline_id && inline_id->is_string() && is_valid_uuid(inline_id->as_string())
                     ? Value::object({{"id", *inline_id}})
                     : Value();
        if (Value* sub = err_t.find(name)) {
          Value sub_err = *sub;
          err_t.as_object().erase(name);
          entity_errors(f.foreign_schema_->name, std::move(inline_entity), std::move(sub_err), out);
        }
      }
      // One-to-many: nested children, each given this entity's key before its errors are read.
      for (const auto& [child_name, child] : relations_.children_of(*s)) {
        Value* value = entity.find(child_name);
        if (!value || !value->is_table()) continue;
        Value children = *value;
        entity.as_object().erase(child_name);
        const Value* sub = err_t.find(child_name);
        if (!sub) continue;
        const Value sub_err = *sub;
        err_t.as_object().erase(child_name);
        for (const auto& [key, child_err] : members(sub_err)) {
          const Value* item = element(children, key);
          if (!item || !item->is_object()) continue;
          Value with_parent = *item;
          if (!entity_pk.is_null() && !with_parent.find(child.field)) with_parent.as_object().set(child.field, entity_pk);
          entity_errors(child_name, std::move(with_parent), *child_err, out);
        }
      }
    }
    if (members(err_t).empty()) return;
    Array errors;
    categorize(err_t, "", errors);
    if (errors.empty()) return;
    Object entry;
    const Value* name = entity.find("name");
    if (name && name->is_string() && !name->as_string().empty()) entry.append("entity_name", *name);
    if (!entity_pk.is_null()) entry.append("entity_id", *id);
    const Value* tags = entity.find("tags");
    if (tags && tags->is_array() &&
        std::all_of(tags->as_array().begin(), tags->as_array().end(), [](const Value& t) { return t.is_string(); })) {
      entry.append("entity_tags", *tags);
    }
    std::string singular = entity_type;
    if (!singular.empty() && singular.back() == 's') singular.pop_back();
    entry.append("entity_type", Value(singular));
    entry.append("entity", std::move(entity));
    entry.append("errors", Value(std::move(errors)));
    out.push_back(Value(std::move(entry)));
  }

 private:
  Relations relations_;
};

}  // namespace

std::string pretty_print(const Value& error_tree) {
  std::vector<std::string> lines;
  pretty(error_tree, "", "", lines);
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

Value flatten_errors(const schema::EntityRegistry& registry, const Value& document, const Value& error_tree) {
  Flattener flattener(registry);
  Array out;
  for (const auto& [entity_type, section] : members(error_tree)) {
    if (!section->is_table()) continue;
    const Value* entities = document.find(entity_type);
    if (!entities || !entities->is_array()) continue;
    for (const auto& [key, err] : members(*section)) {
      const Value* entity = element(*entities, key);
      if (entity && entity->is_object()) flattener.entity_errors(entity_type, *entity, *err, out);
    }
  }
  return Value(std::move(out));
}

}  // namespace kongdb::declarative
