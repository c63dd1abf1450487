// Shapes several bundled plugins share, each defined once:
//   redis_config()          kong.tools.redis.schema's config_schema (rate-limiting, response-ratelimiting, ...)
//   redis_shorthands(p)     the pre-3.6 flat `redis_*` settings those plugins still accept
//   periods_order_error()   "a longer period may not have a smaller limit" (the rate limiters)
//   validate_header_pair()  "name:value" entries of the transformer plugins
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kongdb/schema/schema.h"

namespace kongdb::schema::entities {

Field redis_config();

/// `redis_host`, `redis_port`, ... moved under config.redis, deprecated with `plugin`'s name.
std::vector<ShorthandField> redis_shorthands(const std::string& plugin);

/// The first limit (second, minute, ..., year) smaller than a shorter period's, as Kong words
/// it ("The limit for" in rate-limiting, "the limit for" in response-ratelimiting).
std::optional<std::string> periods_order_error(const Value& limits, const char* lead);

/// An entry "name:value" whose name (and, when `validate_value`, value) is a valid header name.
bool validate_header_pair(const Value& entry, std::string& err, bool validate_value);

}  // namespace kongdb::schema::entities
