#!/usr/bin/env bash
# The Admin API's contract: `GET /openapi.json` of a real `kongdb start` is a valid OpenAPI 3.0
# document (openapi-spec-validator, pinned in test/contract/requirements.txt) and says what the
# server does (test/contract/document_checks.py); a Python client generated from it
# (openapi-python-client) drives the server (test/contract/client_example.py); with admin_token
# set, the document declares the Kong-Admin-Token security scheme.
set -uo pipefail
KONGDB=${KONGDB:?path to kongdb}
here="$(cd "$(dirname "$0")" && pwd)"
pybin=$(bash "$here/../../scripts/pyenv.sh") || { echo "FAIL the Python tools install"; exit 1; }

tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
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

# The README's example: generate a client, then use it (ruff, which the generator calls, is in $pybin).
PATH="$pybin:$PATH" "$pybin/openapi-python-client" generate --path "$tmp/openapi.json" --meta none \
  --output-path "$tmp/client/kongdb_client" >"$tmp/generate.log" 2>&1 ||
  { echo "FAIL openapi-python-client generates a client"; cat "$tmp/generate.log"; status=1; }
"$pybin/python" "$here/../contract/client_example.py" "$tmp/client" "http://127.0.0.1:$port" ||
  { echo "FAIL the generated client drives the server"; status=1; }
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=

# admin_token set: the document (fetched with the token) declares the header every request needs.
token_env=("${env_vars[@]}" KONG_ADMIN_TOKEN=s3cret)
env "${token_env[@]}" "$KONGDB" start >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 1 300); do
  env "${token_env[@]}" "$KONGDB" health >/dev/null 2>&1 && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/openapi.json")" = 401 ] ||
  { echo "FAIL without the token the document is refused"; status=1; }
curl -sf -H 'Kong-Admin-Token: s3cret' "http://127.0.0.1:$port/openapi.json" -o "$tmp/token.json" ||
  { echo "FAIL GET /openapi.json with the token"; exit 1; }
"$pybin/python" - "$tmp/token.json" <<'PY' || { echo "FAIL the document declares the Kong-Admin-Token scheme"; status=1; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["components"]["securitySchemes"] == {"adminToken": {"type": "apiKey", "in": "header", "name": "Kong-Admin-Token"}}
assert d["security"] == [{"adminToken": []}]
PY
grep -q securitySchemes "$tmp/openapi.json" && { echo "FAIL without admin_token no security scheme is declared"; status=1; }
exit $status
