// Provenance: Kong HEAD kong/db/schema/entities/targets.lua (behaviour only).
#include "kongdb/schema/targets.h"
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/net.h"

namespace kongdb::schema::entities {

Schema targets() {
  Schema s;
  s.name = "targets";
  s.primary_key = {"id"};
  s.cache_key = {"upstream", "target"};
  s.endpoint_key = "target";
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      // Targets keep millisecond timestamps: the balancer orders their history by them.
      {"created_at", typedefs::auto_timestamp_ms()},
      {"updated_at", typedefs::auto_timestamp_ms()},
      {"upstream", Field::foreign("upstreams").required().on_delete("cascade")},
      {"target", Field::string().required().custom_validator(
                     [](const Value& v, std::string& err) {
                       auto e = net::check_target(v.as_string());
                       if (e) err = *e;
                       return !e;
                     })},
      {"weight", Field::integer().def(100).between(0, 65535)},
      {"tags", typedefs::tags()},
  };
  return s;
}

}  // namespace kongdb::schema::entities

namespace kongdb::schema {

std::optional<std::string> normalize_target(std::string_view target) {
  std::string ignored;  // the DAO answers with its own message
  return net::normalize_target(target, &ignored);
}

}  // namespace kongdb::schema
