// Configuration with Kong's names: a kongdb.conf file (`key = value`, `#` comments) overridden
// by KONG_<KEY> environment variables.
//
//   auto conf = Config::load("/etc/kongdb.conf");   // Result<Config>; "" = defaults + env only
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace kongdb {

struct Config {
  std::string database = "sqlite";     // sqlite | postgres | cassandra | off
  std::string sqlite_path = "kongdb.sqlite";
  std::string prefix = ".";
  std::string admin_listen = "127.0.0.1:8001";
  std::vector<std::string> plugins = {"bundled"};
  std::string lua_package_path;
  int64_t db_cache_ttl = 0;
  /// Every key read, after env overrides (for `kongdb check` and GET /).
  std::map<std::string, std::string> raw;

  /// Reads `path` (empty: none), then KONG_* variables. Unknown keys are kept in `raw`;
  /// malformed lines or values are errors naming the line.
  static tl::expected<Config, std::string> load(const std::string& path);
  /// Looks a key up in `raw`.
  std::optional<std::string> get(const std::string& key) const;
};

}  // namespace kongdb
