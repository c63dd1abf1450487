// rate-limiting plugin; behaviour from Kong's kong/plugins/rate-limiting/schema.lua (its redis
// record is kong/tools/redis/schema.lua, in shared_fields.cc).
#include "schema/entities/entities.h"
#include "schema/entities/shared_fields.h"

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {
namespace {

constexpr double sync_rate_realtime = -1;

// Limits must not shrink as the period grows; sync_rate only makes sense with redis.
bool validate_periods_order(const Value& config, std::string& err) {
  if (auto order = periods_order_error(config, "The limit for")) {
    err = *order;
    return false;
  }

  const Value* policy = config.find("policy");
  const bool is_redis = policy && policy->is_string() && policy->as_string() == "redis";
  const Value* sync_rate = config.find("sync_rate");
  const bool realtime = sync_rate && sync_rate->is_number() &&
                        sync_rate->as_number() == sync_rate_realtime;
  if (!is_redis && !realtime) {
    err = "sync_rate can only be used with the redis policy";
    return false;
  }
  if (is_redis && !realtime && sync_rate && sync_rate->is_number() &&
      sync_rate->as_number() < 0.02) {
    err = "sync_rate must be greater than 0.02, or -1 to disable";
    return false;
  }
  return true;
}

}  // namespace

Schema rate_limiting_plugin() {
  // Kong offers "cluster" only with a database (not db-less, not a control plane); kongdb is
  // the database layer, so the DB-mode list applies.
  Field policy = Field::string()
                     .def("local")
                     .len_min(0)
                     .one_of({"local", "cluster", "redis"})
                     .description("The rate-limiting policies to use for retrieving and "
                                  "incrementing the limits.");

  Schema config;
  config.fields = {
      {"second", Field::number().gt(0).description(
                     "The number of HTTP requests that can be made per second.")},
      {"minute", Field::number().gt(0).description(
                     "The number of HTTP requests that can be made per minute.")},
      {"hour", Field::number().gt(0).description(
                   "The number of HTTP requests that can be made per hour.")},
      {"day", Field::number().gt(0).description(
                  "The number of HTTP requests that can be made per day.")},
      {"month", Field::number().gt(0).description(
                    "The number of HTTP requests that can be made per month.")},
      {"year", Field::number().gt(0).description(
                   "The number of HTTP requests that can be made per year.")},
      {"limit_by", Field::string()
                       .def("consumer")
                       .one_of({"consumer", "credential", "ip", "service", "header", "path"})
                       .description("The entity that is used when aggregating the limits.")},
      {"header_name", typedefs::header_name()},
      {"path", typedefs::path()},
      {"policy", std::move(policy)},
      {"fault_tolerant", Field::boolean().required().def(true).description(
                             "A boolean value that determines if the requests should be proxied "
                             "even if Kong has troubles connecting a third-party data store. If "
                             "`true`, requests will be proxied anyway, effectively disabling the "
                             "rate-limiting function until the data store is working again. If "
                             "`false`, then the clients will see `500` errors.")},
      {"redis", redis_config()},
      {"hide_client_headers", Field::boolean().required().def(false).description(
                                  "Optionally hide informative response headers.")},
      {"error_code", Field::number().def(429).gt(0).description(
                         "Set a custom error code to return when the rate limit is exceeded.")},
      {"error_message", Field::string().def("API rate limit exceeded").description(
                            "Set a custom error message to return when the rate limit is "
                            "exceeded.")},
      {"sync_rate", Field::number().required().def(-1).description(
                        "How often to sync counter data to the central data store. A value of -1 "
                        "results in synchronous behavior.")},
  };
  config.shorthand_fields = redis_shorthands("rate-limiting");

  Schema s;
  s.name = "rate-limiting";
  s.fields = {
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record(std::move(config)).custom_validator(validate_periods_order)},
  };
  auto when = [](std::string if_field, const char* eq, std::string then_field) {
    return EntityCheck::conditional(std::move(if_field), Field::partial().eq(eq),
                                    std::move(then_field), Field::partial().required());
  };
  s.entity_checks = {
      EntityCheck::at_least_one_of({"config.second", "config.minute", "config.hour", "config.day",
                                    "config.month", "config.year"}),
      when("config.policy", "redis", "config.redis.host"),
      when("config.policy", "redis", "config.redis.port"),
      when("config.policy", "redis", "config.redis.timeout"),
      when("config.limit_by", "header", "config.header_name"),
      when("config.limit_by", "path", "config.path"),
  };
  return s;
}

// Priority: Kong's handler.lua PRIORITY. kongdb carries none of its entities.
const BundledPlugin rate_limiting_descriptor = {"rate-limiting", 910, &rate_limiting_plugin, {}};

}  // namespace kongdb::schema::entities
