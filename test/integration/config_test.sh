#!/usr/bin/env bash
# `kongdb config`: init, parse, db_import and db_export driven through the real binary on a
# temporary SQLite file (and PostgreSQL when KONG_PG_HOST is set), with Kong's exit codes.
set -uo pipefail
KONGDB=${KONGDB:?path to kongdb}
failures=0
passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

ok() { passes=$((passes + 1)); }
bad() { echo "FAIL $1"; failures=$((failures + 1)); }
# expect NAME EXIT PYTHON_ASSERTION_ON_d -- ARGS: runs kongdb, checks the exit code and its JSON stdout.
expect() {
  local name=$1 want=$2 assertion=$3
  shift 4
  local out rc
  out=$("$KONGDB" "$@" 2>"$tmp/stderr")
  rc=$?
  if [ "$rc" -ne "$want" ]; then bad "$name: exit $rc, wanted $want"; echo "$out"; cat "$tmp/stderr"; return; fi
  if ! printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); assert $assertion, d" 2>"$tmp/pyerr"; then
    bad "$name"; echo "$out"; cat "$tmp/pyerr"; return
  fi
  ok
}

cat > kong.yml <<'YAML'
_format_version: "3.0"
services:
- name: billing
  url: http://billing.internal:8080
  routes:
  - name: billing-api
    paths: [/billing]
consumers:
- username: alice
  keyauth_credentials:
  - key: alice-key
YAML

run_backend() {  # run_backend LABEL: the import/export cases on the configured database
  local label=$1
  expect "$label: parse of a valid file" 0 'd["entities"]==4 and d["by_entity"]["routes"]==1' -- config parse kong.yml --json
  expect "$label: db_import writes the file" 0 'd["imported"]==4' -- config db_import kong.yml --json
  expect "$label: the imported service has Kong's stable id" 0 'd["id"]=="aa93ac78-2b4d-59d0-9897-62a161ae6928"' \
    -- db services get billing
  rm -f export.yml
  if "$KONGDB" config db_export export.yml --quiet && grep -q '^_format_version: "3.0"' export.yml \
     && grep -q 'name: billing-api' export.yml; then ok; else bad "$label: db_export writes a YAML file"; fi
  if "$KONGDB" config db_export export.yml >/dev/null 2>"$tmp/stderr"; then bad "$label: db_export refuses to overwrite"
  elif grep -q 'already exists. Will not overwrite it.' "$tmp/stderr"; then ok; else bad "$label: overwrite message"; cat "$tmp/stderr"; fi
  if "$KONGDB" config db_export - | python3 -c 'import sys; t=sys.stdin.read(); assert "username: alice" in t and "key: alice-key" in t'; then ok
  else bad "$label: db_export - writes to stdout"; fi
  expect "$label: db_export --json is JSON" 0 'd["_format_version"]=="3.0" and d["_transform"] is False and len(d["services"])==1' \
    -- config db_export - --json

  # A file whose third consumer the database refuses: nothing of it is written.
  cat > conflict.yml <<'YAML'
_format_version: "3.0"
services:
- name: fresh-service
  url: http://fresh.internal
consumers:
- username: bob
- username: alice
  id: 00000000-0000-4000-8000-0000000000aa
YAML
  local before after
  before=$("$KONGDB" config db_export - --json)
  if "$KONGDB" config db_import conflict.yml >/dev/null 2>"$tmp/stderr"; then bad "$label: a conflicting import fails"
  elif grep -q "Failed importing" "$tmp/stderr"; then ok; else bad "$label: import failure message"; cat "$tmp/stderr"; fi
  after=$("$KONGDB" config db_export - --json)
  if [ "$before" = "$after" ]; then ok; else bad "$label: a failed import leaves the database as it was"; fi
  expect "$label: the half-written service is not there" 1 'd["message"]=="Not found"' -- db services get fresh-service
}

