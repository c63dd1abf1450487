// rate-limiting plugin; behaviour from Kong's kong/plugins/rate-limiting/schema.lua and the
// shared redis record of kong/tools/redis/schema.lua.
#include <array>
#include <cstdio>

#include "schema/entities/entities.h"

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {

// kong.tools.redis.schema config_schema: the connection settings shared by redis-backed plugins.
Field redis_config_schema() {
  Field f = Field::record({
      {"host", typedefs::host()},
      {"port", typedefs::port().def(6379)},
      {"timeout", typedefs::timeout().def(2000)},
      {"username", Field::string().referenceable().description(
                       "Username to use for Redis connections. If undefined, ACL authentication "
                       "won't be performed. This requires Redis v6.0.0+. To be compatible with "
                       "Redis v5.x.y, you can set it to `default`.")},
      {"password", Field::string().encrypted().referenceable().len_min(0).description(
                       "Password to use for Redis connections. If undefined, no AUTH commands are "
                       "sent to Redis.")},
      {"database", Field::integer().def(0).description(
                       "Database to use for the Redis connection when using the `redis` "
                       "strategy")},
      {"ssl", Field::boolean().required(false).def(false).description(
                  "If set to true, uses SSL to connect to Redis.")},
      {"ssl_verify", Field::boolean().required(false).def(false).description(
                         "If set to true, verifies the validity of the server SSL certificate. If "
                         "setting this parameter, also configure `lua_ssl_trusted_certificate` in "
                         "`kong.conf` to specify the CA (or server) certificate used by your Redis "
                         "server. You may also need to configure `lua_ssl_verify_depth` "
                         "accordingly.")},
      {"server_name", typedefs::sni().required(false)},
  });
  f.description("Redis configuration");
  return f;
}

namespace {

constexpr double sync_rate_realtime = -1;

std::string format_limit(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Limits must not shrink as the period grows; sync_rate only makes sense with redis.
bool validate_periods_order(const Value& config, std::string& err) {
  static constexpr std::array<const char*, 6> ordered_periods = {"second", "minute", "hour",
                                                                 "day",    "month",  "year"};
  for (size_t i = 0; i < ordered_periods.size(); ++i) {
    const Value* v1 = config.find(ordered_periods[i]);
    if (!v1 || !v1->is_number()) continue;
    for (size_t j = i + 1; j < ordered_periods.size(); ++j) {
      const Value* v2 = config.find(ordered_periods[j]);
      if (v2 && v2->is_number() && v2->as_number() < v1->as_number()) {
        err = std::string("The limit for ") + ordered_periods[j] + "(" +
              format_limit(v2->as_number()) + ") cannot be lower than the limit for " +
              ordered_periods[i] + "(" + format_limit(v1->as_number()) + ")";
        return false;
      }
    }
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

// Pre-3.6 flat `redis_*` settings, accepted and moved under config.redis.
ShorthandField redis_shorthand(const std::string& sub, Field type) {
  ShorthandField sh;
  sh.name = "redis_" + sub;
  sh.field = std::move(type);
  sh.func = [sub](const Value& value) {
    return Value::object({{"redis", Value::object({{sub, value}})}});
  };
  sh.deprecation = ShorthandField::Deprecation{
      "rate-limiting: config.redis_" + sub + " is deprecated, please use config.redis." + sub +
          " instead",
      "4.0",
      {{"redis", sub}},
  };
  return sh;
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
      {"redis", redis_config_schema()},
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
  config.shorthand_fields = {
      redis_shorthand("host", Field::string()),
      redis_shorthand("port", Field::integer()),
      redis_shorthand("password", Field::string().len_min(0)),
      redis_shorthand("username", Field::string()),
      redis_shorthand("ssl", Field::boolean()),
      redis_shorthand("ssl_verify", Field::boolean()),
      redis_shorthand("server_name", Field::string()),
      redis_shorthand("timeout", Field::integer()),
      redis_shorthand("database", Field::integer()),
  };

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
