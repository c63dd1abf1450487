// Kong's declarative_config:flatten over the entity registry: nested entities lifted out along
// foreign keys, ids generated as Kong 3.9 generates them, references resolved, every entity
// processed and validated as an insert, and Kong's error tree where anything is wrong.
#include <map>
#include <set>

#include "declarative/error_tree.h"
#include "declarative/relations.h"
#include "kongdb/core/json.h"
#include "kongdb/declarative/declarative.h"

namespace kongdb::declarative {
namespace {

using schema::Field;
using schema::FieldType;
using schema::Schema;

constexpr const char* kPlaceholderId = "00000000-0000-0000-0000-000000000000";

// One entity of the file, nested or not, in document (pre-)order: a parent precedes its children.
struct Item {
  const Schema* schema = nullptr;
  Value data;                // its fields, nested children lifted out
  int parent = -1;           // index of the parent item
  std::string parent_field;  // this item's foreign key to the parent
  ErrorPath path;            // where its errors go: {"services", 1, "routes", 2}
  size_t index = 0;          // 1-based position in its array
  Value processed;
};

std::string text_of(const Value& v) { return v.is_string() ? v.as_string() : v.to_lua_string(); }

// Kong's pk_string: the primary key as text, composite keys joined with ':' (foreign parts by id).
std::string pk_string(const Schema& s, const Value& item) {
  if (s.primary_key.size() == 1) {
    const Value* v = item.find(s.primary_key.front());
    return v ? text_of(*v) : "nil";
  }
  std::string out;
  for (size_t i = 0; i < s.primary_key.size(); ++i) {
    const Value* v = item.find(s.primary_key[i]);
    if (v && v->is_object() && v->find("id")) v = v->find("id");
    if (v && !v->is_null()) out += text_of(*v);
    if (i + 1 < s.primary_key.size()) out += ':';
  }
  return out;
}

std::string uniqueness_message(const std::string& entity, const std::string& key, const std::string& value) {
  return "uniqueness violation: '" + entity + "' entity with " + key + " set to '" + value + "' already declared";
}

class Flattener {
 public:
  Flattener(const schema::EntityRegistry& registry, IdGenerator& ids)
      : relations_(registry), ids_(ids) {}

  Result<Entities> run(const Value& document) {
    if (!document.is_object()) {
      return errors::declarative_config(Value::object(
          {{"error", "failed parsing declarative configuration: expected an object"}}));
    }
    Entities out;
    out.meta = Value(Object{});
    check_meta(document, out.meta);
    for (const auto& [key, value] : document.as_object()) {
      if (!key.empty() && key.front() == '_') continue;
      const Schema* s = relations_.entity(key);
      if (!s) {
        errors_.set({key}, Value("unknown field"));
        continue;
      }
      if (!value.is_null() && !value.is_array()) {
        errors_.set({key}, Value("expected an array"));
        continue;
      }
    }
    // Collections in registry order, so that parents (and their stable ids) come first.
    for (const Schema* s : relations_.known()) {
      const Value* collection = document.find(s->name);
      if (!collection || !collection->is_array()) continue;
      size_t index = 0;
      for (const Value& element : collection->as_array()) {
        walk(*s, element, -1, "", ErrorPath{s->name}, ++index);
      }
    }
    if (!errors_.empty()) return errors_.to_error();

    generate_stable_ids();
    for (Item& item : items_) {
      // The rest get random ids now (Kong leaves them to process_auto_fields), so that their
      // children can point at them.
      if (item.schema->primary_key.size() == 1 && !item.data.find(item.schema->primary_key.front())) {
        const std::string& pk = item.schema->primary_key.front();
        const Field* f = item.schema->field(pk);
        if (f && f->is(f->uuid_)) item.data.as_object().set(pk, Value(ids_.uuid()));
      }
      if (item.parent >= 0) {
        const Item& parent = items_[static_cast<size_t>(item.parent)];
        item.data.as_object().set(item.parent_field, parent.schema->extract_pk_values(parent.data));
      }
    }
    index_items();
    resolve_references();
    validate_items();
    // Kong reports schema violations first; references and duplicates only for a valid file.
    if (!validation_errors_.empty()) return validation_errors_.to_error();
    if (!errors_.empty()) return errors_.to_error();
    check_unique_fields();
    if (!errors_.empty()) return errors_.to_error();

    std::map<const Schema*, size_t> slot;
    for (const Schema* s : relations_.known()) {
      slot[s] = out.collections.size();
      out.collections.push_back(Collection{s, {}});
    }
    for (Item& item : items_) out.collections[slot[item.schema]].rows.push_back(std::move(item.processed));
    std::erase_if(out.collections, [](const Collection& c) { return c.rows.empty(); });
    return out;
  }

