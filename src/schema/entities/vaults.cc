// vaults: a configured secret store addressed by `{vault://<prefix>/...}` references;
// behaviour from Kong's kong/db/schema/entities/vaults.lua and the vaults OSS bundles
// (kong/vaults/env).
#include "kongdb/schema/typedefs.h"
#include "schema/entities/entities.h"

namespace kongdb::schema::entities {
namespace {

// The vault kinds OSS Kong bundles; a prefix may not shadow one of them.
std::vector<Value> bundled_vault_names() { return {Value("env")}; }

// The env vault reads `{vault://<prefix>/<name>}` from the environment variable
// <config.prefix><NAME>.
Schema env_vault() {
  Schema s;
  s.name = "env";
  s.fields = {
      {"config", Field::record({
           {"prefix", Field::string().match("^[%a_-][%a%d_-]*$").description(
                          "Prepended to the environment variable names read.")},
       })},
  };
  return s;
}

}  // namespace

Schema vaults() {
  Schema s;
  s.name = "vaults";
  s.table_name = "sm_vaults";
  s.primary_key = {"id"};
  s.cache_key = {"prefix"};
  s.endpoint_key = "prefix";
  s.workspaceable = true;
  s.admin_api_name = "vaults";
  s.subschema_key = "name";
  s.subschema_error = "vault '%s' is not installed";
  // The prefix is the host part of a reference, so it must be a valid DNS label.
  s.fields = {
      {"id", typedefs::uuid()},
      {"prefix", Field::string()
                     .required()
                     .unique()
                     .unique_across_ws()
                     .match("^[a-z][a-z%d-]-[a-z%d]+$")
                     .not_one_of(bundled_vault_names())
                     .description("The prefix that references to this vault use.")},
      {"name", Field::string().required().description("The kind of vault (its subschema).")},
      {"description", Field::string().description("A description of this vault.")},
      {"config", Field::of(FieldType::Record).abstract().description(
                     "The settings of this vault kind.")},
      {"created_at", typedefs::auto_timestamp_s()},
      {"updated_at", typedefs::auto_timestamp_s()},
      {"tags", typedefs::tags()},
  };
  auto added = s.new_subschema("env", env_vault());
  (void)added;  // a core definition: the registry's unit tests catch a bad one
  return s;
}

}  // namespace kongdb::schema::entities
