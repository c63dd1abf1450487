// Schemas as JSON, in the shape of Kong's GET /schemas/{name} (api_helpers.schema_to_jsonable):
// {"fields": [{"id": {"type": "string", "uuid": true, "auto": true}}, ...], "entity_checks": [...]}
#pragma once

#include "kongdb/core/value.h"
#include "kongdb/schema/schema.h"

namespace kongdb::schema {

Value schema_to_value(const Schema& schema);
Value field_to_value(const Field& field);
Value entity_check_to_value(const EntityCheck& check);

}  // namespace kongdb::schema
