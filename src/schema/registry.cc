// Port of kong/db/init.lua (DB.new: MetaSchema check, Entity.new, strategy wiring) and
// kong/db/schema/entity.lua, for the part that belongs to the schema layer.
#include "kongdb/schema/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "kongdb/core/error.h"
#include "kongdb/schema/bundled_plugins.h"
#include "kongdb/schema/metaschema.h"
#include "schema/entities/entities.h"

namespace kongdb::schema {
namespace {

// Entity.new: records carry their full structure, so they are required unless the schema
// says otherwise (acme's optional config.account_key).
void make_records_required(Fields& fields) {
  for (auto& [name, f] : fields) {
    if (f.type() == FieldType::Record && f.fields_) {
      if (!f.required_) f.required_ = true;
      auto nested = std::make_shared<Schema>(*f.fields_);
      make_records_required(nested->fields);
      f.fields_ = std::move(nested);
    }
  }
}

tl::expected<void, std::string> resolve_field(Field& f, const EntityRegistry& reg,
                                             const std::string* self_name, const Schema* self) {
  if (f.type() == FieldType::Foreign && f.reference_) {
    const Schema* target = (self_name && *f.reference_ == *self_name) ? self : reg.get(*f.reference_);
    if (!target) return tl::unexpected("schema refers to an invalid foreign entity: " + *f.reference_);
    f.foreign_schema_ = target;
  }
  auto resolve_child = [&](FieldPtr& child) -> tl::expected<void, std::string> {
    if (!child) return {};
    auto copy = std::make_shared<Field>(*child);
    if (auto r = resolve_field(*copy, reg, self_name, self); !r) return r;
    child = std::move(copy);
    return {};
  };
  if (auto r = resolve_child(f.elements_); !r) return r;
  if (auto r = resolve_child(f.keys_); !r) return r;
  if (auto r = resolve_child(f.values_); !r) return r;
  if (f.fields_) {
    auto nested = std::make_shared<Schema>(*f.fields_);
    for (auto& [n, child] : nested->fields) {
      if (auto r = resolve_field(child, reg, self_name, self); !r) return r;
    }
    f.fields_ = std::move(nested);
  }
  return {};
}

tl::expected<void, std::string> resolve_schema(Schema& s, const EntityRegistry& reg) {
  for (auto& [n, f] : s.fields) {
    if (auto r = resolve_field(f, reg, &s.name, &s); !r) return r;
  }
  for (auto& [key, sub] : s.subschemas) {
    auto copy = std::make_shared<Schema>(*sub);
    make_records_required(copy->fields);
    for (auto& [n, f] : copy->fields) {
      if (auto r = resolve_field(f, reg, &s.name, &s); !r) return r;
    }
    sub = std::move(copy);
  }
  return {};
}

}  // namespace

tl::expected<const Schema*, std::string> EntityRegistry::add(Schema schema) {
  if (auto errs = check_entity_definition(schema)) {
    return tl::unexpected("schema of entity '" + schema.name + "' is invalid: " + pretty_compact(*errs));
  }
  if (get(schema.name)) {
    return tl::unexpected("schema of entity '" + schema.name + "' is invalid: already registered");
  }
  make_records_required(schema.fields);
  auto stored = std::make_shared<Schema>(std::move(schema));
  if (auto r = resolve_schema(*stored, *this); !r) {
    return tl::unexpected("schema of entity '" + stored->name + "' is invalid: " + r.error());
  }
  stored->prepare();
  schemas_.push_back(stored);
  return stored.get();
}

tl::expected<void, std::string> EntityRegistry::add_plugin(Schema plugin_schema) {
  auto it = std::find_if(schemas_.begin(), schemas_.end(),
                         [](const SchemaPtr& s) { return s->name == "plugins"; });
  if (it == schemas_.end()) return tl::unexpected(std::string("the plugins entity is not registered"));
  const std::string name = plugin_schema.name;
  auto fail = [&](const std::string& why) {
    return tl::unexpected("error loading plugin schemas: on plugin '" + name + "': " + why);
  };
  if (auto errs = check_plugin_definition(plugin_schema)) return fail(pretty_compact(*errs));
  make_records_required(plugin_schema.fields);
  for (auto& [n, f] : plugin_schema.fields) {
    if (auto r = resolve_field(f, *this, nullptr, nullptr); !r) return fail(r.error());
  }
  if (auto r = (*it)->new_subschema(name, std::move(plugin_schema)); !r) return fail(r.error());
  (*it)->prepare();
  return {};
}

const Schema* EntityRegistry::get(std::string_view name) const {
  for (const auto& s : schemas_) {
    if (s->name == name) return s.get();
  }
  return nullptr;
}

std::vector<const Schema*> EntityRegistry::all() const {
  std::vector<const Schema*> out;
  out.reserve(schemas_.size());
  for (const auto& s : schemas_) out.push_back(s.get());
  return out;
}

std::vector<std::string> EntityRegistry::plugin_names() const {
  std::vector<std::string> names;
  if (const Schema* plugins = get("plugins")) {
    for (const auto& [name, _] : plugins->subschemas) names.push_back(name);
  }
  return names;  // std::map keeps them sorted
}

EntityRegistry EntityRegistry::with_core_entities() {
  EntityRegistry reg;
  auto must = [](auto&& result) {
    if (!result) {
      // Core definitions are code: a failure here is a bug caught by the unit tests.
      std::fprintf(stderr, "kongdb: %s\n", result.error().c_str());
      std::abort();
    }
  };
  must(reg.add(entities::workspaces()));
  must(reg.add(entities::consumers()));
  must(reg.add(entities::certificates()));
  must(reg.add(entities::services()));
  must(reg.add(entities::routes()));
  must(reg.add(entities::snis()));
  must(reg.add(entities::upstreams()));
  must(reg.add(entities::targets()));
  must(reg.add(entities::plugins()));
  must(reg.add(entities::tags()));
  must(reg.add(entities::ca_certificates()));
  // Config schemas first: the plugins' entities may refer to any core entity.
  for (const BundledPlugin* p : bundled_plugins()) must(reg.add_plugin(p->config_schema()));
  for (const BundledPlugin* p : bundled_plugins()) {
    for (const BundledPluginEntity& e : p->entities) must(reg.add(e.schema()));
  }
  return reg;
}

}  // namespace kongdb::schema
