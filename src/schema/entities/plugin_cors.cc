// cors plugin; behaviour from Kong's kong/plugins/cors/schema.lua.
#include "schema/entities/entities.h"

#include "kongdb/schema/typedefs.h"
#include "schema/regex.h"

namespace kongdb::schema::entities {
namespace {

Value cors_methods() {
  return Value::array(
      {"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"});
}

// An origin is either the wildcard or a PCRE regex (plain hosts are valid regexes too).
bool validate_asterisk_or_regex(const Value& value, std::string& err) {
  if (value.is_string() && (value.as_string() == "*" || !pcre_compile_error(value.as_string()))) {
    return true;
  }
  err = "'" + value.to_lua_string() + "' is not a valid regex";
  return false;
}

}  // namespace

Schema cors_plugin() {
  Schema s;
  s.name = "cors";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"origins", Field::array(Field::string().custom_validator(validate_asterisk_or_regex))
                           .description(
                               "List of allowed domains for the `Access-Control-Allow-Origin` "
                               "header. If you want to allow all origins, add `*` as a single "
                               "value to this configuration field. The accepted values can either "
                               "be flat strings or PCRE regexes. NOTE: If you don't specify any "
                               "allowed domains, all origins are allowed.")},
           {"headers", Field::array(Field::string()).description(
                           "Value for the `Access-Control-Allow-Headers` header.")},
           {"exposed_headers", Field::array(Field::string()).description(
                                   "Value for the `Access-Control-Expose-Headers` header. If not "
                                   "specified, no custom headers are exposed.")},
           {"methods", Field::array(Field::string().one_of(cors_methods().as_array()))
                           .def(cors_methods())
                           .description(
                               "'Value for the `Access-Control-Allow-Methods` header. Available "
                               "options include `GET`, `HEAD`, `PUT`, `PATCH`, `POST`, `DELETE`, "
                               "`OPTIONS`, `TRACE`, `CONNECT`. By default, all options are "
                               "allowed.'")},
           {"max_age", Field::number().description(
                           "Indicates how long the results of the preflight request can be "
                           "cached, in `seconds`.")},
           {"credentials", Field::boolean().required().def(false).description(
                               "Flag to determine whether the `Access-Control-Allow-Credentials` "
                               "header should be sent with `true` as the value.")},
           {"private_network", Field::boolean().required().def(false).description(
                                   "Flag to determine whether the "
                                   "`Access-Control-Allow-Private-Network` header should be sent "
                                   "with `true` as the value.")},
           {"preflight_continue", Field::boolean().required().def(false).description(
                                      "A boolean value that instructs the plugin to proxy the "
                                      "`OPTIONS` preflight request to the Upstream service.")},
           {"allow_origin_absent", Field::boolean().required().def(true).description(
                                       "A boolean value that skip cors response headers when "
                                       "origin header of request is empty")},
       })},
  };
  return s;
}

// Priority: Kong's handler.lua PRIORITY. kongdb carries none of its entities.
const BundledPlugin cors_descriptor = {"cors", 2000, &cors_plugin, {}};

}  // namespace kongdb::schema::entities
