// azure-functions plugin; behaviour from Kong's kong/plugins/azure-functions/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema azure_functions_plugin() {
  Schema s;
  s.name = "azure-functions";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"timeout", Field::number().def(600000)},
           {"keepalive", Field::number().def(60000)},
           {"https", Field::boolean().def(true)},
           {"https_verify", Field::boolean().def(false)},
           {"apikey", Field::string().encrypted().referenceable()},
           {"clientid", Field::string().encrypted().referenceable()},
           {"appname", Field::string().required()},
           {"hostdomain", Field::string().required().def("azurewebsites.net")},
           {"routeprefix", Field::string().def("api")},
           {"functionname", Field::string().required()},
       })},
  };
  return s;
}

const BundledPlugin azure_functions_descriptor = {"azure-functions", 749, &azure_functions_plugin, {}};

}  // namespace kongdb::schema::entities
