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

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
