// prometheus plugin; behaviour from Kong's kong/plugins/prometheus/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema prometheus_plugin() {
  auto metric_switch = [](const char* what) {
    return Field::boolean().def(false).description(std::string("Export ") + what + ".");
  };
  Schema s;
  s.name = "prometheus";
  s.fields = {
      {"protocols", typedefs::protocols()},
      {"config", Field::record({
           {"per_consumer", metric_switch("per-consumer request and bandwidth labels")},
           {"status_code_metrics", metric_switch("status code metrics")},
           {"ai_metrics", metric_switch("AI request, cost and token metrics")},
           {"latency_metrics", metric_switch("latency metrics")},
           {"bandwidth_metrics", metric_switch("bandwidth metrics")},
           {"upstream_health_metrics", metric_switch("upstream target health")},
       })},
  };
  return s;
}

const BundledPlugin prometheus_descriptor = {"prometheus", 13, &prometheus_plugin, {}};

}  // namespace kongdb::schema::entities
