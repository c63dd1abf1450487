// The memory store: keys in SQL order, row normalisation and the per-table indexes.
// Written for kongdb.
#include "strategy/memory/memory_store.h"

#include <cmath>
#include <utility>

#include "kongdb/core/json.h"
#include "strategy/model/tags_index.h"

namespace kongdb::strategy::memory {

Error tag(Error e) {
  e.strategy = std::string(kName);
  return e;
}

Error db_error(std::string message) { return tag(errors::database_error(std::move(message))); }

namespace {

// SQL's order of kinds: NULL, numbers, text (anything else, as JSON text, last).
int kind_rank(const Value& v) {
  if (v.is_null()) return 0;
  if (v.is_number()) return 1;
  if (v.is_string()) return 2;
  return 3;
}

int compare(const Value& a, const Value& b) {
  const int ra = kind_rank(a), rb = kind_rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0: return 0;
    case 1: {
      if (a.is_integer() && b.is_integer()) {
        return a.as_integer() < b.as_integer() ? -1 : (b.as_integer() < a.as_integer() ? 1 : 0);
      }
      const double x = a.as_number(), y = b.as_number();
      return x < y ? -1 : (y < x ? 1 : 0);
    }
    case 2: return a.as_string().compare(b.as_string());
    default: return json::encode(a).compare(json::encode(b));
  }
}

// Number columns keep integral values as integers, as SQL number columns read them back.
Value stored_value(const Value& v, ColKind kind) {
  if (kind == ColKind::Number && v.is_float()) {
    const double d = v.as_number();
    if (std::floor(d) == d && std::fabs(d) < 9007199254740992.0) return Value(static_cast<long long>(d));
  }
  return v;
}

}  // namespace

bool KeyLess::operator()(const Key& a, const Key& b) const {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (int c = compare(a[i], b[i]); c != 0) return c < 0;
  }
  return a.size() < b.size();
}

std::string key_text(const Key& key) { return json::encode(Value(Array(key.begin(), key.end()))); }

Key Table::key_of(const Value& pk_or_row) const {
  Key key;
  for (const auto& name : layout.pk_fields) {
    const FieldMap* f = layout.field(name);
    const Value* v = pk_or_row.find(name);
    if (f && f->foreign) {
      for (const auto& part : f->parent_pk) {
        const Value* p = v && v->is_object() ? v->find(part) : nullptr;
        key.push_back(p ? *p : Value());
      }
    } else {
      key.push_back(v ? *v : Value());
    }
  }
  return key;
}

Value Table::normalised(const Value& row) const {
  Object out;
  out.reserve(layout.fields.size());
  for (const auto& f : layout.fields) {
    const Value* v = row.find(f.name);
    if (!v || v->is_null()) {
      out.set(f.name, Value());
    } else if (!f.foreign) {
      out.set(f.name, stored_value(*v, f.kinds[0]));
    } else if (v->is_object()) {
      Object key;
      bool any = false;
      for (size_t i = 0; i < f.parent_pk.size(); ++i) {
        const Value* part = v->find(f.parent_pk[i]);
        if (part && !part->is_null()) any = true;
        key.set(f.parent_pk[i], part ? stored_value(*part, f.kinds[i]) : Value());
      }
      out.set(f.name, any ? Value(std::move(key)) : Value());
    } else if (f.parent_pk.size() == 1) {
      out.set(f.name, Value::object({{f.parent_pk[0], *v}}));  // a flat key (legacy service_id style)
    } else {
      out.set(f.name, Value());
    }
  }
  return Value(std::move(out));
}

Value Table::to_row(const StoredRow& stored, double now, bool export_ttl) const {
  Value out = stored.fields;
  if (layout.workspaceable) out.as_object().set("ws_id", stored.ws_id.empty() ? Value() : Value(stored.ws_id));
  if (layout.ttl) {
    if (!stored.expires_at) {
      out.as_object().set("ttl", Value());
    } else {
      const double shown = export_ttl ? *stored.expires_at : *stored.expires_at - now;
      out.as_object().set("ttl", Value(static_cast<long long>(std::floor(shown))));
    }
  }
  return out;
}

