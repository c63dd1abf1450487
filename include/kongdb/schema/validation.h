// The schema half of a DAO write, shared by the CLI, the DAO and the Admin API's
// /schemas/{name}/validate: Kong's insert pipeline up to (not including) storage.
//
//   Result<Value> row = prepare_insert(*registry.get("services"), input);
#pragma once

#include "kongdb/core/result.h"
#include "kongdb/schema/schema.h"

namespace kongdb::schema {

/// process_auto_fields(insert), validate_insert, transformations; SCHEMA_VIOLATION or
/// TRANSFORMATION_ERROR on failure. Input that is not an object is a schema violation.
Result<Value> prepare_insert(const Schema& schema, Value input, const AutoFieldsOptions& opts = {});

}  // namespace kongdb::schema
