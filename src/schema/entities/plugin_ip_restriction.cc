// ip-restriction plugin; behaviour from Kong's kong/plugins/ip-restriction/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema ip_restriction_plugin() {
  Schema s;
  s.name = "ip-restriction";
  s.fields = {
      {"protocols", typedefs::protocols().def(Value::array({"http", "https", "tcp", "tls", "grpc", "grpcs"}))},
      {"config", Field::record({
           {"allow", Field::array(typedefs::ip_or_cidr()).description("Addresses or CIDR ranges let through.")},
           {"deny", Field::array(typedefs::ip_or_cidr()).description("Addresses or CIDR ranges refused.")},
           {"status", Field::number().required(false).description("HTTP status of refused requests.")},
           {"message", Field::string().required(false).description("Body of refused requests.")},
       })},
  };
  s.entity_checks = {EntityCheck::at_least_one_of({"config.allow", "config.deny"})};
  return s;
}

const BundledPlugin ip_restriction_descriptor = {"ip-restriction", 990, &ip_restriction_plugin, {}};

}  // namespace kongdb::schema::entities
