#!/usr/bin/env bash
# Drives the real kongdb binary and checks its output and exit codes.
set -uo pipefail
KONGDB=${KONGDB:?path to kongdb}
failures=0
passes=0

check() {  # check NAME EXPECTED_EXIT PYTHON_ASSERTION -- ARGS...
  local name=$1 want=$2 assertion=$3
  shift 4
  local out
  out=$("$KONGDB" "$@")
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, wanted $want"; echo "$out"; failures=$((failures + 1)); return
  fi
  if ! printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); assert $assertion, d" 2>/tmp/kongdb_cli_err; then
    echo "FAIL $name"; echo "$out"; cat /tmp/kongdb_cli_err; failures=$((failures + 1)); return
  fi
  passes=$((passes + 1))
}

check "service url shorthand expands" 0 \
  'd["host"]=="example.com" and d["port"]==8080 and d["path"]=="/p" and d["protocol"]=="http" and d["retries"]==5 and d["connect_timeout"]==60000 and d["enabled"] is True and len(d["id"])==36' \
  -- validate services '{"url":"http://example.com:8080/p"}'
check "https url defaults to port 443" 0 'd["port"]==443 and d["protocol"]=="https" and d["path"] is None' \
  -- validate services '{"url":"https://example.com"}'
check "missing host is a schema violation" 1 \
  'd["code"]==2 and d["name"]=="schema violation" and d["fields"]["host"]=="required field missing" and d["message"]=="schema violation (host: required field missing)"' \
  -- validate services '{"name":"x"}'
check "route defaults" 0 'd["protocols"]==["http","https"] and d["strip_path"] is True and d["https_redirect_status_code"]==426 and d["path_handling"]=="v0"' \
  -- validate routes '{"paths":["/m"]}'
check "tcp route with paths is refused" 1 'd["code"]==2 and "paths" in d["fields"]' \
  -- validate routes '{"protocols":["tcp"],"paths":["/x"]}'
check "key-auth plugin gets its config defaults" 0 'd["config"]["key_names"]==["apikey"] and d["config"]["hide_credentials"] is False and d["enabled"] is True' \
  -- validate plugins '{"name":"key-auth"}'
check "unknown plugin" 1 'd["fields"]["name"]=="plugin '"'"'nope'"'"' not enabled; add it to the '"'"'plugins'"'"' configuration property"' \
  -- validate plugins '{"name":"nope"}'
check "malformed JSON is reported, not crashed on" 1 '"message" in d' -- validate services '{"url":'
check "unknown entity" 1 '"message" in d' -- validate nope '{}'
check "schema output has Kong's shape" 0 'isinstance(d["fields"], list) and "id" in d["fields"][0] and isinstance(d["entity_checks"], list)' \
  -- schema services
check "plugin schema output" 0 'any("config" in f for f in d["fields"])' -- schema plugins key-auth

if "$KONGDB" version | grep -q '^kongdb '; then passes=$((passes + 1)); else echo "FAIL version"; failures=$((failures + 1)); fi

# --- the database: kongdb db / kongdb migrations over a temporary SQLite file ---
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KONG_SQLITE_PATH="$tmp/kong.db"

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL $1"; failures=$((failures + 1)); }

# A fresh KONG_SQLITE_PATH needs no manual bootstrap.
check "insert on a fresh database bootstraps it" 0 'd["name"]=="mockbin" and d["host"]=="mockbin.org" and d["port"]==80 and len(d["id"])==36' \
  -- db services insert '{"name":"mockbin","url":"http://mockbin.org"}'
check "route referencing its service by name" 0 'd["paths"]==["/m"] and len(d["service"]["id"])==36' \
  -- db routes insert '{"service":{"name":"mockbin"},"paths":["/m"]}'
