// Provenance: Kong HEAD kong/db/schema/entities/snis.lua (behaviour only).
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema snis() {
  Schema s;
  s.name = "snis";
  s.primary_key = {"id"};
  s.endpoint_key = "name";
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      // TLS handshakes pick a certificate by SNI before any workspace is known, so a
      // name must be unique across all workspaces.
      {"name", typedefs::wildcard_host().required().unique().unique_across_ws()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"tags", typedefs::tags()},
      {"certificate", Field::foreign("certificates").required()},
  };
  return s;
}

}  // namespace kongdb::schema::entities
