// EntityRegistry: every entity schema the DB knows, core and plugin-provided, registered
// through one path (Kong's Entity.new + MetaSchema check), with foreign references resolved.
//
//   EntityRegistry reg = EntityRegistry::with_core_entities();
//   const Schema* services = reg.get("services");
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "kongdb/schema/schema.h"

namespace kongdb::schema {

class EntityRegistry {
 public:
  /// Core entities, the bundled plugins' config schemas and their entities (keyauth_credentials).
  static EntityRegistry with_core_entities();

  /// Checks `schema` with the metaschema, applies Kong's Entity rules (records required,
  /// no nilable fields), resolves foreign references; "schema of entity 'x' is invalid: ..."
  tl::expected<const Schema*, std::string> add(Schema schema);
  /// Registers a plugin's config schema as a `plugins` subschema named after the plugin.
  tl::expected<void, std::string> add_plugin(Schema plugin_schema);

  const Schema* get(std::string_view name) const;
  /// Registered entities in registration order (parents before children).
  std::vector<const Schema*> all() const;
  /// Plugin names with a registered config schema, sorted.
  std::vector<std::string> plugin_names() const;

 private:
  std::vector<SchemaPtr> schemas_;
};

}  // namespace kongdb::schema
