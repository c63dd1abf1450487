// response-ratelimiting plugin; behaviour from Kong's kong/plugins/response-ratelimiting/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"
#include "schema/entities/shared_fields.h"

namespace kongdb::schema::entities {

Schema response_ratelimiting_plugin() {
  Schema limit;
  for (const char* period : {"second", "minute", "hour", "day", "month", "year"}) {
    limit.fields.emplace_back(period, Field::number().gt(0));
  }
  limit.entity_checks = {EntityCheck::at_least_one_of({"second", "minute", "hour", "day", "month", "year"})};
  Field limit_record = Field::record(std::move(limit)).required().custom_validator(
      [](const Value& v, std::string& err) {
        auto order = periods_order_error(v, "the limit for");
        if (order) err = *order;
        return !order;
      });

  Schema config;
  config.fields = {
      {"header_name", Field::string().def("x-kong-limit")},
      {"limit_by", Field::string().def("consumer").one_of({"consumer", "credential", "ip"})},
      // The database-mode list (Kong drops "cluster" without a database).
      {"policy", Field::string().def("local").one_of({"local", "cluster", "redis"})},
      {"fault_tolerant", Field::boolean().required().def(true)},
      {"redis", redis_config()},
      {"block_on_first_violation", Field::boolean().required().def(false)},
      {"hide_client_headers", Field::boolean().required().def(false)},
      {"limits", Field::map(Field::string(), std::move(limit_record)).required().len_min(1)},
  };
  config.shorthand_fields = redis_shorthands("response-ratelimiting");

  Schema s;
  s.name = "response-ratelimiting";
  s.fields = {
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record(std::move(config))},
  };
  auto when_redis = [](const char* then_field) {
    return EntityCheck::conditional("config.policy", Field::partial().eq("redis"), then_field,
                                    Field::partial().required());
  };
  s.entity_checks = {when_redis("config.redis.host"), when_redis("config.redis.port"),
                     when_redis("config.redis.timeout")};
  return s;
}

const BundledPlugin response_ratelimiting_descriptor = {"response-ratelimiting", 900, &response_ratelimiting_plugin, {}};

}  // namespace kongdb::schema::entities
