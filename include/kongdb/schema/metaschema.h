// MetaSchema: checks schema definitions themselves (kong/db/schema/metaschema.lua), for core
// entities, plugin config schemas and plugin entities alike.
#pragma once

#include <optional>

#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"

namespace kongdb::schema {

/// nullopt when `schema` is a valid entity definition; else Kong's error tree
/// (e.g. {fields = {port = "field of type 'integer' cannot have attribute 'match'"}}).
std::optional<Value> check_entity_definition(const Schema& schema);
/// The same for a plugin's schema (MetaSubSchema: no primary key, name required).
std::optional<Value> check_plugin_definition(const Schema& schema);

}  // namespace kongdb::schema
