// request-termination plugin; behaviour from Kong's kong/plugins/request-termination/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {
namespace {

bool present(const Value& config, const char* name) {
  const Value* v = config.find(name);
  return v && v->is_string() && !v->as_string().empty();
}

// A response is either Kong's generated message, a raw body (with its content type), or an echo.
bool one_kind_of_response(const Value& config, std::string& err) {
  const bool message = present(config, "message");
  const bool content_type = present(config, "content_type");
  const bool body = present(config, "body");
  const Value* echo = config.find("echo");
  if (message && (content_type || body)) {
    err = "message cannot be used with content_type or body";
  } else if (content_type && !body) {
    err = "content_type requires a body";
  } else if (echo && echo->is_boolean() && echo->as_boolean() && (content_type || body)) {
    err = "echo cannot be used with content_type and body";
  } else {
    return true;
  }
  return false;
}

}  // namespace

Schema request_termination_plugin() {
  Schema s;
  s.name = "request-termination";
  s.fields = {
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"status_code", Field::integer().required().def(503).between(100, 599)},
           {"message", Field::string()},
           {"content_type", Field::string()},
           {"body", Field::string()},
           {"echo", Field::boolean().required().def(false)},
           {"trigger", typedefs::header_name()},
       }).custom_validator(one_kind_of_response)},
  };
  return s;
}

const BundledPlugin request_termination_descriptor = {"request-termination", 2, &request_termination_plugin, {}};

}  // namespace kongdb::schema::entities
