local singletons = require "kong.singletons"
local service, err = singletons.db.services:insert({ name = "mockbin", url = "http://mockbin.org" })
local plugin, err  = singletons.dao.plugins:insert({ name = "key-auth", service_id = service.id })
