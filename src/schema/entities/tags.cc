// Provenance: Kong HEAD kong/db/schema/entities/tags.lua (behaviour only).
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

// Read-only index of (tag, entity) pairs, maintained by the strategies; never exported.
Schema tags() {
  Schema s;
  s.name = "tags";
  s.primary_key = {"tag"};
  s.endpoint_key = "tag";
  s.db_export = false;
  s.fields = {
      {"tag", typedefs::tag()},
      {"entity_name", Field::string().required()},
      {"entity_id", typedefs::uuid().required()},
  };
  return s;
}

}  // namespace kongdb::schema::entities