std::optional<Key> Table::find_by_field(const FieldMap& f, const Value& value, const std::string& ws_id) const {
  const bool is_cache_key = &f == &layout.cache_key_map;
  const std::string text = unique_value_text(value);
  auto matches = [&](const StoredRow& row) {
    if (is_cache_key) return value.is_string() && row.cache_key == value.as_string();
    const Value* v = row.fields.find(f.name);
    return v && !v->is_null() && unique_value_text(*v) == text;
  };
  const bool scoped = layout.workspaceable && !f.unique_across_ws;
  if (f.unique && !(scoped && ws_id.empty())) {
    // The claims are the unique index; the row must still carry the value (a claim is taken
    // before its row is written and released after its row changed).
    auto claim = claims.find(UniqueKey{f.name, scoped ? ws_id : std::string(), text});
    if (claim == claims.end()) return std::nullopt;
    auto it = rows.find(claim->second);
    if (it == rows.end() || !matches(it->second)) return std::nullopt;
    return it->first;
  }
  for (const auto& [key, row] : rows) {
    if (scoped && !ws_id.empty() && row.ws_id != ws_id) continue;
    if (matches(row)) return key;
  }
  return std::nullopt;
}

namespace {
// The parent a row's foreign key points at, as the children index keys it (nullopt: none).
std::optional<std::string> parent_of(const FieldMap& f, const StoredRow& row) {
  const Value* v = row.fields.find(f.name);
  if (!v || !v->is_object()) return std::nullopt;
  Key parent;
  for (const auto& part : f.parent_pk) parent.push_back(*v->find(part));
  return key_text(parent);
}
}  // namespace

void Table::index(const Key& key, const StoredRow& row) {
  for (const auto& f : layout.fields) {
    if (!f.foreign) continue;
    if (auto parent = parent_of(f, row)) children[f.name][*parent].insert(key);
  }
}

void Table::unindex(const Key& key, const StoredRow& row) {
  for (const auto& f : layout.fields) {
    if (!f.foreign) continue;
    auto parent = parent_of(f, row);
    auto by_field = children.find(f.name);
    if (!parent || by_field == children.end()) continue;
    auto set = by_field->second.find(*parent);
    if (set == by_field->second.end()) continue;
    set->second.erase(key);
    if (set->second.empty()) by_field->second.erase(set);
  }
}

void Table::drop_claims_of(const Key& owner) {
  auto held = claims_of.find(owner);
  if (held == claims_of.end()) return;
  for (const UniqueKey& k : held->second) claims.erase(k);
  claims_of.erase(held);
}

Store::Store(const MemoryOptions& opts)
    : clock(opts.clock ? opts.clock : &system_clock()), before_write(opts.before_write) {}

namespace {
ColKind kind_of(const schema::Field* f) {
  return f && f->type() == schema::FieldType::Number ? ColKind::Number : ColKind::Plain;
}
}  // namespace

Table& Store::table_for(const schema::Schema& schema) {
  auto it = tables.find(schema.name);
  if (it != tables.end()) return *it->second;
  auto t = std::make_unique<Table>();
  t->layout = model::make_layout(schema, kind_of, ColKind::Plain);
  t->feeds_tags = model::feeds_tags_index(schema);
  return *tables.emplace(schema.name, std::move(t)).first->second;
}

void Store::sync_tags(const Table& t, const Value& old_fields, const StoredRow* now_stored) {
  if (!t.feeds_tags) return;
  if (const Value* id = old_fields.find("id"); id && id->is_string()) tags.erase(id->as_string());
  if (!now_stored) return;
  const Value* id = now_stored->fields.find("id");
  const Value* list = now_stored->fields.find("tags");
  if (!id || !id->is_string() || !list || !list->is_array() || list->as_array().empty()) return;
  TagsEntry entry{t.layout.entity, {}};
  for (const Value& tag_value : list->as_array()) {
    if (tag_value.is_string()) entry.tags.push_back(tag_value.as_string());
  }
  tags[id->as_string()] = std::move(entry);
}

std::vector<Table*> Store::referencing_closure(const std::string& entity) {
  std::vector<Table*> order;
  std::set<std::string> seen{entity};
  auto root = tables.find(entity);
  if (root == tables.end()) return order;
  order.push_back(root->second.get());
  for (size_t i = 0; i < order.size(); ++i) {
    for (auto& [name, t] : tables) {
      if (seen.count(name)) continue;
      for (const auto& f : t->layout.fields) {
        if (f.foreign && f.parent_name == order[i]->layout.entity) {
          seen.insert(name);
          order.push_back(t.get());
          break;
        }
      }
    }
  }
  return order;
}

}  // namespace kongdb::strategy::memory
