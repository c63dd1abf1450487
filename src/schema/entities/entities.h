// Kong's core entity definitions and bundled plugins, declared as data (one file each).
#pragma once

#include "kongdb/schema/bundled_plugins.h"
#include "kongdb/schema/schema.h"

#include <optional>
#include <string>
#include <string_view>

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
Schema hmac_auth_plugin();
Schema jwt_plugin();
Schema oauth2_plugin();
Schema session_plugin();
Schema acme_plugin();

// Plugin-provided entities (the plugins' daos.lua).
Schema keyauth_credentials();
Schema acls();
Schema basicauth_credentials();
Schema hmacauth_credentials();
Schema jwt_secrets();
Schema oauth2_credentials();
Schema oauth2_authorization_codes();
Schema oauth2_tokens();
Schema sessions();
Schema acme_storage();

// Credential hashing as the plugins store it, so kongdb and Kong verify each other's rows.
/// basic-auth: lower-case hex SHA-1 of password .. consumer_id.
std::string basic_auth_password_hash(std::string_view password, std::string_view consumer_id);
/// oauth2 hash_secret: PBKDF2-HMAC-SHA512 in PHC form with a random 16-byte salt (nullopt when
/// OpenSSL fails); the second form takes the salt, for checking a stored hash.
std::optional<std::string> oauth2_hash_secret(std::string_view secret);
std::optional<std::string> oauth2_hash_secret(std::string_view secret, std::string_view salt);

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
extern const BundledPlugin hmac_auth_descriptor;
extern const BundledPlugin jwt_descriptor;
extern const BundledPlugin oauth2_descriptor;
extern const BundledPlugin session_descriptor;
extern const BundledPlugin acme_descriptor;

}  // namespace kongdb::schema::entities
