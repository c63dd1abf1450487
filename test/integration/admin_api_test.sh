#!/usr/bin/env bash
# Starts a real `kongdb start` and drives its Admin API over sockets with curl: status codes and
# bodies for every endpoint family, on SQLite, on memory (the workers share one in-process store)
# and (when KONG_PG_HOST is set, e.g. under scripts/with_postgres.sh) on PostgreSQL after
# `kongdb migrations bootstrap`.
set -uo pipefail
KONGDB=${KONGDB:?path to kongdb}
command -v curl >/dev/null || { echo "curl is required"; exit 1; }
failures=0
passes=0
tmp=$(mktemp -d)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server LABEL: runs `kongdb start` on a fresh port with the current KONG_* environment.
start_server() {
  port=$(free_port)
  base="http://127.0.0.1:$port"
  KONG_ADMIN_LISTEN="127.0.0.1:$port" "$KONGDB" start >"$tmp/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do
    if curl -s -o /dev/null "$base/status"; then return 0; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "FAIL $1: kongdb start did not come up"; cat "$tmp/server-$1.log"
  failures=$((failures + 1))
  return 1
}

# req METHOD PATH [BODY [CONTENT_TYPE]]: sets $status, $body (and headers in $tmp/headers).
req() {
  local method=$1 path=$2 data=${3-} ctype=${4-application/json}
  local args=(-s -X "$method" -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}')
  if [ "$method" = HEAD ]; then args=(-s -I -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}'); fi
  if [ $# -ge 3 ]; then args+=(-H "Content-Type: $ctype" --data-binary "$data"); fi
  status=$(curl "${args[@]}" "$base$path")
  body=$(cat "$tmp/body")
}

# expect NAME STATUS [PYTHON_ASSERTION over d = the JSON body]
expect() {
  local name=$1 want=$2 assertion=${3-}
  if [ "$status" != "$want" ]; then
    echo "FAIL [$label] $name: status $status, wanted $want"; echo "$body"
    failures=$((failures + 1)); return
  fi
  if [ -n "$assertion" ] &&
     ! printf '%s' "$body" | python3 -c "import json,sys; d=json.load(sys.stdin); assert $assertion, d" 2>"$tmp/err"; then
    echo "FAIL [$label] $name"; echo "$body"; cat "$tmp/err"; failures=$((failures + 1)); return
  fi
  passes=$((passes + 1))
}

json_field() { printf '%s' "$body" | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

run_suite() {
  label=$1

  # --- root, status, headers, routing ---
  req GET /
  expect "GET / version and configuration" 200 \
    'd["version"].startswith("3.") and d["configuration"]["database"]=="'"$2"'" and d["configuration"]["router_flavor"]=="traditional_compatible" and any(l["ssl"] is False for l in d["configuration"]["proxy_listeners"]) and "key-auth" in d["plugins"]["available_on_server"] and d["plugins"]["enabled_in_cluster"]==[] and len(d["node_id"])==36'
  if grep -qi '^server: kong/3\.' "$tmp/headers"; then passes=$((passes + 1)); else
    echo "FAIL [$label] Server header"; cat "$tmp/headers"; failures=$((failures + 1)); fi
  req POST / '{}'
  expect "POST / is 405" 405 'd=={"message":"Method not allowed"}'
  req GET /nope
  expect "unknown path is 404" 404 'd=={"message":"Not found"}'
  req GET /status
  expect "status" 200 'd["database"]["reachable"] is True and "total_requests" in d["server"] and "memory" in d'
  req OPTIONS /services
  expect "OPTIONS lists methods" 204
  if grep -qi '^allow: GET, HEAD, OPTIONS, POST' "$tmp/headers"; then passes=$((passes + 1)); else
    echo "FAIL [$label] Allow header"; cat "$tmp/headers"; failures=$((failures + 1)); fi
  req GET /endpoints
  expect "endpoints" 200 '"/services/{services}/routes/{routes}" in d["data"] and "/consumers/{consumers}/key-auth" in d["data"]'
  req GET /openapi.json
  expect "openapi document" 200 'd["openapi"].startswith("3.") and "/routes/{routes}/service" in d["paths"]'

  # --- services: CRUD, PUT upsert by name, PATCH, DELETE idempotent ---
  req POST /services '{"name":"s1","url":"http://example.com:8080/p","tags":["blue"]}'
  expect "POST service 201 with defaults" 201 'd["host"]=="example.com" and d["port"]==8080 and d["retries"]==5 and d["client_certificate"] is None and isinstance(d["created_at"], int)'
  sid=$(json_field '["id"]')
  req GET "/services/$sid"
  expect "GET service by id" 200 'd["name"]=="s1"'
  req GET /services/s1
  expect "GET service by name" 200 'd["id"]=="'"$sid"'"'
  req POST /services '{"name":"s1","host":"example.com"}'
  expect "duplicate name is 409" 409 'd["code"]==5 and d["name"]=="unique constraint violation"'
  req POST /services '{"name":"bad"}'
  expect "missing host is Kong's schema violation" 400 'd=={"code":2,"name":"schema violation","message":"schema violation (host: required field missing)","fields":{"host":"required field missing"}}'
  # A NUL character cannot be stored by PostgreSQL: every backend refuses it alike, naming the field.
  req POST /consumers '{"username":"nul\u0000name"}'
  expect "NUL in a string is a schema violation naming the field" 400 'd["code"]==2 and d["fields"]=={"username":"must not contain the NUL character (\\u0000)"}'
  req POST /routes '{"paths":["/nul"],"headers":{"x-h":["v\u0000"]}}'
  expect "NUL in a nested string is a schema violation" 400 'd["code"]==2 and "headers" in d["fields"]'
  req POST /services '{"name":'
  expect "malformed JSON" 400 'd=={"message":"Cannot parse JSON body"}'
  req POST /services 'name=x' text/plain
  expect "unsupported media type" 415
  req PUT /services/s2 '{"host":"b.example","path":"/x"}'
  expect "PUT by name creates" 200 'd["name"]=="s2" and d["path"]=="/x"'
  req PUT /services/s2 '{"host":"c.example"}'
  expect "PUT replaces the whole entity" 200 'd["host"]=="c.example" and d["path"] is None'
  req PATCH /services/s2 '{"port":9000}'
  expect "PATCH partial" 200 'd["port"]==9000 and d["host"]=="c.example"'
  req PATCH /services/00000000-0000-4000-8000-000000000099 '{"port":1}'
  expect "PATCH missing is 404" 404
  req POST /services 'name=s3&host=f.example&port=81&enabled=false' application/x-www-form-urlencoded
  expect "form body coerced by schema" 201 'd["port"]==81 and d["enabled"] is False'
  req DELETE /services/s3
  expect "DELETE 204" 204
  req DELETE /services/s3
  expect "DELETE of missing is 204" 204
  req GET /services/s3
  expect "deleted service is gone" 404 'd=={"message":"Not found"}'

  # --- routes: nested collection, nested entity, parent accessor ---
  req POST /services/s1/routes '{"name":"r1","paths":["/a"]}'
  expect "nested POST sets the parent" 201 'd["service"]=={"id":"'"$sid"'"} and d["protocols"]==["http","https"]'
  req POST /routes "paths[]=/b&paths[]=/c&service.id=$sid" application/x-www-form-urlencoded
  expect "form arrays and service.id" 201 'd["paths"]==["/b","/c"] and d["service"]["id"]=="'"$sid"'"'
  req POST /routes '{"paths":["/d"],"service":{"id":"'"$sid"'","name":"s1"}}'
  expect "foreign reference ignores non-PK keys" 201 'd["service"]=={"id":"'"$sid"'"}'
  req POST /routes '{"paths":["/ok","bad"]}'
  expect "1-based array paths in errors" 400 'd["code"]==2 and "paths.2" in d["message"]'
  req GET /services/s1/routes
  expect "nested list" 200 'len(d["data"])==3 and d["next"] is None'
  req GET /services/s2/routes/r1
  expect "nested entity of another parent is 404" 404
  req GET /routes/r1/service
  expect "parent accessor GET" 200 'd["name"]=="s1"'
  req PATCH /routes/r1/service '{"retries":2}'
  expect "parent accessor PATCH" 200 'd["retries"]==2'
  req DELETE /routes/r1/service
  expect "parent accessor DELETE is 405" 405 'd=={"message":"Method not allowed"}'
  req DELETE /services/s1
  expect "deleting a referenced service is refused" 400 'd["code"]==4'

  # --- pagination and tags ---
  for i in 1 2 3 4 5; do req POST /consumers "{\"username\":\"u$i\",\"custom_id\":\"c$i\",\"tags\":[\"t$((i % 2))\",\"all\"]}"; done
  req GET '/consumers?size=2'
  expect "first page" 200 'len(d["data"])==2 and d["next"].startswith("/consumers?offset=") and "&size=2" in d["next"] and d["offset"]'
  next=$(json_field '["next"]')
  req GET "$next"
  expect "second page" 200 'len(d["data"])==2'
  next=$(json_field '["next"]')
  req GET "$next"
  expect "last page has next null and no offset" 200 'len(d["data"])==1 and d["next"] is None and "offset" not in d'
  req GET '/consumers?size=0'
  expect "size 0 is error 9" 400 'd["code"]==9 and d["message"]=="size must be an integer between 1 and 1000"'
  req GET '/consumers?size=1001'
  expect "size 1001 is error 9" 400 'd["code"]==9'
  req GET '/consumers?offset=%25%25'
  expect "forged offset" 400 'd["code"]==7'
  req GET '/consumers?tags=t1,all'
  expect "tags AND" 200 'len(d["data"])==3'
  req GET '/consumers?tags=t0/t1'
  expect "tags OR" 200 'len(d["data"])==5'
  req GET '/consumers?custom_id=c3'
  expect "custom_id search" 200 'len(d["data"])==1 and d["data"][0]["username"]=="u3" and d["next"] is None'
  req GET '/consumers?custom_id='
  expect "empty custom_id" 400 'd=={"message":"custom_id must be an unempty string"}'
  req GET /tags/all
  expect "tags by tag" 200 'len(d["data"])==5 and all(r["tag"]=="all" and r["entity_name"]=="consumers" for r in d["data"])'
  req GET /tags
  expect "tags list" 200 'len(d["data"])>=11'

  # --- plugins, key-auth, schemas ---
  req POST /plugins '{"name":"key-auth","service":{"id":"'"$sid"'"}}'
  expect "plugin defaults" 201 'd["config"]["key_names"]==["apikey"] and d["enabled"] is True'
  pid=$(json_field '["id"]')
  req PATCH "/plugins/$pid" '{"config":{"hide_credentials":true}}'
  expect "plugin config deep merge" 200 'd["config"]["hide_credentials"] is True and d["config"]["key_names"]==["apikey"]'
  req PATCH "/plugins/$pid" 'config.key_names=k1&config.key_names=k2' application/x-www-form-urlencoded
  expect "form PATCH of plugin config" 200 'd["config"]["key_names"]==["k1","k2"]'
  req POST /plugins '{"name":"key-auth","config":{"garbage":1}}'
  expect "unknown config field" 400 'd["message"]=="schema violation (config.garbage: unknown field)"'
  req GET /
  expect "enabled_in_cluster follows writes" 200 'd["plugins"]["enabled_in_cluster"]==["key-auth"]'
  req GET /plugins/enabled
  expect "plugins/enabled" 200 '"key-auth" in d["enabled_plugins"]'
  req POST /consumers/u1/key-auth '{"key":"secret-1","ttl":100}'
  expect "key-auth with ttl" 201 'd["key"]=="secret-1" and d["consumer"]["id"]'
  req POST /consumers/u1/key-auth
  expect "key-auth generates a key" 201 'len(d["key"])>0'
  req GET /consumers/u1/key-auth/secret-1
  expect "nested key-auth by key" 200
  req GET /key-auths
  expect "top-level key-auths" 200 'len(d["data"])==2'
  req DELETE /consumers/u2/key-auth/secret-1
  expect "key-auth of another consumer is 404" 404

  # --- credential plugins: basic-auth (hashed as Kong hashes), acl by group, jwt, oauth2 ---
  uid=$(curl -s "$base/consumers/u1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  req POST /consumers/u1/basic-auth '{"username":"ba1","password":"pw"}'
  expect "basic-auth password hashed" 201 'd["password"]=="'"$(printf '%s' "pw$uid" | sha1sum | cut -d' ' -f1)"'"'
  req GET /basic-auths/ba1/consumer
  expect "basic-auth consumer" 200 'd["username"]=="u1"'
  req POST /consumers/nobody/basic-auth '{"username":"ba2","password":"pw"}'
  expect "basic-auth for a missing consumer" 404
  req PUT /consumers/u1/acls/admins '{}'
  expect "acl created by group" 200 'd["group"]=="admins"'
  req GET /consumers/u1/acls/admins
  expect "acl by group" 200 'd["group"]=="admins"'
  req POST /consumers/u1/acls '{"group":"admins"}'
  expect "acl group twice" 409
  req POST /consumers/u1/jwt '{"algorithm":"RS256","rsa_public_key":"nope"}'
  expect "jwt with a malformed key" 400 'd["fields"]["rsa_public_key"]=="invalid key"'
  req POST /consumers/u1/oauth2 '{"name":"app","redirect_uris":["https://app.test/cb"]}'
  expect "oauth2 credential" 201 'len(d["client_id"])==32 and len(d["client_secret"])==32'
  req GET /hmac-auths
  expect "hmac-auths list" 200 'd["data"]==[]'
  req GET /schemas/services
  expect "entity schema" 200 'any("retries" in f and f["retries"]["default"]==5 for f in d["fields"])'
  req GET /schemas/nope
  expect "unknown entity schema" 404 'd=={"message":"No entity named '"'"'nope'"'"'"}'
  req GET /schemas/plugins/key-auth
  expect "plugin schema" 200 'any("config" in f for f in d["fields"])'
  req GET /plugins/schema/key-auth
  expect "legacy plugin schema" 200 'd["type"]=="record"'
  req POST /schemas/services/validate '{"host":"example.com","protocol":"nope"}'
  expect "validate failure" 400 'd["code"]==2'
  req POST /schemas/plugins/validate '{"name":"key-auth"}'
  expect "validate success" 200 'd=={"message":"schema validation successful"}'

  # --- upstreams and targets ---
  req POST /upstreams '{"name":"up1"}'
  expect "upstream with healthcheck defaults" 201 'd["healthchecks"]["active"]["concurrency"]==10'
  req PATCH /upstreams/up1 '{"healthchecks":{"active":{"timeout":5}}}'
  expect "healthchecks deep merge" 200 'd["healthchecks"]["active"]["timeout"]==5 and d["healthchecks"]["active"]["concurrency"]==10'
  req POST /upstreams/up1/targets '{"target":"10.0.0.1"}'
  expect "target normalized" 201 'd["target"]=="10.0.0.1:8000" and d["weight"]==100'
  req GET /upstreams/up1/targets/10.0.0.1:8000
  expect "target by address" 200
  req GET /upstreams/up1/targets
  expect "targets list" 200 'len(d["data"])==1'
  req GET /targets
  expect "/targets is deactivated" 404

  # --- concurrent upserts by id, as decK sends them (--parallelism 10) ---
  codes=$(for i in $(seq 1 50); do printf '00000000-0000-4000-8000-%012d\n' "$i"; done |
    xargs -P10 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X PUT \
      -H 'Content-Type: application/json' -d '{"host":"p-{}.example","tags":["parallel"]}' \
      "$base/services/{}" | sort | uniq -c | tr -s ' ')
  req GET '/services?tags=parallel&size=1000'
  if [ "$codes" = " 50 200" ]; then passes=$((passes + 1)); else
    echo "FAIL [$label] parallel PUTs: $codes"; failures=$((failures + 1)); fi
  expect "parallel PUTs all stored" 200 'len(d["data"])==50'

  # --- certificates addressed by SNI ---
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=example.com -days 2 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
  cert_body=$(python3 -c 'import json,sys; print(json.dumps({"cert":open(sys.argv[1]).read(),"key":open(sys.argv[2]).read(),"snis":["a.example.com"]}))' "$tmp/cert.pem" "$tmp/key.pem")
  req POST /certificates "$cert_body"
  expect "certificate with snis" 201 'd["snis"]==["a.example.com"]'
  req GET /certificates/a.example.com
  expect "certificate by SNI name" 200 'd["snis"]==["a.example.com"]'
  req GET /certificates/a.example.com/snis
  expect "certificate snis" 200 'len(d["data"])==1'
  req GET /certificates/missing.example.com
  expect "unknown SNI" 404 'd=={"message":"SNI not found"}'
}

label=sqlite
export KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/kong.db"
if start_server sqlite; then run_suite sqlite sqlite; stop_server; fi

label=memory
export KONG_DATABASE=memory
if start_server memory; then run_suite memory memory; stop_server; fi

if [ -n "${KONG_PG_HOST:-}" ]; then
  label=postgres
  export KONG_DATABASE=postgres KONG_PG_SCHEMA="admin_$$"
  if "$KONGDB" migrations bootstrap >"$tmp/bootstrap.log" 2>&1; then
    if start_server postgres; then run_suite postgres postgres; stop_server; fi
    "$KONGDB" migrations reset -y >/dev/null 2>&1
  else
    echo "FAIL postgres: migrations bootstrap"; cat "$tmp/bootstrap.log"; failures=$((failures + 1))
  fi
fi

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
