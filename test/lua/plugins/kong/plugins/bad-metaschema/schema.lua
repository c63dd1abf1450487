return {
  name = "bad-metaschema",
  fields = {
    { config = { type = "record", fields = { { port = { type = "integer", match = "^%d+$" } } } } },
  },
}
