return {
  name = "kdb-legacy",
  fields = {
    { config = {
        type = "record",
        fields = {
          { key_names = { type = "array", elements = { type = "string" }, default = { "apikey" } } },
        },
    } },
  },
}
