-- Appended to services_routes_consumers_plugins.lua (same chunk, so its locals are visible).
assert(err == nil, tostring(err))
assert(route.service.id == service.id and route.paths[1] == "/example")
assert(consumer.username == "alice" and consumer.id)
assert(plugin.route_id == route.id and plugin.service_id == nil)
local found = dao.plugins:find_all({ route_id = route.id })
assert(#found == 1 and found[1].id == plugin.id)
assert(dao.consumers:count() == 1)
result = { route_id = route.id, plugin_id = plugin.id, consumer_id = consumer.id }
