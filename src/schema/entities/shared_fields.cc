#include "schema/entities/shared_fields.h"

#include <array>
#include <cstdio>

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {

Field redis_config() {
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

std::vector<ShorthandField> redis_shorthands(const std::string& plugin) {
  auto shorthand = [&plugin](const std::string& sub, Field type) {
    ShorthandField sh;
    sh.name = "redis_" + sub;
    sh.field = std::move(type);
    sh.func = [sub](const Value& value) {
      return Value::object({{"redis", Value::object({{sub, value}})}});
    };
    sh.deprecation = ShorthandField::Deprecation{
        plugin + ": config.redis_" + sub + " is deprecated, please use config.redis." + sub + " instead",
        "4.0",
        {{"redis", sub}},
    };
    return sh;
  };
  return {
      shorthand("host", Field::string()),
      shorthand("port", Field::integer()),
      shorthand("password", Field::string().len_min(0)),
      shorthand("username", Field::string()),
      shorthand("ssl", Field::boolean()),
      shorthand("ssl_verify", Field::boolean()),
      shorthand("server_name", Field::string()),
      shorthand("timeout", Field::integer()),
      shorthand("database", Field::integer()),
  };
}

std::optional<std::string> periods_order_error(const Value& limits, const char* lead) {
  static constexpr std::array<const char*, 6> ordered_periods = {"second", "minute", "hour",
                                                                 "day",    "month",  "year"};
  auto format_limit = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return std::string(buf);
  };
  for (size_t i = 0; i < ordered_periods.size(); ++i) {
    const Value* v1 = limits.find(ordered_periods[i]);
    if (!v1 || !v1->is_number()) continue;
    for (size_t j = i + 1; j < ordered_periods.size(); ++j) {
      const Value* v2 = limits.find(ordered_periods[j]);
      if (v2 && v2->is_number() && v2->as_number() < v1->as_number()) {
        return std::string(lead) + " " + ordered_periods[j] + "(" + format_limit(v2->as_number()) +
               ") cannot be lower than the limit for " + ordered_periods[i] + "(" +
               format_limit(v1->as_number()) + ")";
      }
    }
  }
  return std::nullopt;
}

}  // namespace kongdb::schema::entities
