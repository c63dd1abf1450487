return { name = "bad-entity-metaschema", fields = { { config = { type = "record", fields = {} } } } }