 private:
  void check_meta(const Value& document, Value& meta) {
    static const std::set<std::string, std::less<>> kMetaKeys = {"_format_version", "_transform", "_comment",
                                                                 "_ignore", "_workspace"};
    const Value* version = document.find("_format_version");
    if (!version || version->is_null()) {
      errors_.set({"_format_version"}, Value("required field missing"));
    } else if (!version->is_string()) {
      errors_.set({"_format_version"}, Value("expected a string"));
    } else if (version->as_string() != "1.1" && version->as_string() != "2.1" && version->as_string() != "3.0") {
      errors_.set({"_format_version"}, Value("expected one of: 1.1, 2.1, 3.0"));
    }
    const Value* transform = document.find("_transform");
    if (transform && !transform->is_null() && !transform->is_boolean()) {
      errors_.set({"_transform"}, Value("expected a boolean"));
    }
    const Value* comment = document.find("_comment");
    if (comment && !comment->is_null() && !comment->is_string()) {
      errors_.set({"_comment"}, Value("expected a string"));
    }
    const Value* ignore = document.find("_ignore");
    if (ignore && !ignore->is_null() && !ignore->is_array()) errors_.set({"_ignore"}, Value("expected an array"));
    // decK names the workspace of a file; kongdb has one, "default".
    const Value* workspace = document.find("_workspace");
    if (workspace && !workspace->is_null()) {
      if (!workspace->is_string()) {
        errors_.set({"_workspace"}, Value("expected a string"));
      } else if (workspace->as_string() != "default") {
        errors_.set({"_workspace"}, Value("unknown workspace '" + workspace->as_string() +
                                          "' (this datastore has one workspace, 'default')"));
      }
    }
    for (const auto& [key, value] : document.as_object()) {
      if (key.empty() || key.front() != '_') continue;
      if (!kMetaKeys.contains(key)) {
        errors_.set({key}, Value("unknown field"));
        continue;
      }
      if (key != "_ignore") meta.as_object().set(key, value);
    }
    if (!meta.find("_transform") || meta.find("_transform")->is_null()) {
      meta.as_object().set("_transform", Value(true));
    }
  }

  void walk(const Schema& s, const Value& element, int parent, const std::string& parent_field, ErrorPath path,
            size_t index) {
    path.push_back(index);
    if (!element.is_object()) {
      errors_.set(path, Value("expected a record"));
      return;
    }
    Item item;
    item.schema = &s;
    item.parent = parent;
    item.parent_field = parent_field;
    item.path = path;
    item.index = index;
    item.data = Value(Object{});
    std::vector<std::pair<const Relations::Child*, const Value*>> nested;
    for (const auto& [key, value] : element.as_object()) {
      if (key == "_comment") {
        if (!value.is_null() && !value.is_string()) errors_.set(child_path(path, key), Value("expected a string"));
        continue;
      }
      if (key == "_ignore") {
        if (!value.is_null() && !value.is_array()) errors_.set(child_path(path, key), Value("expected an array"));
        continue;
      }
      if (const Relations::Child* child = relations_.nested_child(s, key, value)) {
        if (value.is_null()) continue;  // an empty list, as Kong reads a null array
        if (!value.is_array()) {
          errors_.set(child_path(path, key), Value("expected an array"));
        } else {
          nested.emplace_back(child, &value);
        }
        continue;
      }
      item.data.as_object().append(key, value);
    }
    if (parent >= 0) {
      // The parent gives a nested entity its foreign key (Kong's `eq = null` on that field).
      const Value* own = item.data.find(parent_field);
      if (own && !own->is_null()) errors_.set(child_path(path, parent_field), Value("value must be null"));
      item.data.as_object().erase(parent_field);
    }
    const int self = static_cast<int>(items_.size());
    items_.push_back(std::move(item));
    for (const auto& [child, value] : nested) {
      size_t child_index = 0;
      for (const Value& e : value->as_array()) {
        ErrorPath child_base = path;
        child_base.push_back(child->schema->name);
        walk(*child->schema, e, self, child->field, std::move(child_base), ++child_index);
      }
    }
  }

