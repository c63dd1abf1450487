// Config::load, after kong/conf_loader: a `key = value` file, then KONG_<KEY> variables.
#include "kongdb/config/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <string_view>

extern char** environ;

namespace kongdb {
namespace {

// Kong's defaults for the keys kongdb knows (kong.conf.default), so `raw` answers for them.
const std::vector<std::pair<std::string, std::string>>& defaults() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {"database", "sqlite"},
      {"sqlite_path", "kongdb.sqlite"},
      {"prefix", "."},
      {"admin_listen", "127.0.0.1:8001"},
      {"plugins", "bundled"},
      {"lua_package_path", ""},
      {"db_cache_ttl", "0"},
      {"declarative_config", ""},
      {"pg_host", "127.0.0.1"},
      {"pg_port", "5432"},
      {"pg_user", "kong"},
      {"pg_password", ""},
      {"pg_database", "kong"},
      {"pg_ssl", "off"},
      {"pg_ro_host", ""},
      {"cassandra_contact_points", "127.0.0.1"},
      {"cassandra_port", "9042"},
      {"cassandra_keyspace", "kong"},
      {"cassandra_consistency", "ONE"},
  };
  return table;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Kong's strip_comments: drop from the first unescaped `#` (and the blanks before it), then
// turn `\#` into `#`.
std::string strip_comment(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && i + 1 < value.size() && value[i + 1] == '#') {
      out.push_back('#');
      ++i;
      continue;
    }
    if (c == '#') break;
    out.push_back(c);
  }
  return std::string(trim(out));
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string_view item = trim(s.substr(start, comma - start));
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::optional<int64_t> parse_number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec == std::errc() && ptr == s.data() + s.size()) return n;
  // Kong's tonumber also takes decimals; keep the integral part for integer settings.
  std::string copy(s);
  char* end = nullptr;
  double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !(d == d) || d > 9.2e18 || d < -9.2e18) return std::nullopt;
  return static_cast<int64_t>(d);
}

}  // namespace

tl::expected<Config, std::string> Config::load(const std::string& path) {
  Config conf;
  std::map<std::string, std::string> origin;  // key -> "file:line: " for error messages
  for (const auto& [k, v] : defaults()) conf.raw[k] = v;

  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return tl::unexpected("no file at: " + path);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      std::string_view text = trim(line);
      if (text.empty() || text.front() == '#') continue;
      size_t eq = text.find('=');
      std::string where = path + ":" + std::to_string(line_no) + ": ";
      if (eq == std::string_view::npos) {
        return tl::unexpected(where + "malformed line, expected 'key = value': " + std::string(text));
      }
      std::string_view key = trim(text.substr(0, eq));
      if (!valid_key(key)) {
        return tl::unexpected(where + "invalid key '" + std::string(key) + "'");
      }
      std::string k = lower(key);
      conf.raw[k] = strip_comment(text.substr(eq + 1));
      origin[k] = where;
    }
    if (in.bad()) return tl::unexpected("failed to read " + path);
  }

  // Every KONG_* variable is a setting, as in Kong (KONG_PG_HOST -> pg_host).
  for (char** env = environ; env && *env; ++env) {
    std::string_view entry(*env);
    if (entry.size() < 6 || entry.substr(0, 5) != "KONG_") continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq <= 5) continue;
    std::string k = lower(entry.substr(5, eq - 5));
    conf.raw[k] = std::string(entry.substr(eq + 1));
    origin[k] = "";
  }

  auto where = [&](const std::string& key) {
    auto it = origin.find(key);
    return it == origin.end() ? std::string() : it->second;
  };

  const std::string& database = conf.raw["database"];
  if (database != "sqlite" && database != "postgres" && database != "memory" && database != "cassandra" && database != "off") {
    return tl::unexpected(where("database") + "database has an invalid value: '" + database +
                          "' (sqlite, postgres, memory, cassandra, off)");
  }
  conf.database = database;
  conf.sqlite_path = conf.raw["sqlite_path"];
  if (conf.sqlite_path.empty()) return tl::unexpected(where("sqlite_path") + "sqlite_path must not be empty");
  conf.prefix = conf.raw["prefix"];
  conf.admin_listen = conf.raw["admin_listen"];
  conf.lua_package_path = conf.raw["lua_package_path"];
  conf.plugins = split_list(conf.raw["plugins"]);

  for (const char* key : {"db_cache_ttl", "pg_port", "cassandra_port"}) {
    const std::string& v = conf.raw[key];
    auto n = parse_number(v);
    if (!n) return tl::unexpected(where(key) + key + " is not a number: '" + v + "'");
    if (std::string_view(key) == "db_cache_ttl") {
      if (*n < 0) return tl::unexpected(where(key) + "db_cache_ttl must be a positive number");
      conf.db_cache_ttl = *n;
    }
  }
  return conf;
}

std::optional<std::string> Config::get(const std::string& key) const {
  auto it = raw.find(key);
  if (it == raw.end()) return std::nullopt;
  return it->second;
}

}  // namespace kongdb
