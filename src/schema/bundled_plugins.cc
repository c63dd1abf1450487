// The one list of bundled plugins; each is described in its own file (entities/plugin_*.cc).
#include "kongdb/schema/bundled_plugins.h"

#include "schema/entities/entities.h"

namespace kongdb::schema {
namespace {

const BundledPlugin* const kBundled[] = {
    &entities::key_auth_descriptor, &entities::basic_auth_descriptor,    &entities::acl_descriptor,
    &entities::rate_limiting_descriptor, &entities::cors_descriptor, &entities::request_transformer_descriptor,
    // Plugins without entities (config schemas only).
    &entities::prometheus_descriptor,
    &entities::http_log_descriptor,
    &entities::file_log_descriptor,
    &entities::tcp_log_descriptor,
    &entities::udp_log_descriptor,
    &entities::syslog_descriptor,
    &entities::ip_restriction_descriptor,
    &entities::request_termination_descriptor,
    &entities::response_transformer_descriptor,
    &entities::correlation_id_descriptor,
    &entities::request_size_limiting_descriptor,
    &entities::response_ratelimiting_descriptor,
    &entities::bot_detection_descriptor,
    &entities::redirect_descriptor,
    &entities::grpc_web_descriptor,
    &entities::grpc_gateway_descriptor,
    &entities::azure_functions_descriptor,
    &entities::ldap_auth_descriptor,
    &entities::loggly_descriptor,
    &entities::hmac_auth_descriptor, &entities::jwt_descriptor, &entities::oauth2_descriptor,
    &entities::session_descriptor, &entities::acme_descriptor,
};

}  // namespace

std::span<const BundledPlugin* const> bundled_plugins() { return kBundled; }

const BundledPlugin* find_bundled_plugin(std::string_view name) {
  for (const BundledPlugin* p : kBundled) {
    if (p->name == name) return p;
  }
  return nullptr;
}

const BundledPlugin* bundled_owner_of(std::string_view entity) {
  for (const BundledPlugin* p : kBundled) {
    for (const BundledPluginEntity& e : p->entities) {
      if (e.name == entity) return p;
    }
  }
  return nullptr;
}

}  // namespace kongdb::schema
