local typedefs = require "kong.db.schema.typedefs"
return {
  name = "bad-typedef",
  fields = {
    { config = { type = "record", fields = { { where = typedefs.no_such_typedef } } } },
  },
}
