// The plugins kongdb bundles, each described once, next to its schema
// (src/schema/entities/plugin_<name>.cc): its name, config schema (the plugin's schema.lua),
// execution priority (handler.lua PRIORITY), and the entities it brings (daos.lua) with the
// migration that creates each one's table. The entity registry, the migrations catalogue and
// GET / derive what they need from this list.
//
//   for (const schema::BundledPlugin& p : schema::bundled_plugins()) registry.add_plugin(p.config_schema());
//   const schema::BundledPlugin* cors = schema::find_bundled_plugin("cors");   // priority 2000
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "kongdb/schema/schema.h"

namespace kongdb::schema {

/// An entity a bundled plugin brings, and the plugin migration ("000_base_key_auth") that
/// creates its table.
struct BundledPluginEntity {
  std::string_view name;  ///< schema().name
  Schema (*schema)();
  std::string_view migration;
};

struct BundledPlugin {
  std::string_view name;
  /// Kong's handler.lua PRIORITY; clients only display it.
  int64_t priority = 0;
  Schema (*config_schema)() = nullptr;
  std::span<const BundledPluginEntity> entities;
};

/// Every bundled plugin, in registration order.
std::span<const BundledPlugin* const> bundled_plugins();
/// nullptr for a plugin kongdb does not bundle.
const BundledPlugin* find_bundled_plugin(std::string_view name);
/// The bundled plugin that brings `entity`, or nullptr (core entities, plugins from disk).
const BundledPlugin* bundled_owner_of(std::string_view entity);

}  // namespace kongdb::schema
