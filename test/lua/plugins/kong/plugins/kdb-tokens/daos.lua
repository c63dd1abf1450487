-- Test plugin entity in Kong's array format: a cascading foreign key to consumers, ttl, a
-- unique endpoint key with a Lua validator, and a cache key.
local typedefs = require "kong.db.schema.typedefs"

return {
  {
    name = "kdb_tokens",
    primary_key = { "id" },
    ttl = true,
    workspaceable = true,
    endpoint_key = "token",
    cache_key = { "token" },
    admin_api_name = "kdb-tokens",
    fields = {
      { id = typedefs.uuid },
      { created_at = typedefs.auto_timestamp_s },
      { consumer = { type = "foreign", reference = "consumers", required = true, on_delete = "cascade" } },
      { token = { type = "string", required = true, unique = true,
                  custom_validator = function(v)
                    if #v < 4 then return nil, "token too short" end
                    return true
                  end } },
      { scopes = { type = "set", elements = { type = "string" }, default = {} } },
      { tags = typedefs.tags },
    },
  },
}
