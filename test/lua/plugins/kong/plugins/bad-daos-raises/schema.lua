return { name = "bad-daos-raises", fields = { { config = { type = "record", fields = {} } } } }
