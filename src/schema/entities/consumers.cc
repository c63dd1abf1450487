// Provenance: Kong HEAD kong/db/schema/entities/consumers.lua (behaviour only).
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema consumers() {
  Schema s;
  s.name = "consumers";
  s.primary_key = {"id"};
  s.endpoint_key = "username";
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"username", Field::string().unique()},
      {"custom_id", Field::string().unique()},
      {"tags", typedefs::tags()},
  };
  // A consumer must be identifiable by at least one of its two unique keys.
  s.entity_checks = {EntityCheck::at_least_one_of({"custom_id", "username"})};
  return s;
}

}  // namespace kongdb::schema::entities
