// grpc-web and grpc-gateway plugins; behaviour from Kong's kong/plugins/grpc-{web,gateway}/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema grpc_web_plugin() {
  Schema s;
  s.name = "grpc-web";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"proto", Field::string().required(false).description("The .proto file describing the service.")},
           {"pass_stripped_path", Field::boolean().required(false)},
           {"allow_origin_header", Field::string().required(false).def("*")},
       })},
  };
  return s;
}

Schema grpc_gateway_plugin() {
  Schema s;
  s.name = "grpc-gateway";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"proto", Field::string().required(false).description("The .proto file describing the service.")},
       })},
  };
  return s;
}

const BundledPlugin grpc_web_descriptor = {"grpc-web", 3, &grpc_web_plugin, {}};
const BundledPlugin grpc_gateway_descriptor = {"grpc-gateway", 998, &grpc_gateway_plugin, {}};

}  // namespace kongdb::schema::entities
