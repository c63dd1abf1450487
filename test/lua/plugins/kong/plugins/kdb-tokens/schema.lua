-- Test plugin in Kong's format: a config schema using typedefs (plain and called with
-- overrides), Lua validators and an entity check.
local typedefs = require "kong.db.schema.typedefs"

local function no_spaces(value)
  if value:find(" ", 1, true) then
    return nil, "must not contain spaces"
  end
  return true
end

return {
  name = "kdb-tokens",
  fields = {
    { consumer = typedefs.no_consumer },
    { protocols = typedefs.protocols_http },
    { config = {
        type = "record",
        fields = {
          { header_names = { type = "array", elements = typedefs.header_name, default = { "x-token" }, required = true } },
          { upstream_port = typedefs.port { default = 8080 } },
          { lifetime = { type = "integer", default = 60, between = { 1, 3600 } } },
          { prefix = { type = "string", custom_validator = no_spaces } },
          { mode = { type = "string", one_of = { "strict", "lenient" }, default = "strict", required = true } },
        },
        entity_checks = {
          { custom_entity_check = {
              field_sources = { "mode", "prefix" },
              fn = function(entity)
                if entity.mode == "strict" and entity.prefix == "any" then
                  return nil, "prefix 'any' is not allowed in strict mode"
                end
                return true
              end,
          } },
        },
    } },
  },
}
