// acl plugin; behaviour from Kong's kong/plugins/acl/{schema,daos,api}.lua.
#include "schema/entities/entities.h"

#include "kongdb/schema/typedefs.h"

namespace kongdb::schema::entities {

Schema acl_plugin() {
  Schema s;
  s.name = "acl";
  s.fields = {
      {"consumer", typedefs::no_consumer()},
      {"protocols", typedefs::protocols_http()},
      {"config", Field::record({
           {"allow", Field::array(Field::string()).description(
                         "Arbitrary group names that are allowed to consume the service or route. "
                         "One of `config.allow` or `config.deny` must be specified.")},
           {"deny", Field::array(Field::string()).description(
                        "Arbitrary group names that are not allowed to consume the service or "
                        "route. One of `config.allow` or `config.deny` must be specified.")},
           {"hide_groups_header", Field::boolean().required().def(false).description(
                                      "If enabled (`true`), prevents the `X-Consumer-Groups` "
                                      "header from being sent in the request to the upstream "
                                      "service.")},
           {"always_use_authenticated_groups",
            Field::boolean().required().def(false).description(
                "If enabled (`true`), the authenticated groups will always be used even when an "
                "authenticated consumer already exists. If the authenticated groups don't exist, "
                "it will fallback to use the groups associated with the consumer. By default the "
                "authenticated groups will only be used when there is no consumer or the "
                "consumer is anonymous.")},
       })},
  };
  // Exactly one of the two lists: an allow-list or a deny-list.
  s.entity_checks = {
      EntityCheck::only_one_of({"config.allow", "config.deny"}),
      EntityCheck::at_least_one_of({"config.allow", "config.deny"}),
  };
  return s;
}

// A consumer's group memberships. A consumer is in a group once: the composite cache key
// (consumer, group) is unique, and the Admin API addresses an ACL by its group through it.
Schema acls() {
  Schema s;
  s.name = "acls";
  s.primary_key = {"id"};
  s.cache_key = {"consumer", "group"};
  s.workspaceable = true;
  s.fields = {
      {"id", typedefs::uuid()},
      {"created_at", typedefs::auto_timestamp_s()},
      {"consumer", Field::foreign("consumers").required().on_delete("cascade")},
      {"group", Field::string().required()},
      {"tags", typedefs::tags()},
  };
  return s;
}

namespace {
constexpr BundledPluginEntity kAclEntities[] = {
    {"acls", &acls, "000_base_acl"},
};
}  // namespace

// Priority: Kong's handler.lua PRIORITY.
const BundledPlugin acl_descriptor = {"acl", 950, &acl_plugin, kAclEntities};

}  // namespace kongdb::schema::entities
