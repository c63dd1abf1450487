return { name = "bad-daos-string", fields = { { config = { type = "record", fields = {} } } } }
