// Kong's typedefs (kong/db/schema/typedefs.lua): reusable field definitions with Kong's
// validators and messages. Each returns a fresh Field that can be refined by chaining:
//
//   {"port", typedefs::port().required().def(80)}
#pragma once

#include "kongdb/schema/schema.h"

namespace kongdb::schema::typedefs {

Field uuid();                // string, uuid, auto
Field auto_timestamp_s();    // integer, timestamp, auto
Field auto_timestamp_ms();   // number, timestamp, auto
Field name();                // unique; alphanumerics and . - _ ~
Field utf8_name();           // unique; valid UTF-8, ASCII limited to alphanumerics and . - _ ~
Field host();                // hostname or IP, no port
Field host_with_optional_port();
Field wildcard_host();
Field sni();
Field ip();
Field ip_or_cidr();
Field cidr_v4();
Field port();                // integer 0..65535
Field timeout();             // integer 0..2^31-2
Field path();                // typedefs.path
Field router_path();         // "/" plain path (normalised) or "~/" regex path
Field url();
Field protocol();            // one_of the protocols Kong knows
Field protocols();           // required set, default {grpc,grpcs,http,https}
Field protocols_http();      // http-family only
Field http_method();
Field tag();
Field tags();
Field ttl();                 // number 0..100000000
Field certificate();         // PEM certificate
Field key();                 // PEM private key
Field no_route();            // foreign routes that must be null
Field no_service();
Field no_consumer();
Field semantic_version();
Field lua_code();
Field header_name();
Field regex_or_plain_pattern();
Field jwk();
Field key_set();
Field no_key_set();

// Further Kong typedefs (same names as in typedefs.lua).
Field redis_host();
Field redis_server_name();
Field cookie_name();
Field capability();
Field sources();             // set of {ip, port} records, at least one of the two
Field no_sources();
Field destinations();
Field no_destinations();
Field methods();             // set of http_method
Field no_methods();
Field hosts();               // routes' hosts: array of (wildcard) hosts
Field no_hosts();
Field router_paths();
Field no_paths();
Field headers();             // map header_name -> array of strings
Field no_headers();
Field pem();                 // record {private_key, public_key}
Field queue();               // the log plugins' batching queue settings

/// Looks a typedef up by name, as plugin schemas written in Lua do; nullopt when unknown
/// (Kong: "schema typedef error: definition X does not exist").
std::optional<Field> by_name(std::string_view name);

/// Kong's sorted protocol list.
const std::vector<std::string>& all_protocols();

}  // namespace kongdb::schema::typedefs