  static ErrorPath child_path(const ErrorPath& path, const std::string& key) {
    ErrorPath p = path;
    p.push_back(key);
    return p;
  }

  // Kong's build_cache_key: "<entity>:<ws>:<part>:..." or nullopt when a part is not known yet.
  std::optional<std::string> cache_key_of(const Item& item) const {
    const Schema& s = *item.schema;
    std::string key = s.name + ":*";
    for (const std::string& k : s.cache_key) {
      const Field* f = s.field(k);
      if (!f || f->is_auto()) return std::nullopt;
      const Value* v = item.data.find(k);
      if (v && v->is_string()) {
        key += ":" + v->as_string();
      } else if (!v || v->is_null()) {
        if (item.parent >= 0 && k == item.parent_field) {
          const Value* parent_id = items_[static_cast<size_t>(item.parent)].data.find("id");
          if (!parent_id || !parent_id->is_string()) return std::nullopt;
          key += ":" + parent_id->as_string();
        } else if (f->is_required()) {
          return std::nullopt;
        } else {
          key += ":";
        }
      }
      // Any other kind of value adds nothing, as in Kong.
    }
    return key;
  }

  // Kong's get_key_for_uuid_gen: which entities get a UUIDv5 and from what.
  std::optional<std::string> stable_key_of(const Item& item) const {
    const Schema& s = *item.schema;
    if (s.primary_key.size() != 1) return std::nullopt;
    const std::string& pk = s.primary_key.front();
    if (item.data.find(pk)) return std::nullopt;
    const Field* pk_field = s.field(pk);
    if (!pk_field || !pk_field->is(pk_field->uuid_)) return std::nullopt;
    if (!s.cache_key.empty()) return cache_key_of(item);
    if (!s.endpoint_key) return std::nullopt;
    const Value* endpoint = item.data.find(*s.endpoint_key);
    if (!endpoint || endpoint->is_null()) return std::nullopt;
    std::string key = text_of(*endpoint);
    const Field* endpoint_field = s.field(*s.endpoint_key);
    if (endpoint_field && !endpoint_field->is_unique()) {
      // Unique only under its parent (a target of an upstream): the parent's key joins it.
      for (const auto& [name, f] : s.fields) {
        if (f.type() != FieldType::Foreign || f.on_delete_.value_or("") != "cascade") continue;
        if (item.parent >= 0 && name == item.parent_field) {
          const Item& parent = items_[static_cast<size_t>(item.parent)];
          for (const std::string& part : parent.schema->primary_key) {
            const Value* v = parent.data.find(part);
            if (!v || v->is_null()) return std::nullopt;
            key += ":" + text_of(*v);
          }
        } else {
          const Value* v = item.data.find(name);
          if (!v || !v->is_string()) return std::nullopt;
          key += ":" + v->as_string();
        }
      }
      if (!endpoint_field->is(endpoint_field->unique_across_ws_)) key += ":*";
    }
    return key;
  }

  void generate_stable_ids() {
    for (Item& item : items_) {
      if (auto key = stable_key_of(item)) {
        item.data.as_object().set(item.schema->primary_key.front(), Value(stable_id(item.schema->name, *key)));
      }
    }
  }

  // Kong's populate_references: every item by endpoint key and by primary key, duplicates refused.
  void index_items() {
    for (size_t i = 0; i < items_.size(); ++i) {
      Item& item = items_[i];
      const Schema& s = *item.schema;
      const Field* endpoint_field = s.endpoint_key ? s.field(*s.endpoint_key) : nullptr;
      bool failed = false;
      if (endpoint_field && endpoint_field->is_unique()) {
        const Value* key = item.data.find(*s.endpoint_key);
        if (key && !key->is_null()) {
          if (!by_key_[s.name].emplace(text_of(*key), i).second) {
            errors_.set({s.name, item.index}, Value(uniqueness_message(s.name, *s.endpoint_key, text_of(*key))));
            failed = true;
          }
        }
      }
      const std::string id = pk_string(s, item.data);
      if (!by_id_[s.name].emplace(id, i).second && !failed) {
        ErrorPath at = item.parent >= 0 ? ErrorPath(item.path.begin(), item.path.end() - 1)
                                        : ErrorPath{s.name};
        at.push_back(item.index);
        errors_.set(at, Value(uniqueness_message(s.name, "primary key", id)));
      }
    }
  }

