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
Schema prometheus_plugin();
Schema http_log_plugin();
Schema file_log_plugin();
Schema tcp_log_plugin();
Schema udp_log_plugin();
Schema syslog_plugin();
Schema ip_restriction_plugin();
Schema request_termination_plugin();
Schema response_transformer_plugin();
Schema correlation_id_plugin();
Schema request_size_limiting_plugin();
Schema response_ratelimiting_plugin();
Schema bot_detection_plugin();
Schema redirect_plugin();
Schema grpc_web_plugin();
Schema grpc_gateway_plugin();
Schema azure_functions_plugin();
Schema ldap_auth_plugin();
Schema loggly_plugin();

// Plugin-provided entities (the plugins' daos.lua).
Schema keyauth_credentials();

// One descriptor per bundled plugin, listed once in src/schema/bundled_plugins.cc.
extern const BundledPlugin key_auth_descriptor;
extern const BundledPlugin basic_auth_descriptor;
extern const BundledPlugin acl_descriptor;
extern const BundledPlugin rate_limiting_descriptor;
extern const BundledPlugin cors_descriptor;
extern const BundledPlugin request_transformer_descriptor;
extern const BundledPlugin prometheus_descriptor;
extern const BundledPlugin http_log_descriptor;
extern const BundledPlugin file_log_descriptor;
extern const BundledPlugin tcp_log_descriptor;
extern const BundledPlugin udp_log_descriptor;
extern const BundledPlugin syslog_descriptor;
extern const BundledPlugin ip_restriction_descriptor;
extern const BundledPlugin request_termination_descriptor;
extern const BundledPlugin response_transformer_descriptor;
extern const BundledPlugin correlation_id_descriptor;
extern const BundledPlugin request_size_limiting_descriptor;
extern const BundledPlugin response_ratelimiting_descriptor;
extern const BundledPlugin bot_detection_descriptor;
extern const BundledPlugin redirect_descriptor;
extern const BundledPlugin grpc_web_descriptor;
extern const BundledPlugin grpc_gateway_descriptor;
extern const BundledPlugin azure_functions_descriptor;
extern const BundledPlugin ldap_auth_descriptor;
extern const BundledPlugin loggly_descriptor;

}  // namespace kongdb::schema::entities
