"""What the OpenAPI document of a running `kongdb start` must say, checked against the server.

Usage: document_checks.py OPENAPI_JSON BASE_URL. Prints a FAIL line per broken promise; exit 1 if any.
"""
import json
import sys
import urllib.error
import urllib.request

from openapi_schema_validator import OAS30Validator

doc = json.load(open(sys.argv[1]))
base = sys.argv[2]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL " + what)


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        return e.code, json.loads(raw) if raw else None


check(doc.get("openapi") == "3.0.3", "the document is OpenAPI 3.0.3")
paths = doc["paths"]
schemas = doc["components"]["schemas"]

# The tags index is read-only: only its reads are documented; writes keep Kong's refusals.
check(set(paths["/tags"]) == {"get"}, "/tags documents GET only, got %s" % sorted(paths["/tags"]))
check(set(paths["/tags/{tags}"]) == {"get"}, "/tags/{tags} documents GET only, got %s" % sorted(paths["/tags/{tags}"]))
for method, path, refusal in [("POST", "/tags", 400), ("PUT", "/tags/t", 405), ("PATCH", "/tags/t", 405),
                              ("DELETE", "/tags/t", 405)]:
    status, _ = call(method, path, {} if method != "DELETE" else None)
    check(status == refusal, "%s %s is refused with %s, got %s" % (method, path, refusal, status))

# GET /tags/{tags} answers a page, and the document says so.
page = paths["/tags/{tags}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
check(page.get("properties", {}).get("data", {}).get("type") == "array", "GET /tags/{tags} is documented as a page")

# Every operation documents the error statuses, with Kong's error object.
for path, item in paths.items():
    for method, op in item.items():
        for status in ("400", "401", "404", "500"):
            r = op["responses"].get(status)
            ok = r is not None and r["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/error"}
            check(ok, "%s %s documents %s with the error object" % (method.upper(), path, status))

# Entities answered with null optional fields conform to their component schema.
validator = lambda name: OAS30Validator({**schemas[name], "components": doc["components"]})
created = [
    ("services", "/services", {"host": "example.test"}),
    ("consumers", "/consumers", {"username": "alice"}),
    ("upstreams", "/upstreams", {"name": "up.test"}),
]
for name, path, body in created:
    status, entity = call("POST", path, body)
    check(status == 201, "POST %s creates (got %s %s)" % (path, status, entity))
    if status != 201:
        continue
    errors = [e.message for e in validator(name).iter_errors(entity)]
    check(not errors, "a created %s conforms to its schema: %s" % (name, errors[:3]))
    status, entity = call("GET", "%s/%s" % (path, entity["id"]))
    errors = [e.message for e in validator(name).iter_errors(entity)]
    check(status == 200 and not errors, "GET of a %s conforms to its schema: %s" % (name, errors[:3]))

# Plugins are a union discriminated on `name`: one variant per plugin the server knows, each with
# its own config schema, so a plugin's config is checked against that plugin's schema.
status, enabled = call("GET", "/plugins/enabled")
plugin_union = schemas["plugins"]
mapping = plugin_union.get("discriminator", {}).get("mapping", {})
check(plugin_union.get("discriminator", {}).get("propertyName") == "name", "plugins are discriminated on name")
check(status == 200 and sorted(mapping) == sorted(enabled["enabled_plugins"]),
      "the plugins union has one variant per plugin (%s vs %s)" % (sorted(mapping), enabled))
cors = schemas.get("plugins.cors", {}).get("properties", {})
check(cors.get("name") == {"type": "string", "enum": ["cors"]}, "the cors variant fixes its name")
check("max_age" in cors.get("config", {}).get("properties", {}), "the cors variant carries the cors config schema")
status, plugin = call("POST", "/plugins", {"name": "cors", "config": {"max_age": 60}})
errors = [e.message for e in validator("plugins").iter_errors(plugin)] if status == 201 else ["not created"]
check(not errors, "a created cors plugin conforms to the union: %s" % errors[:3])

# Bodies in every media type the server reads; records spelled with dotted names in forms.
post = paths["/services"]["post"]
check(sorted(post["requestBody"]["content"]) == ["application/json", "application/x-www-form-urlencoded",
                                                 "multipart/form-data"], "POST /services documents JSON, form and multipart bodies")
check("config.max_age" in schemas["plugins.form"]["properties"] or "service.id" in schemas["plugins.form"]["properties"],
      "form bodies spell nested fields with dots")

# A created entity links to the operations its id opens, for stateful clients.
links = post["responses"]["201"].get("links", {})
check({"get_services_services", "delete_services_services", "post_services_services_routes"} <= set(links),
      "POST /services links to GET/DELETE /services/{services} and POST /services/{services}/routes: %s" % sorted(links))
ids = [op["operationId"] for item in paths.values() for op in item.values()]
check(len(ids) == len(set(ids)), "operationIds are unique")

sys.exit(1 if failures else 0)
