"""Seeds a running kongdb with one entity of each kind and writes a schemathesis.toml that binds
the Admin API's path parameters to them half of the time, so the fuzz reaches real entities
instead of 404s. The other half stays generated.

Usage: seed_entities.py BASE_URL CERT_PEM KEY_PEM OUT_TOML  (KONG_ADMIN_TOKEN is sent when set)
"""
import json
import os
import sys
import urllib.request

base, cert_file, key_file, out = sys.argv[1:5]
cert, key = open(cert_file).read(), open(key_file).read()
headers = {"Content-Type": "application/json"}
if os.environ.get("KONG_ADMIN_TOKEN"):
    headers["Kong-Admin-Token"] = os.environ["KONG_ADMIN_TOKEN"]


def create(path, body):
    request = urllib.request.Request(base + path, json.dumps(body).encode(), headers, method="POST")
    with urllib.request.urlopen(request) as response:
        assert response.status == 201, (path, response.status)
        return json.load(response)


tags = ["fuzz"]
certificate = create("/certificates", {"cert": cert, "key": key, "tags": tags})
ca_certificate = create("/ca_certificates", {"cert": cert, "tags": tags})
service = create("/services", {"name": "fuzz-service", "host": "example.com", "tags": tags})
route = create("/routes", {"name": "fuzz-route", "paths": ["/fuzz"], "service": {"id": service["id"]}, "tags": tags})
consumer = create("/consumers", {"username": "fuzz-consumer", "tags": tags})
upstream = create("/upstreams", {"name": "fuzz-upstream", "tags": tags})
target = create(f"/upstreams/{upstream['id']}/targets", {"target": "127.0.0.1:8000", "tags": tags})
sni = create("/snis", {"name": "fuzz.example.com", "certificate": {"id": certificate["id"]}, "tags": tags})
plugin = create("/plugins", {"name": "cors", "service": {"id": service["id"]}, "tags": tags})
credential = create(f"/consumers/{consumer['id']}/key-auth", {"key": "fuzz-key", "tags": tags})

entity_names = ["services", "routes", "consumers", "plugins", "upstreams", "targets", "certificates",
                "snis", "ca_certificates", "keyauth_credentials"]
bindings = {
    "services": [service["id"], "fuzz-service"],
    "routes": [route["id"], "fuzz-route"],
    "consumers": [consumer["id"], "fuzz-consumer"],
    "upstreams": [upstream["id"], "fuzz-upstream"],
    "targets": [target["id"], "127.0.0.1:8000"],
    "certificates": [certificate["id"]],
    "ca_certificates": [ca_certificate["id"]],
    "snis": [sni["id"], "fuzz.example.com"],
    "plugins": [plugin["id"]],
    "keyauth_credentials": [credential["id"], "fuzz-key"],
    "tags": ["fuzz"],
    "name": entity_names + ["cors", "key-auth", "rate-limiting"],
    "db_entity_name": entity_names,
}
with open(out, "w") as f:
    for name, values in bindings.items():
        f.write(f"[dictionaries.{name}]\nvalues = {json.dumps(values)}\n\n")
    f.write("[parameters]\n")
    for name in bindings:
        f.write(f'"path.{name}" = {{ dictionary = "{name}", probability = 0.5 }}\n')
