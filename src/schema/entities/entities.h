// Kong's core entity definitions and bundled plugins, declared as data (one file each).
#pragma once

#include "kongdb/schema/bundled_plugins.h"
#include "kongdb/schema/schema.h"

namespace kongdb::schema::entities {

// Core entities (kong/db/schema/entities/*.lua), in Kong's CORE_ENTITIES order.
Schema workspaces();
Schema consumers();
Schema certificates();
Schema services();
Schema routes();          // includes its protocol subschemas (routes_subschemas.lua)
Schema snis();
Schema upstreams();
Schema targets();
Schema plugins();         // config abstract; plugins add subschemas
Schema tags();
Schema ca_certificates();
Schema vaults();
Schema key_sets();
Schema keys();

// Bundled plugins: each returns the plugin's schema.lua (name + fields incl. config record);
// the descriptors below (defined in the same files) are what the rest of kongdb reads.
Schema key_auth_plugin();
Schema basic_auth_plugin();
Schema acl_plugin();
Schema rate_limiting_plugin();
Schema cors_plugin();
Schema request_transformer_plugin();

// Plugin-provided entities (the plugins' daos.lua).
Schema keyauth_credentials();

// One descriptor per bundled plugin, listed once in src/schema/bundled_plugins.cc.
extern const BundledPlugin key_auth_descriptor;
extern const BundledPlugin basic_auth_descriptor;
extern const BundledPlugin acl_descriptor;
extern const BundledPlugin rate_limiting_descriptor;
extern const BundledPlugin cors_descriptor;
extern const BundledPlugin request_transformer_descriptor;

}  // namespace kongdb::schema::entities
