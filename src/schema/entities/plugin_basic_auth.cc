// basic-auth plugin; behaviour from Kong's kong/plugins/basic-auth/schema.lua.
#include "schema/entities/entities.h"

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {

Schema basic_auth_plugin() {
  Schema s;
  s.name = "basic-auth";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"anonymous", Field::string().description(
                             "An optional string (Consumer UUID or username) value to use as an "
                             "“anonymous” consumer if authentication fails. If empty (default "
                             "null), the request will fail with an authentication failure `4xx`. "
                             "Please note that this value must refer to the Consumer `id` or "
                             "`username` attribute, and **not** its `custom_id`.")},
           {"hide_credentials", Field::boolean().required().def(false).description(
                                    "An optional boolean value telling the plugin to show or hide "
                                    "the credential from the upstream service. If `true`, the "
                                    "plugin will strip the credential from the request (i.e. the "
                                    "`Authorization` header) before proxying it.")},
           {"realm", Field::string().required().def("service").description(
                         "When authentication fails the plugin sends `WWW-Authenticate` header "
                         "with `realm` attribute value.")},
       })},
  };
  return s;
}

// Priority: Kong's handler.lua PRIORITY. kongdb carries none of its entities.
const BundledPlugin basic_auth_descriptor = {"basic-auth", 1100, &basic_auth_plugin, {}};

}  // namespace kongdb::schema::entities
