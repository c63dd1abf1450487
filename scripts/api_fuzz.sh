#!/usr/bin/env bash
# Bounded property-based fuzz of the Admin API against its own OpenAPI document: schemathesis
# (pinned in test/contract/requirements.txt) against a real `kongdb start` on a throw-away SQLite
# database, and on PostgreSQL too when KONG_PG_HOST is set (scripts/with_postgres.sh), failing on
# any server error (5xx) or a response that does not match the document.
# Reproducible: fixed seed and example count, no example database carried between runs. Usage: scripts/api_fuzz.sh [KONGDB_BINARY]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kongdb=${1:-$root/build/asan/bin/kongdb}
examples=${API_FUZZ_EXAMPLES:-25}
seed=${API_FUZZ_SEED:-7}
pybin=$(bash "$root/scripts/pyenv.sh")

tmp=$(mktemp -d)
pid=
stop_server() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  pid=
}
trap 'stop_server; rm -rf "$tmp"' EXIT

# fuzz_on DATABASE: starts `kongdb start` on it (environment already set) and fuzzes it.
fuzz_on() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  export KONG_ADMIN_LISTEN="127.0.0.1:$port" KONG_ADMIN_GUI_LISTEN=off
  "$kongdb" start >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/err"; return 1; }
    "$kongdb" health >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "== schemathesis on $1: seed $seed, $examples examples per operation"
  "$pybin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --phases fuzzing --max-examples "$examples" --seed "$seed" --no-color \
    --generation-database none
  stop_server
}

KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/kong.db" fuzz_on sqlite
if [ -n "${KONG_PG_HOST:-}" ]; then
  export KONG_DATABASE=postgres KONG_PG_SCHEMA="api_fuzz_$$"
  "$kongdb" migrations bootstrap >"$tmp/bootstrap.log" 2>&1 || { cat "$tmp/bootstrap.log"; exit 1; }
  fuzz_on postgres
  "$kongdb" migrations reset -y >/dev/null 2>&1
fi
