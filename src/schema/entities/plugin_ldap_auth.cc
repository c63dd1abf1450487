// ldap-auth plugin; behaviour from Kong's kong/plugins/ldap-auth/schema.lua.
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {

Schema ldap_auth_plugin() {
  Schema config;
  config.fields = {
      {"ldap_host", typedefs::host().required()},
      {"ldap_port", typedefs::port().required().def(389)},
      {"ldaps", Field::boolean().required().def(false)},
      {"start_tls", Field::boolean().required().def(false)},
      {"verify_ldap_host", Field::boolean().required().def(false)},
      {"base_dn", Field::string().required()},
      {"attribute", Field::string().required()},
      {"cache_ttl", Field::number().required().def(60)},
      {"hide_credentials", Field::boolean().required().def(false)},
      {"timeout", Field::number().def(10000)},
      {"keepalive", Field::number().def(60000)},
      {"anonymous", Field::string()},
      {"header_type", Field::string().def("ldap")},
      {"realm", Field::string().required(false)},
  };
  // LDAPS and STARTTLS are two ways to the same TLS connection.
  config.entity_checks = {EntityCheck::conditional("ldaps", Field::partial().eq(true), "start_tls",
                                                   Field::partial().eq(false),
                                                   "'ldaps' and 'start_tls' cannot be enabled simultaneously")};
  Schema s;
  s.name = "ldap-auth";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record(std::move(config))},
  };
  return s;
}

const BundledPlugin ldap_auth_descriptor = {"ldap-auth", 1200, &ldap_auth_plugin, {}};

}  // namespace kongdb::schema::entities
