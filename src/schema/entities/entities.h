// Kong's core entity definitions and bundled plugins, declared as data (one file each).
#pragma once

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

// Bundled plugins: each returns the plugin's schema.lua (name + fields incl. config record).
Schema key_auth_plugin();
Schema basic_auth_plugin();
Schema acl_plugin();
Schema rate_limiting_plugin();
Schema cors_plugin();
Schema request_transformer_plugin();

// Plugin-provided entities (the plugins' daos.lua).
Schema keyauth_credentials();

}  // namespace kongdb::schema::entities
