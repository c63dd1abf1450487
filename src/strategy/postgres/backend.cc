// `database = postgres`: Kong's pg_* settings and the pg_ro_* read replica. A server database is
// never bootstrapped implicitly: `kongdb migrations bootstrap` does it, as `kong migrations
// bootstrap` does.
#include <stdexcept>

#include "kongdb/strategy/backends.h"
#include "kongdb/strategy/postgres.h"

namespace kongdb::strategy {
namespace {

bool truthy(const std::string& v) { return v == "on" || v == "true" || v == "1" || v == "yes"; }

tl::expected<PostgresOptions, std::string> postgres_options(const Settings& settings) {
  PostgresOptions o;
  if (auto v = settings.get("pg_host")) o.host = *v;
  if (auto v = settings.get("pg_user")) o.user = *v;
  if (auto v = settings.get("pg_password")) o.password = *v;
  if (auto v = settings.get("pg_database")) o.database = *v;
  if (auto v = settings.get("pg_schema")) o.schema = *v;
  if (auto v = settings.get("pg_ssl")) o.ssl = truthy(*v);
  if (auto v = settings.get("pg_ssl_verify")) o.ssl_verify = truthy(*v);
  if (auto v = settings.get("pg_ro_host")) o.ro_host = *v;
  struct IntSetting {
    const char* key;
    int* target;
  };
  for (IntSetting s : {IntSetting{"pg_port", &o.port}, {"pg_timeout", &o.timeout_ms},
                       {"pg_max_concurrent_queries", &o.pool_size}, {"pg_ro_port", &o.ro_port}}) {
    auto v = settings.get(s.key);
    if (!v || v->empty()) continue;
    try {
      *s.target = std::stoi(*v);
    } catch (const std::exception&) {
      return tl::unexpected(std::string(s.key) + " is not a number: '" + *v + "'");
    }
  }
  if (o.pool_size <= 0) o.pool_size = 4;  // Kong's 0 means "no limit"; keep a sane pool
  return o;
}

tl::expected<OpenedConnector, std::string> open_postgres_backend(const Settings& settings, const OpenOptions&) {
  auto options = postgres_options(settings);
  if (!options) return tl::unexpected(options.error());
  OpenedConnector out;
  out.label = "database '" + options->database + "' on " + options->host + ":" + std::to_string(options->port);
  auto conn = open_postgres(*options);
  if (!conn) return tl::unexpected("cannot open " + out.label + ": " + conn.error().to_string());
  out.connector = std::move(*conn);
  return out;
}

}  // namespace

Backend postgres_backend() { return {"postgres", &open_postgres_backend}; }

}  // namespace kongdb::strategy
