local typedefs = require "kong.db.schema.typedefs"
return {
  {
    name = "bad_types",
    primary_key = { "id" },
    fields = {
      { id = typedefs.uuid },
      { amount = { type = "integer", required = "yes" } },
    },
  },
}
