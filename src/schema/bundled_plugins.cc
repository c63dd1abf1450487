// The one list of bundled plugins; each is described in its own file (entities/plugin_*.cc).
#include "kongdb/schema/bundled_plugins.h"

#include "schema/entities/entities.h"

namespace kongdb::schema {
namespace {

const BundledPlugin* const kBundled[] = {
    &entities::key_auth_descriptor, &entities::basic_auth_descriptor,    &entities::acl_descriptor,
    &entities::rate_limiting_descriptor, &entities::cors_descriptor, &entities::request_transformer_descriptor,
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
