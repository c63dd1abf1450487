// response-transformer plugin; behaviour from Kong's kong/plugins/response-transformer/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/entities/shared_fields.h"

namespace kongdb::schema::entities {
namespace {

Field strings(Field elements) { return Field::array(std::move(elements)).def(Value::array()).required(); }

Field colon_strings() { return strings(Field::string().match("^[^:]+:.*$")); }

Field names_record() {
  return Field::record({{"json", strings(Field::string())}, {"headers", strings(Field::string())}});
}

Field colon_strings_record() {
  return Field::record({
      {"json", colon_strings()},
      {"json_types", strings(Field::string().one_of({"boolean", "number", "string"}))},
      {"headers", colon_strings()},
  });
}

Field rename_record() {
  return Field::record({
      {"json", colon_strings()},
      {"headers", strings(Field::string().match("^[^:]+:.*$").custom_validator(
                      [](const Value& v, std::string& e) { return validate_header_pair(v, e, true); }))},
  });
}

}  // namespace

Schema response_transformer_plugin() {
  Schema s;
  s.name = "response-transformer";
  s.fields = {
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"remove", names_record()},
           {"rename", rename_record()},
           {"replace", colon_strings_record()},
           {"add", colon_strings_record()},
           {"append", colon_strings_record()},
       })},
  };
  return s;
}

const BundledPlugin response_transformer_descriptor = {"response-transformer", 800, &response_transformer_plugin, {}};

}  // namespace kongdb::schema::entities
