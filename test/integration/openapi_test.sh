#!/usr/bin/env bash
# The Admin API's contract: `GET /openapi.json` of a real `kongdb start` is a valid OpenAPI 3.0
# document (openapi-spec-validator, pinned in test/contract/requirements.txt) and says what the
# server does (test/contract/document_checks.py).
set -uo pipefail
KONGDB=${KONGDB:?path to kongdb}
here="$(cd "$(dirname "$0")" && pwd)"
pybin=$(bash "$here/../../scripts/pyenv.sh") || { echo "FAIL the Python tools install"; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
env_vars=(KONG_DATABASE=memory KONG_ADMIN_LISTEN="127.0.0.1:$port" KONG_ADMIN_GUI_LISTEN=off)
env "${env_vars[@]}" "$KONGDB" start >"$tmp/out" 2>"$tmp/err" &
pid=$!
up=0
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || break
  if env "${env_vars[@]}" "$KONGDB" health >/dev/null 2>&1; then up=1; break; fi
  sleep 0.1
done
[ $up -eq 1 ] || { echo "FAIL kongdb start serves"; cat "$tmp/err"; exit 1; }

curl -sf "http://127.0.0.1:$port/openapi.json" -o "$tmp/openapi.json" || { echo "FAIL GET /openapi.json"; exit 1; }
status=0
"$pybin/openapi-spec-validator" "$tmp/openapi.json" || { echo "FAIL the document validates"; status=1; }
"$pybin/python" "$here/../contract/document_checks.py" "$tmp/openapi.json" "http://127.0.0.1:$port" || status=1
exit $status