# --- init ---
if "$KONGDB" config init example.yml && grep -q '^_format_version: "3.0"' example.yml; then ok; else bad "init writes an example"; fi
if "$KONGDB" config init example.yml 2>/dev/null; then bad "init refuses to overwrite"; else ok; fi
expect "the example parses" 0 'd["entities"]==0' -- config parse example.yml --json

# --- parse: bad input, exit 1, the error named where ---
printf '_format_version: "3.0"\nservices:\n- name: s1\n  url: [http://x\n' > syntax.yml
"$KONGDB" config parse syntax.yml 2>"$tmp/stderr"; rc=$?
if [ $rc -eq 1 ] && grep -q 'line 5, column 1' "$tmp/stderr"; then ok; else bad "syntax error names line and column"; cat "$tmp/stderr"; fi
printf '_format_version: "3.0"\nservices:\n- name: s1\n  url: http://x\n  colour: blue\n' > field.yml
"$KONGDB" config parse field.yml 2>"$tmp/stderr"; rc=$?
if [ $rc -eq 1 ] && grep -q "in 'colour': unknown field" "$tmp/stderr"; then ok; else bad "unknown field"; cat "$tmp/stderr"; fi
expect "unknown field with --json and flattened errors" 1 \
  'd["code"]==14 and d["fields"]["services"][0]["colour"]=="unknown field" and d["flattened_errors"][0]["entity_name"]=="s1"' \
  -- config parse field.yml --json
printf '_format_version: "3.0"\nwidgets: []\n' > entity.yml
expect "unknown entity" 1 'd["fields"]["widgets"]=="unknown field"' -- config parse entity.yml --json
printf '_format_version: "3.0"\nroutes:\n- name: r1\n  service: nowhere\n  paths: [/a]\n' > dangling.yml
expect "dangling reference" 1 'd["fields"]["routes"]["r1"]==["invalid reference '"'"'service: nowhere'"'"' (no such entry in '"'"'services'"'"')"]' \
  -- config parse dangling.yml --json
printf '_format_version: "3.0"\nconsumers:\n- username: a\n- username: a\n' > duplicate.yml
expect "duplicate name" 1 'd["fields"]["consumers"][1].startswith("uniqueness violation")' -- config parse duplicate.yml --json
python3 - > laughs.yml <<'PY'
print('_format_version: "3.0"')
print('a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]')
prev = 'a'
for c in 'bcdefghij':
    print(f'{c}: &{c} [' + ', '.join(['*' + prev] * 9) + ']')
    prev = c
PY
expect "billion laughs" 1 '"aliases expand" in d["fields"]["error"]' -- config parse laughs.yml --json
python3 -c 'print("_format_version: \"3.0\"\nx: " + "[" * 5000 + "]" * 5000)' > deep.yml
expect "deep nesting" 1 '"nesting deeper" in d["fields"]["error"]' -- config parse deep.yml --json
printf '{"_format_version": "3.0", "services": [{"name": "s1", "url": "http://x"' > truncated.json
expect "truncated file" 1 '"line 1, column" in d["fields"]["error"]' -- config parse truncated.json --json
expect "unknown file type" 1 '"unknown file type" in d["fields"]["error"]' -- config parse kong.conf --json
expect "missing file" 1 '"cannot read" in d["fields"]["error"]' -- config parse missing.yml --json

# --- the database ---
export KONG_SQLITE_PATH="$tmp/kong.db"
run_backend sqlite
if [ -n "${KONG_PG_HOST:-}" ]; then
  export KONG_DATABASE=postgres KONG_PG_SCHEMA="kongdb_config_test_$$"
  "$KONGDB" migrations reset -y >/dev/null 2>&1
  "$KONGDB" migrations bootstrap >/dev/null || bad "postgres bootstrap"
  run_backend postgres
  "$KONGDB" migrations reset -y >/dev/null 2>&1
fi

echo "config_test: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
