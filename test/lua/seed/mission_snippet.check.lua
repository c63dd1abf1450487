-- Appended to mission_snippet.lua (same chunk, so its locals are visible).
assert(err == nil, tostring(err))
assert(service.name == "mockbin" and service.host == "mockbin.org" and service.protocol == "http")
assert(service.port == 80 and service.path == nil)
assert(plugin.name == "key-auth" and plugin.service_id == service.id)
assert(plugin.enabled == true and plugin.config.key_names[1] == "apikey")
result = { service_id = service.id, plugin_id = plugin.id }
