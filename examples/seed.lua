-- A tour of the Lua plugin API over kongdb: kong.db (Kong's DAO API), the legacy 0.14
-- singletons.dao and cjson. Run it with:  kongdb lua examples/seed.lua
local singletons = require "kong.singletons"
local cjson = require "cjson"
local db, dao = singletons.db, singletons.dao
cjson.encode_escape_forward_slash(false)  -- OpenResty escapes "/" by default

-- the seed snippet, verbatim
local service, err = singletons.db.services:insert({ name = "mockbin", url = "http://mockbin.org" })
local plugin, err  = singletons.dao.plugins:insert({ name = "key-auth", service_id = service.id })

print("service:", service.name, service.protocol, service.host, service.port)
print("plugin: ", plugin.name, plugin.service_id == service.id, cjson.encode(plugin.config.key_names))

-- kong.db: entities back, or nil + "[strategy] message" + err_t
local route = assert(db.routes:insert({ service = { name = "mockbin" }, paths = { "/mock" } }))
print("route:  ", cjson.encode(route.paths), cjson.encode(route.protocols), route.service.id == service.id)

local dup, dup_err, dup_t = db.services:insert({ name = "mockbin", host = "example.org" })
print("dup:    ", dup, dup_err)
print("err_t:  ", dup_t.code, dup_t.name, cjson.encode(dup_t.fields))

local bad, bad_err = db.services:insert({ name = "bad", port = 99999 })
print("bad:    ", bad, bad_err)

-- argument mistakes are Lua errors, as in Kong
print("pcall:  ", pcall(db.services.select, db.services, 42))

-- the legacy DAO: flat foreign keys, find_all / count, that era's error objects
local consumer = assert(dao.consumers:insert({ username = "alice" }))
assert(db.keyauth_credentials:insert({ consumer = { id = consumer.id }, key = "secret" }))
print("legacy: ", dao.plugins:count({ service_id = service.id }), #dao.consumers:find_all({ username = "alice" }))
local _, legacy_err = dao.consumers:insert({ username = "alice" })
print("legacy error:", tostring(legacy_err), legacy_err.unique)

-- paging and iteration
for i = 1, 3 do assert(db.services:insert({ name = "svc" .. i, host = "svc" .. i .. ".org" })) end
local rows, _, _, offset = db.services:page(2)
print("page:   ", #rows, offset ~= nil)
local names = {}
for row in db.services:each() do names[#names + 1] = row.name end
table.sort(names)
print("each:   ", table.concat(names, ","))

-- explicit nulls: ngx.null clears a field; `nulls = true` shows it
local updated = assert(db.services:update({ id = service.id }, { path = "/v1" }))
local cleared = assert(db.services:update({ id = service.id }, { path = ngx.null }, { nulls = true }))
print("nulls:  ", updated.path, cleared.path == ngx.null)
