// acme plugin; behaviour from Kong's kong/plugins/acme/{schema,daos,reserved_words}.lua.
#include "schema/entities/entities.h"

#include <array>
#include <string>

#include "kongdb/schema/typedefs.h"
#include "schema/entities/shared_fields.h"

namespace kongdb::schema::entities {
namespace {

// Key prefixes the plugin writes to its storage for itself; a namespace may not start with one.
constexpr std::array<std::string_view, 3> kReservedPrefixes = {
    "kong_acme:renew_config:", "kong_acme:renew_last_run", "kong_acme:cert_key:"};

bool validate_namespace(const Value& v, std::string& err) {
  if (!v.is_string() || v.as_string().empty()) return true;
  for (std::string_view prefix : kReservedPrefixes) {
    if (v.as_string().starts_with(prefix)) {
      err = "namespace can't be prefixed with reserved word: " + std::string(prefix);
      return false;
    }
  }
  return true;
}

// The shared memory zones of Kong's nginx configuration: shm storage must name one of them.
bool validate_shm_name(const Value& v, std::string&) {
  static constexpr std::array<std::string_view, 11> kZones = {
      "kong",          "kong_cluster_events",   "kong_core_db_cache",   "kong_core_db_cache_miss",
      "kong_db_cache", "kong_db_cache_miss",    "kong_dns_cache",       "kong_healthchecks",
      "kong_locks",    "kong_rate_limiting_counters", "kong_secrets"};
  if (!v.is_string()) return true;
  for (std::string_view zone : kZones) {
    if (v.as_string() == zone) return true;
  }
  return false;  // the engine's "failed validating" message, as Kong's validator gives none
}

// The pre-3.6 redis settings, accepted and moved to their new places.
ShorthandField moved_redis_setting(std::string name, Field type, std::vector<std::string> path) {
  ShorthandField sh;
  sh.name = name;
  sh.field = std::move(type);
  sh.func = [path](const Value& value) {
    Value nested = value;
    for (auto it = path.rbegin(); it != path.rend(); ++it) nested = Value::object({{*it, nested}});
    return nested;
  };
  std::string joined;
  for (const std::string& step : path) joined += (joined.empty() ? "" : ".") + step;
  sh.deprecation = ShorthandField::Deprecation{"acme: config.storage_config.redis." + name +
                                                   " is deprecated, please use config.storage_config.redis." +
                                                   joined + " instead",
                                               "4.0",
                                               {path}};
  return sh;
}

Field redis_storage() {
  Schema redis = *redis_config().fields_;
  redis.fields.emplace_back(
      "extra_options",
      Field::record({
          {"namespace", Field::string().required().def("").len_min(0).custom_validator(validate_namespace)},
          {"scan_count", Field::number().required(false).def(10)},
      }));
  redis.shorthand_fields = {
      moved_redis_setting("auth", Field::string().len_min(0), {"password"}),
      moved_redis_setting("ssl_server_name", Field::string(), {"server_name"}),
      moved_redis_setting("namespace", Field::string().len_min(0), {"extra_options", "namespace"}),
      moved_redis_setting("scan_count", Field::integer(), {"extra_options", "scan_count"}),
  };
  return Field::record(std::move(redis));
}

// consul and vault storage share their connection settings.
Fields kv_store_connection() {
  return {
      {"https", Field::boolean().def(false)},
      {"host", typedefs::host()},
      {"port", typedefs::port()},
      {"kv_path", Field::string()},
      {"timeout", Field::number()},
      {"token", Field::string().referenceable()},
  };
}

Field vault_storage() {
  Fields fields = kv_store_connection();
  fields.emplace_back("tls_verify", Field::boolean().def(true));
  fields.emplace_back("tls_server_name", Field::string());
  fields.emplace_back("auth_method", Field::string().def("token").one_of({"token", "kubernetes"}));
  fields.emplace_back("auth_path", Field::string());
  fields.emplace_back("auth_role", Field::string());
  fields.emplace_back("jwt_path", Field::string());
  return Field::record(std::move(fields));
}

}  // namespace

Schema acme_plugin() {
  Schema s;
  s.name = "acme";
  s.fields = {
      // A global plugin only.
      {"consumer", typedefs::no_consumer()},
      {"service", typedefs::no_service()},
      {"route", typedefs::no_route()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"account_email",
            Field::string().match("%w*%p*@+%w*%.?%w*").required().encrypted().referenceable()},
           {"account_key", Field::record({
                               {"key_id", Field::string().required()},
                               {"key_set", Field::string()},
                           })
                               .required(false)},
           {"api_uri", typedefs::url().def("https://acme-v02.api.letsencrypt.org/directory")},
           {"tos_accepted", Field::boolean().def(false)},
           {"eab_kid", Field::string().encrypted().referenceable()},
           {"eab_hmac_key", Field::string().encrypted().referenceable()},
           {"cert_type", Field::string().def("rsa").one_of({"rsa", "ecc"})},
           {"rsa_key_size", Field::number().def(4096).one_of({2048, 3072, 4096})},
           {"renew_threshold_days", Field::number().def(14)},
           {"domains", typedefs::hosts()},
           {"allow_any_domain", Field::boolean().def(false)},
           {"fail_backoff_minutes", Field::number().def(5)},
           {"storage", Field::string().def("shm").one_of({"kong", "shm", "redis", "consul", "vault"})},
           {"storage_config", Field::record({
                                  {"shm", Field::record({
                                              {"shm_name", Field::string().def("kong").custom_validator(
                                                               validate_shm_name)},
                                          })},
                                  {"kong", Field::record(Fields{})},
                                  {"redis", redis_storage()},
                                  {"consul", Field::record(kv_store_connection())},
                                  {"vault", vault_storage()},
                              })},
           {"preferred_chain", Field::string()},
           {"enable_ipv4_common_name", Field::boolean().def(true)},
       })},
  };
  // Kong's further check (no "kong" storage db-less, no "shm" on a control plane) cannot fail
  // with a database and a single node, which is what kongdb is.
  s.entity_checks = {
      EntityCheck::conditional(
          "config.api_uri",
          Field::partial().one_of({"https://acme-v02.api.letsencrypt.org",
                                   "https://acme-staging-v02.api.letsencrypt.org"}),
          "config.tos_accepted", Field::partial().eq(true),
          "terms of service must be accepted, see https://letsencrypt.org/repository/"),
      EntityCheck::conditional("config.storage", Field::partial().eq("redis"),
                               "config.storage_config.redis.host", Field::partial().required()),
      EntityCheck::conditional("config.storage", Field::partial().eq("redis"),
                               "config.storage_config.redis.port", Field::partial().required()),
  };
  return s;
}

// The plugin's key-value store for `storage = kong` (accounts, certificates, renewal state).
Schema acme_storage() {
  Schema s;
  s.name = "acme_storage";
  s.primary_key = {"id"};
  s.cache_key = {"key"};
  s.ttl = true;
  s.fields = {
      {"id", typedefs::uuid()},
      {"key", Field::string().required().unique().auto_fill()},
      {"value", Field::string().required().auto_fill()},
      {"created_at", typedefs::auto_timestamp_s()},
  };
  return s;
}

namespace {
constexpr BundledPluginEntity kAcmeEntities[] = {
    {"acme_storage", &acme_storage, "000_base_acme"},
};
}  // namespace

// Priority: Kong's handler.lua PRIORITY.
const BundledPlugin acme_descriptor = {"acme", 1705, &acme_plugin, kAcmeEntities};

}  // namespace kongdb::schema::entities
