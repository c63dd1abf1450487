// Provenance: Kong HEAD kong/db/schema/entities/workspaces.lua (behaviour only).
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema workspaces() {
  Schema s;
  s.name = "workspaces";
  s.primary_key = {"id"};
  s.cache_key = {"name"};
  s.endpoint_key = "name";
  s.generate_admin_api = false;  // served by a dedicated endpoint, not the generic one
  s.fields = {
      {"id", typedefs::uuid()},
      // A workspace may not shadow a core entity's name (its URL prefix would clash).
      {"name", typedefs::utf8_name().required().not_one_of(
                   {"workspaces", "consumers", "certificates", "services", "routes", "snis",
                    "upstreams", "targets", "plugins", "tags", "ca_certificates", "clustering_data_planes",
                    "parameters", "vaults", "key_sets", "keys", "filter_chains"})},
      {"comment", Field::string()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"meta", Field::record(Fields{})},
      {"config", Field::record(Fields{})},
  };
  return s;
}

}  // namespace kongdb::schema::entities
