#!/usr/bin/env bash
# Bounded property-based fuzz of the Admin API against its own OpenAPI document: schemathesis
# (pinned in test/contract/requirements.txt) against a real `kongdb start` on a throw-away SQLite
# database and on the in-memory store, and on PostgreSQL too when KONG_PG_HOST is set (scripts/with_postgres.sh; that run also
# sets admin_token, so the document's security scheme is exercised), failing on any server error
# (5xx), an undocumented status code or content type, or a response body that does not match the
# document. Two phases: fuzzing (each operation alone) and stateful (sequences that follow the
# document's links: create an entity, then read, change, nest under and delete it).
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

# A certificate for the seeded entities (seed_entities.py): the path parameters point at real ones.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=fuzz.example.com \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null

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
  local auth=()
  if [ -n "${KONG_ADMIN_TOKEN:-}" ]; then auth=(-H "Kong-Admin-Token: $KONG_ADMIN_TOKEN"); fi
  "$pybin/python" "$root/test/contract/seed_entities.py" "http://127.0.0.1:$port" \
    "$tmp/cert.pem" "$tmp/key.pem" "$tmp/schemathesis.toml"
  echo "== schemathesis on $1: seed $seed, $examples examples per operation"
  local common=(--checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
    --max-examples "$examples" --seed "$seed" --generation-database none "${auth[@]}")
  local document="http://127.0.0.1:$port/openapi.json"
  "$pybin/schemathesis" --no-color --config-file "$tmp/schemathesis.toml" run "$document" --phases fuzzing "${common[@]}"
  # Sequences need entities that get created: valid bodies only.
  "$pybin/schemathesis" --no-color --config-file "$tmp/schemathesis.toml" run "$document" --phases stateful \
    --mode positive "${common[@]}"
  stop_server
}

KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/kong.db" fuzz_on sqlite
KONG_DATABASE=memory fuzz_on memory
if [ -n "${KONG_PG_HOST:-}" ]; then
  export KONG_DATABASE=postgres KONG_PG_SCHEMA="api_fuzz_$$" KONG_ADMIN_TOKEN="fuzz-token-$$"
  "$kongdb" migrations bootstrap >"$tmp/bootstrap.log" 2>&1 || { cat "$tmp/bootstrap.log"; exit 1; }
  fuzz_on postgres
  "$kongdb" migrations reset -y >/dev/null 2>&1
fi
