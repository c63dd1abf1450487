#!/usr/bin/env bash
# Bounded property-based fuzz of the Admin API against its own OpenAPI document: schemathesis
# (pinned in test/contract/requirements.txt) against a real `kongdb start` on a throw-away SQLite
# database, failing on any server error (5xx) or a response that does not match the document.
# Reproducible: fixed seed and example count. Usage: scripts/api_fuzz.sh [KONGDB_BINARY]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kongdb=${1:-$root/build/asan/bin/kongdb}
examples=${API_FUZZ_EXAMPLES:-25}
seed=${API_FUZZ_SEED:-7}
pybin=$(bash "$root/scripts/pyenv.sh")

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/kong.db" KONG_ADMIN_LISTEN="127.0.0.1:$port" \
       KONG_ADMIN_GUI_LISTEN=off
"$kongdb" start >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/err"; exit 1; }
  "$kongdb" health >/dev/null 2>&1 && break
  sleep 0.1
done

echo "== schemathesis: seed $seed, $examples examples per operation, against kongdb start on SQLite"
"$pybin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
  --checks not_a_server_error,response_schema_conformance \
  --phases fuzzing --max-examples "$examples" --seed "$seed" --no-color
