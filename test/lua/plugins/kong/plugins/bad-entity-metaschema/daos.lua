local typedefs = require "kong.db.schema.typedefs"
return {
  {
    name = "bad_cache_keys",
    primary_key = { "id" },
    cache_key = { "label" },
    fields = {
      { id = typedefs.uuid },
      { label = { type = "string" } },
    },
  },
}
