"""Drives a running kongdb with a Python client generated from its own OpenAPI document by
openapi-python-client (the README's example): create, read by name, nest, refuse a duplicate,
list, enable a plugin with its typed config, delete.

Usage: client_example.py CLIENT_PARENT_DIR BASE_URL   (the generated package is `kongdb_client`)
"""
import sys

sys.path.insert(0, sys.argv[1])
base = sys.argv[2]

from kongdb_client import Client  # noqa: E402
from kongdb_client.api.default import (  # noqa: E402
    delete_services_services,
    get_services,
    get_services_services,
    post_plugins,
    post_services,
    post_services_services_routes,
)
from kongdb_client.models import (  # noqa: E402
    Error,
    PluginsCors,
    PluginsCorsConfig,
    PluginsCorsName,
    PluginsCorsServiceType0,
    Routes,
    Services,
)

client = Client(base_url=base, raise_on_unexpected_status=True)

service = post_services.sync(client=client, body=Services(name="example", host="example.com"))
assert isinstance(service, Services) and service.name == "example" and service.port == 80, service

by_name = get_services_services.sync("example", client=client)
assert isinstance(by_name, Services) and by_name.id == service.id, by_name

route = post_services_services_routes.sync("example", client=client, body=Routes(paths=["/example"]))
assert isinstance(route, Routes) and route.service.id == service.id, route

duplicate = post_services.sync(client=client, body=Services(name="example", host="example.org"))
assert isinstance(duplicate, Error) and duplicate.code == 5, duplicate

page = get_services.sync(client=client)
assert "example" in [s.name for s in page.data], page

plugin = post_plugins.sync(
    client=client,
    body=PluginsCors(name=PluginsCorsName.CORS, config=PluginsCorsConfig(max_age=600),
                     service=PluginsCorsServiceType0(id=service.id)),
)
assert isinstance(plugin, PluginsCors) and plugin.config.max_age == 600 and plugin.config.credentials is False, plugin

assert delete_services_services.sync_detailed(route.service.id, client=client).status_code == 400  # routes refer to it
print("generated client: create, read, nest, duplicate refused, list, typed plugin config: ok")
