// key_sets: named groups of keys (JWKS); behaviour from Kong's
// kong/db/schema/entities/key_sets.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema key_sets() {
  Schema s;
  s.name = "key_sets";
  s.primary_key = {"id"};
  s.endpoint_key = "name";
  s.admin_api_name = "key-sets";
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      {"name", Field::string().required(false).unique().description("The name of the key set.")},
      {"tags", typedefs::tags()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
  };
  return s;
}

}  // namespace kongdb::schema::entities
