#!/usr/bin/env bash
# Runs the Go client tests (go-kong CRUD and decK's sync engine, this folder) against a real
# `kongdb start` on each backend: SQLite, memory and, when KONG_PG_HOST is set (e.g. under
# scripts/with_postgres.sh), PostgreSQL in a schema of its own.
#   usage: test/clients/run.sh KONGDB [BACKEND...]   (BACKEND: sqlite, memory, postgres)
# Go's module and build caches live in build/go of this checkout (a second run is fast and
# nothing lands in $HOME); the modules come from the Go module proxy on the first run.
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: $0 KONGDB [sqlite|memory|postgres...]" >&2; exit 2; }
KONGDB=$(realpath "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

backends=("$@")
if [ ${#backends[@]} -eq 0 ]; then
  backends=(sqlite memory)
  [ -n "${KONG_PG_HOST:-}" ] && backends+=(postgres)
fi

go=$(command -v go || echo /usr/local/go/bin/go)
if ! [ -x "$go" ]; then
  echo "FAIL: the Go client tests need a Go toolchain (1.21 or newer: it fetches the version go.mod" \
       "asks for through the module proxy); none on PATH nor at /usr/local/go/bin/go" >&2
  exit 1
fi
export GOMODCACHE=${GOMODCACHE:-$root/build/go/mod} GOCACHE=${GOCACHE:-$root/build/go/cache}
export GOPATH=${GOPATH:-$root/build/go/path} GOFLAGS=-mod=readonly

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

# One test binary for every backend.
if ! (cd "$here" && "$go" test -c -o "$tmp/clients.test" .); then
  echo "FAIL: building the Go client tests"
  exit 1
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server BACKEND: `kongdb start` on a free loopback port with the current KONG_* settings.
start_server() {
  local port
  port=$(free_port)
  # exported: `kongdb health` probes the listener these settings name
  export KONG_ADMIN_URL="http://127.0.0.1:$port" KONG_ADMIN_LISTEN="127.0.0.1:$port"
  KONG_ADMIN_GUI_LISTEN=off KONG_ADMIN_ACCESS_LOG=off "$KONGDB" start >"$tmp/server-$1.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    if "$KONGDB" health >/dev/null 2>&1; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL $1: kongdb start did not come up"; cat "$tmp/server-$1.log"
  return 1
}

passed=()
failed=()
for backend in "${backends[@]}"; do
  echo "== Go clients against kongdb start on $backend"
  ok=false
  case $backend in
    sqlite) export KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/kong.sqlite" ;;
    memory) export KONG_DATABASE=memory ;;
    postgres)
      [ -n "${KONG_PG_HOST:-}" ] || { echo "FAIL postgres: KONG_PG_HOST is not set"; failed+=("$backend"); continue; }
      export KONG_DATABASE=postgres KONG_PG_SCHEMA="go_clients_$$"
      if ! "$KONGDB" migrations bootstrap >"$tmp/bootstrap.log" 2>&1; then
        echo "FAIL postgres: migrations bootstrap"; cat "$tmp/bootstrap.log"; failed+=("$backend"); continue
      fi ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  if start_server "$backend"; then
    (cd "$here" && "$tmp/clients.test" -test.v -test.count=1) >"$tmp/go-$backend.log" 2>&1 && ok=true
    grep -E '^(=== RUN|--- |    --- |PASS|FAIL|ok)' "$tmp/go-$backend.log" | grep -v '^=== RUN' || true
    $ok || cat "$tmp/go-$backend.log"
    stop_server
  fi
  [ "$backend" = postgres ] && "$KONGDB" migrations reset -y >/dev/null 2>&1
  if $ok; then passed+=("$backend"); else failed+=("$backend"); fi
done

echo "Go clients: passed on: ${passed[*]:-none}; failed on: ${failed[*]:-none}"
echo "${#passed[@]} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