check "get by endpoint key" 0 'd["name"]=="mockbin"' -- db services get mockbin
svc_id=$("$KONGDB" db services get mockbin | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
check "get by id" 0 'd["name"]=="mockbin"' -- db services get "$svc_id"
check "get a missing entity" 1 'd=={"message":"Not found"}' -- db services get nope
check "get a missing id" 1 'd=={"message":"Not found"}' -- db services get 5f1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f
check "duplicate name is a unique violation" 1 'd["code"]==5 and d["fields"]=={"name":"mockbin"}' \
  -- db services insert '{"name":"mockbin","url":"http://other.org"}'
check "deleting a referenced service is refused" 1 \
  'd["code"]==4 and d["message"]=="an existing '"'"'routes'"'"' entity references this '"'"'services'"'"' entity"' \
  -- db services delete mockbin
check "the service is still there" 0 'd["name"]=="mockbin"' -- db services get mockbin
check "key-auth plugin on the service" 0 'd["name"]=="key-auth" and d["service"]["id"]=="'"$svc_id"'" and d["config"]["key_names"]==["apikey"]' \
  -- db plugins insert '{"name":"key-auth","service":{"name":"mockbin"}}'
check "plugins for the service" 0 'len(d["data"])==1 and d["data"][0]["name"]=="key-auth" and "offset" not in d' \
  -- db plugins list --for service=mockbin
check "routes for the service by id" 0 'len(d["data"])==1 and d["data"][0]["paths"]==["/m"]' \
  -- db routes list --for "service=$svc_id"
check "--for an unknown parent" 1 'd=={"message":"Not found"}' -- db plugins list --for service=nope
check "--for a field that is no foreign key" 1 '"message" in d' -- db plugins list --for name=x
check "update by name" 0 'd["retries"]==9 and d["name"]=="mockbin"' -- db services update mockbin '{"retries":9}'
check "upsert by name creates" 0 'd["name"]=="s-up" and d["host"]=="up.example"' \
  -- db services upsert s-up '{"url":"http://up.example"}'
check "update of a missing entity" 1 'd["code"]==6' -- db services update nope '{"retries":1}'
check "schema violation on insert" 1 'd["code"]==2 and d["fields"]["host"]=="required field missing"' \
  -- db services insert '{"name":"nohost"}'

# Paging: 4 services now (mockbin, s-up, p1, p2).
"$KONGDB" db services insert '{"name":"p1","host":"p1.example"}' >/dev/null
"$KONGDB" db services insert '{"name":"p2","host":"p2.example"}' >/dev/null
check "first page has an offset" 0 'len(d["data"])==3 and isinstance(d["offset"], str)' -- db services list --size 3
offset=$("$KONGDB" db services list --size 3 | python3 -c 'import json,sys; print(json.load(sys.stdin)["offset"])')
check "last page has no offset" 0 'len(d["data"])==1 and "offset" not in d' -- db services list --size 3 --offset "$offset"
check "a full listing" 0 'len(d["data"])==4 and "offset" not in d and sorted(s["name"] for s in d["data"])==["mockbin","p1","p2","s-up"]' \
  -- db services list
"$KONGDB" db services update p1 '{"tags":["red","blue"]}' >/dev/null
"$KONGDB" db services update p2 '{"tags":["red"]}' >/dev/null
check "tags, and" 0 '[s["name"] for s in d["data"]]==["p1"]' -- db services list --tags red,blue --tags-cond and
check "tags, or" 0 'sorted(s["name"] for s in d["data"])==["p1","p2"]' -- db services list --tags red,blue --tags-cond or

# Bad input: Kong's error object or a clear message, exit 1, never a crash.
for size in 0 -1 50001; do
  check "size $size" 1 'd["code"]==9 and d["message"]=="size must be an integer between 1 and 50000"' -- db services list --size "$size"
done
check "size abc" 1 'd["code"]==9 and d["message"]=="size must be a number"' -- db services list --size abc
for forged in forged "$(printf '["x"]' | base64)" "$(head -c 3000 /dev/zero | tr '\0' 'A')" '%%%' \
              "$(printf '{"id":"1\x27 OR 1=1 --"}' | base64 -w0)"; do
  check "forged offset" 1 'd["code"]==7 and d["name"]=="invalid offset"' -- db services list --offset "$forged"
done
check "unknown entity" 1 'd=={"message":"No entity named '"'"'nope'"'"'"}' -- db nope list
check "unknown verb" 1 '"message" in d' -- db services frobnicate
check "bad JSON body" 1 '"message" in d' -- db services insert '{"name":'
check "non-object JSON body" 1 '"message" in d' -- db services insert '[1,2]'
check "deeply nested JSON body" 1 '"message" in d' -- db services insert "$(python3 -c 'print("["*600+"]"*600)')"
check "nested garbage in a field" 1 'd["code"]==2' -- db services insert "{\"name\":$(python3 -c 'print("["*100+"]"*100)'),\"host\":\"h\"}"
if "$KONGDB" db services get a b c >/dev/null 2>&1; then bad "extra arguments accepted"; elif [ $? -eq 1 ]; then ok; else bad "extra arguments exit code"; fi
check "missing arguments" 1 '"message" in d' -- db services update mockbin
check "invalid primary key" 1 'd["code"]==1 and d["fields"]=={"id":"expected a valid UUID"}' -- db certificates get not-a-uuid

# delete prints nothing, like Kong's 204.
if [ -z "$("$KONGDB" db services delete p2)" ] && ! "$KONGDB" db services get p2 >/dev/null; then ok; else bad "delete p2"; fi
if "$KONGDB" db services delete p2 >/dev/null; then ok; else bad "deleting a missing entity succeeds"; fi

# --- migrations ---
out=$("$KONGDB" migrations list); rc=$?
if [ "$rc" -eq 0 ] && printf '%s' "$out" | grep -q '^Executed migrations:' && printf '%s' "$out" | grep -q '^ *core: 000_base, 016_280_to_300, 017_300_to_310$' \
   && printf '%s' "$out" | grep -q '^ *key-auth: 000_base_key_auth$'; then ok; else bad "migrations list: $out"; fi
if "$KONGDB" migrations up | grep -q '^Database is already up-to-date$'; then ok; else bad "migrations up when up-to-date"; fi
if "$KONGDB" migrations bootstrap | grep -q '^Database already bootstrapped$'; then ok; else bad "bootstrap twice"; fi
check "migrations status" 0 'd["needs_bootstrap"] is False and "new_migrations" not in d' -- migrations status
if "$KONGDB" migrations reset </dev/null 2>"$tmp/err"; then bad "reset without -y"; elif grep -q 'use -y' "$tmp/err"; then ok; else bad "reset without -y message"; fi
if "$KONGDB" migrations reset -y | grep -q 'Database successfully reset'; then ok; else bad "reset -y"; fi
check "after reset the database needs bootstrapping" 1 '"kongdb migrations bootstrap" in d["message"]' -- db services list
"$KONGDB" migrations list >/dev/null; rc=$?
if [ "$rc" -eq 3 ]; then ok; else bad "migrations list exit $rc, wanted 3"; fi
if "$KONGDB" migrations bootstrap | grep -q '^Database is up-to-date$'; then ok; else bad "bootstrap after reset"; fi
check "bootstrapped database is empty" 0 'd=={"data":[]}' -- db services list

# -c/--conf; the environment wins over the file, as in Kong.
printf 'database = sqlite  # embedded\nsqlite_path = %s\n' "$tmp/conf.db" >"$tmp/kongdb.conf"
if env -u KONG_SQLITE_PATH "$KONGDB" db services insert -c "$tmp/kongdb.conf" '{"name":"c","host":"c.example"}' >/dev/null \
   && [ -s "$tmp/conf.db" ]; then ok; else bad "-c selects the database file"; fi
printf 'database = mysql\n' >"$tmp/bad.conf"
if "$KONGDB" version -c "$tmp/bad.conf" 2>"$tmp/err"; then bad "bad conf accepted";
elif grep -q "bad.conf:1: database has an invalid value: 'mysql' (sqlite, postgres, memory, cassandra, off)" "$tmp/err"; then ok;
else bad "bad conf message: $(cat "$tmp/err")"; fi
if KONG_DATABASE=nope "$KONGDB" db services list 2>/dev/null; then bad "KONG_DATABASE=nope accepted"; else ok; fi

# --- PostgreSQL (when the test run started a server: scripts/with_postgres.sh) ---
if [ -n "${KONG_PG_HOST:-}" ]; then
  pg() { KONG_DATABASE=postgres KONG_PG_SCHEMA="cli_$$" "$KONGDB" "$@"; }
  out=$(pg db services list); rc=$?
  if [ "$rc" -eq 1 ] && printf '%s' "$out" | grep -q "run 'kongdb migrations bootstrap'"; then ok;
  else bad "postgres: an unbootstrapped database says to bootstrap: $out"; fi
  if pg migrations bootstrap | grep -q '^Database is up-to-date$'; then ok; else bad "postgres: bootstrap"; fi
  if pg db services insert '{"name":"mockbin","url":"http://mockbin.org"}' >/dev/null; then ok; else bad "postgres: insert"; fi
  if pg db routes insert '{"service":{"name":"mockbin"},"paths":["/m"]}' >/dev/null; then ok; else bad "postgres: route by service name"; fi
  out=$(pg db services delete mockbin); rc=$?
  if [ "$rc" -eq 1 ] && printf '%s' "$out" | grep -q "an existing 'routes' entity references this 'services' entity"; then ok;
  else bad "postgres: restrict on delete: $out"; fi
  if pg migrations reset -y >/dev/null; then ok; else bad "postgres: reset"; fi
fi

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
