return { name = "bad-daos-types", fields = { { config = { type = "record", fields = {} } } } }
