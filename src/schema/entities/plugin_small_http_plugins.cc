// Small HTTP plugins without entities: correlation-id, request-size-limiting, bot-detection and
// redirect; behaviour from Kong's kong/plugins/<name>/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema correlation_id_plugin() {
  Schema s;
  s.name = "correlation-id";
  s.fields = {
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"header_name", Field::string().def("Kong-Request-ID")},
           {"generator", Field::string().def("uuid#counter").required().one_of({"uuid", "uuid#counter", "tracker"})},
           {"echo_downstream", Field::boolean().required().def(false)},
       })},
  };
  return s;
}

Schema request_size_limiting_plugin() {
  Schema s;
  s.name = "request-size-limiting";
  s.fields = {
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"allowed_payload_size", Field::integer().def(128)},
           {"size_unit", Field::string().required().def("megabytes").one_of({"megabytes", "kilobytes", "bytes"})},
           {"require_content_length", Field::boolean().required().def(false)},
       })},
  };
  return s;
}

Schema bot_detection_plugin() {
  auto patterns = [] { return Field::array(Field::string().is_regex()).def(Value::array()); };
  Schema s;
  s.name = "bot-detection";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"allow", patterns()},
           {"deny", patterns()},
       })},
  };
  return s;
}

Schema redirect_plugin() {
  Schema s;
  s.name = "redirect";
  s.fields = {
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"status_code", Field::integer().required().def(301).between(100, 599)},
           {"location", typedefs::url().required()},
           {"keep_incoming_path", Field::boolean().def(false)},
       })},
  };
  return s;
}

// Priorities: Kong's handler.lua PRIORITY.
const BundledPlugin correlation_id_descriptor = {"correlation-id", 100001, &correlation_id_plugin, {}};
const BundledPlugin request_size_limiting_descriptor = {"request-size-limiting", 951, &request_size_limiting_plugin, {}};
const BundledPlugin bot_detection_descriptor = {"bot-detection", 2500, &bot_detection_plugin, {}};
const BundledPlugin redirect_descriptor = {"redirect", 779, &redirect_plugin, {}};

}  // namespace kongdb::schema::entities
