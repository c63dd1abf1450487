#!/usr/bin/env bash
# Drives `kongdb lua` (FILE [ARGS] and -e CODE) over a fresh SQLite file, over memory (a new store
# per process), and over PostgreSQL when KONG_PG_HOST is set: output, exit codes, tracebacks on
# stderr, the seed snippets.
set -uo pipefail
KONGDB=${KONGDB:?path to kongdb}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
failures=0
passes=0

# matches FILE REGEX: ANY always, EMPTY for an empty file, else an extended regex on some line.
matches() {
  case $2 in
    ANY) return 0 ;;
    EMPTY) [ ! -s "$1" ] ;;
    *) grep -Eq -- "$2" "$1" ;;
  esac
}

# expect NAME WANT_EXIT STDOUT_REGEX STDERR_REGEX -- ARGS...
expect() {
  local name=$1 want=$2 out_re=$3 err_re=$4
  shift 5
  "$KONGDB" "$@" >"$WORK/out" 2>"$WORK/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, wanted $want"; cat "$WORK/out" "$WORK/err"; failures=$((failures + 1)); return
  fi
  if ! matches "$WORK/out" "$out_re"; then
    echo "FAIL $name: stdout does not match /$out_re/"; cat "$WORK/out"; failures=$((failures + 1)); return
  fi
  if ! matches "$WORK/err" "$err_re"; then
    echo "FAIL $name: stderr does not match /$err_re/"; cat "$WORK/err"; failures=$((failures + 1)); return
  fi
  passes=$((passes + 1))
}

run_suite() {  # run_suite LABEL (database chosen by the KONG_* environment)
  local label=$1
  expect "$label: -e prints" 0 '^ok$' ANY -- lua -e 'print("ok")'
  expect "$label: strategy" 0 "^$KONG_DATABASE\$" ANY -- lua -e 'print(kong.db.strategy)'
  expect "$label: kong.configuration" 0 "^$KONG_DATABASE	$KONG_DATABASE	bundled\$" ANY \
    -- lua -e 'local c = require("kong.singletons").configuration print(kong.configuration.database, c.database, c.plugins[1])'
  expect "$label: runtime error exits 1 with traceback" 1 EMPTY \
    'Error: \(command line\):1: boom' -- lua -e 'local function inner() error("boom") end inner()'
  expect "$label: traceback names the frames" 1 EMPTY "in function 'inner'" \
    -- lua -e 'local function inner() error("boom") end inner()'
  expect "$label: syntax error exits 1" 1 EMPTY 'Error: .*unexpected symbol|Error: .*expected' -- lua -e 'local = 1'
  expect "$label: missing file exits 1" 1 EMPTY 'cannot open nope.lua' -- lua nope.lua
  expect "$label: nothing to run exits 1" 1 EMPTY 'nothing to run' -- lua
  printf 'print(select("#", ...), ..., arg[0], arg[1], arg[2], arg[-1])\n' >"$WORK/args.lua"
  expect "$label: script args as the lua interpreter" 0 "^2	a	$WORK/args.lua	a	-b	kongdb lua\$" ANY \
    -- lua "$WORK/args.lua" a -b
  expect "$label: argument errors are Lua errors" 1 EMPTY 'entity must be a table' \
    -- lua -e 'kong.db.services:insert(nil)'
  cat "$HERE/lua/seed/mission_snippet.lua" - >"$WORK/seed1.lua" <<'LUA'
print(err == nil, service.name, plugin.name, plugin.service_id == service.id)
LUA
  expect "$label: mission snippet" 0 '^true	mockbin	key-auth	true$' ANY -- lua "$WORK/seed1.lua"
  if [ "$KONG_DATABASE" = memory ]; then
    # Each `kongdb lua` is a new process with a new, empty store: nothing persists.
    expect "$label: nothing persists between runs" 0 '^nil	0$' ANY \
      -- lua -e 'local dao = require("kong.singletons").dao print(kong.db.services:select_by_name("mockbin"), dao.plugins:count())'
    cat "$HERE/lua/seed/mission_snippet.lua" - >"$WORK/seed2.lua" <<'LUA'
local again, err2, err_t = kong.db.services:insert({ name = "mockbin", host = "x.org" })
print(again, err2, err_t.code)
LUA
    expect "$label: DAO errors come back as values" 0 '^nil	\[memory\] UNIQUE violation detected on .\{name="mockbin"\}.	5$' ANY \
      -- lua "$WORK/seed2.lua"
    return
  fi
  expect "$label: data persists between runs" 0 '^mockbin	1$' ANY \
    -- lua -e 'local dao = require("kong.singletons").dao print(kong.db.services:select_by_name("mockbin").name, dao.plugins:count())'
  expect "$label: DAO errors come back as values" 0 '^nil	\[[a-z]+\] UNIQUE violation detected on .\{name="mockbin"\}.	5$' ANY \
    -- lua -e 'local s, err, err_t = kong.db.services:insert({ name = "mockbin", host = "x.org" }) print(s, err, err_t.code)'
}

export KONG_DATABASE=sqlite KONG_SQLITE_PATH="$WORK/lua.sqlite"
run_suite sqlite
export KONG_DATABASE=memory
run_suite memory
export KONG_DATABASE=sqlite
if [ -n "${KONG_PG_HOST:-}" ]; then
  export KONG_DATABASE=postgres
  "$KONGDB" migrations reset -y >/dev/null 2>&1
  "$KONGDB" migrations bootstrap >/dev/null 2>&1
  run_suite postgres
  "$KONGDB" migrations reset -y >/dev/null 2>&1
fi

if [ -n "${KONG_CASSANDRA_CONTACT_POINTS:-}" ]; then
  export KONG_DATABASE=cassandra KONG_CASSANDRA_KEYSPACE="lua_$$"
  "$KONGDB" migrations bootstrap >/dev/null 2>&1
  run_suite cassandra
  "$KONGDB" migrations reset -y >/dev/null 2>&1
  export KONG_DATABASE=sqlite
fi

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
