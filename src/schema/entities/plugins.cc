// plugins entity; behaviour from Kong's kong/db/schema/entities/plugins.lua.
#include "schema/entities/entities.h"

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {

Schema plugins() {
  Schema s;
  s.name = "plugins";
  s.primary_key = {"id"};
  s.cache_key = {"name", "route", "service", "consumer"};
  s.workspaceable = true;
  s.endpoint_key = "instance_name";

  // Each enabled plugin adds a subschema keyed by its name; unknown names fail with this.
  s.subschema_key = "name";
  s.subschema_error = "plugin '%s' not enabled; add it to the 'plugins' configuration property";

  s.fields = {
      {"id", typedefs::uuid()},
      {"name", Field::string().required().description(
                   "The name of the Plugin that's going to be added.")},
      {"instance_name", typedefs::utf8_name()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"route", Field::foreign("routes").def(Value()).on_delete("cascade").description(
                    "If set, the plugin will only activate when receiving requests via the "
                    "specified route.")},
      {"service", Field::foreign("services").def(Value()).on_delete("cascade").description(
                      "If set, the plugin will only activate when receiving requests via one of "
                      "the routes belonging to the specified service. ")},
      {"consumer", Field::foreign("consumers").def(Value()).on_delete("cascade").description(
                       "If set, the plugin will activate only for requests where the specified "
                       "has been authenticated.")},
      // Abstract: each plugin's subschema specialises it with its own record.
      {"config", Field::of(FieldType::Record).abstract().description(
                     "The configuration properties for the Plugin.")},
      {"protocols", typedefs::protocols()},
      {"enabled", Field::boolean().required().def(true).description("Whether the plugin is applied.")},
      {"tags", typedefs::tags()},
  };
  return s;
}

}  // namespace kongdb::schema::entities
