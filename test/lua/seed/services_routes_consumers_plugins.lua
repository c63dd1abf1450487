local singletons = require "kong.singletons"
local db, dao = singletons.db, singletons.dao

local service, err = db.services:insert({ name = "example", host = "example.com" })
local route, err = db.routes:insert({ service = { id = service.id }, paths = { "/example" } })
local consumer, err = dao.consumers:insert({ username = "alice" })
local plugin, err = dao.plugins:insert({ name = "key-auth", route_id = route.id })