  const Item* find(const std::string& entity, const std::string& key) const {
    if (auto e = by_key_.find(entity); e != by_key_.end()) {
      if (auto it = e->second.find(key); it != e->second.end()) return &items_[it->second];
    }
    if (auto e = by_id_.find(entity); e != by_id_.end()) {
      if (auto it = e->second.find(key); it != e->second.end()) return &items_[it->second];
    }
    return nullptr;
  }

  // Foreign keys given by endpoint key or id become {id = ...}; unknown ones are errors under
  // the entity's name or id, as Kong files them.
  void resolve_references() {
    for (Item& item : items_) {
      const Schema& s = *item.schema;
      for (const auto& [name, f] : s.fields) {
        if (f.type() != FieldType::Foreign || !f.foreign_schema_) continue;
        if (item.parent >= 0 && name == item.parent_field) continue;
        Value* v = item.data.find(name);
        if (!v || v->is_null()) continue;
        std::optional<std::string> key;
        if (v->is_string()) {
          key = v->as_string();
        } else if (v->is_object() && v->find("id") && v->find("id")->is_string()) {
          key = v->find("id")->as_string();
        } else if (!v->is_object()) {
          validation_errors_.set(child_path(item.path, name), Value("expected a string"));
          continue;
        }
        const Item* found = key ? find(f.foreign_schema_->name, *key) : nullptr;
        if (found) {
          *v = found->schema->extract_pk_values(found->data);
          continue;
        }
        if (key) {
          const std::string shown = v->is_string() ? v->as_string() : json::encode(*v);
          errors_.append(reference_error_path(item), Value("invalid reference '" + name + ": " + shown +
                                                           "' (no such entry in '" + f.foreign_schema_->name + "')"));
          // Validation still runs; the reference error is reported when nothing else is wrong.
          *v = Value::object({{"id", is_valid_uuid(*key) ? *key : std::string(kPlaceholderId)}});
        }
      }
    }
  }

  ErrorPath reference_error_path(const Item& item) const {
    const Schema& s = *item.schema;
    const Field* endpoint_field = s.endpoint_key ? s.field(*s.endpoint_key) : nullptr;
    if (endpoint_field && endpoint_field->is_unique()) {
      const Value* key = item.data.find(*s.endpoint_key);
      if (key && !key->is_null()) return {s.name, text_of(*key)};
    }
    return {s.name, pk_string(s, item.data)};
  }

  void validate_items() {
    schema::AutoFieldsOptions options;
    options.ids = &ids_;
    for (Item& item : items_) {
      auto processed = item.schema->process_auto_fields(item.data, schema::Context::Insert, options);
      if (!processed) {
        validation_errors_.merge(item.path, processed.error());
        continue;
      }
      if (auto errs = item.schema->validate_insert(processed->data, &item.data)) {
        validation_errors_.merge(item.path, *errs);
        continue;
      }
      item.processed = std::move(processed->data);
    }
  }

  // The rest of Kong's flatten: unique fields other than the endpoint key, across the file.
  void check_unique_fields() {
    std::map<std::pair<const Schema*, std::string>, std::set<std::string>> seen;
    for (const Item& item : items_) {
      const Schema& s = *item.schema;
      for (const auto& [name, f] : s.fields) {
        if (!f.is_unique()) continue;
        const Value* v = item.processed.find(name);
        if (!v || v->is_null()) continue;
        const Value* flat = v->is_object() && v->find("id") ? v->find("id") : v;
        const std::string value = text_of(*flat);
        if (!seen[{&s, name}].insert(value).second) {
          const Value* endpoint = s.endpoint_key ? item.processed.find(*s.endpoint_key) : nullptr;
          const std::string at = endpoint && !endpoint->is_null() ? text_of(*endpoint)
                                                                  : pk_string(s, item.processed);
          errors_.set({s.name, at}, Value(uniqueness_message(s.name, name, value)));
        }
      }
    }
  }

  Relations relations_;
  IdGenerator& ids_;
  std::vector<Item> items_;
  std::map<std::string, std::map<std::string, size_t>> by_key_;
  std::map<std::string, std::map<std::string, size_t>> by_id_;
  ErrorTree errors_;
  ErrorTree validation_errors_;
};

}  // namespace

size_t Entities::count() const {
  size_t n = 0;
  for (const Collection& c : collections) n += c.rows.size();
  return n;
}

Result<Entities> flatten(const schema::EntityRegistry& registry, const Value& document, IdGenerator* ids) {
  Flattener flattener(registry, ids ? *ids : random_ids());
  return flattener.run(document);
}

}  // namespace kongdb::declarative
