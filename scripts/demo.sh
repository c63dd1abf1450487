#!/usr/bin/env bash
# A short tour: validate a service given by url, a route, a plugin, and a broken route; then the
# seed's flow against a throw-away SQLite database: a service, a route, key-auth on the service;
# a declarative file imported and exported (kongdb config); the same flow from Lua
# (examples/seed.lua); then the Admin API (`kongdb start`) on that
# database, driven with curl, and stopped.
set -uo pipefail
KONGDB=${1:-build/release/bin/kongdb}

run() {
  echo
  echo "\$ kongdb $*"
  "$KONGDB" "$@"
  echo "(exit $?)"
}

run version
run validate services '{"name":"mockbin","url":"http://mockbin.org:8080/request"}'
run validate routes '{"name":"r1","hosts":["example.com"],"paths":["/m"],"methods":["GET"],"tags":["demo"]}'
run validate plugins '{"name":"key-auth","config":{"key_names":["apikey"]}}'
run validate routes '{"protocols":["tcp"],"paths":["/x"]}'

# The database: a new file is bootstrapped on first use (kongdb migrations bootstrap does it too).
demo_dir=$(mktemp -d)
trap 'rm -rf "$demo_dir"' EXIT
export KONG_SQLITE_PATH="$demo_dir/kongdb.sqlite"
echo
echo "\$ export KONG_SQLITE_PATH=$KONG_SQLITE_PATH"
run db services insert '{"name":"mockbin","url":"http://mockbin.org"}'
run db routes insert '{"service":{"name":"mockbin"},"paths":["/m"]}'
run db plugins insert '{"name":"key-auth","service":{"name":"mockbin"}}'
run db services list
run db plugins list --for service=mockbin
run db services delete mockbin          # refused: a route still references it
run migrations list

# Declarative configuration: a Kong-format file imported all or nothing, then exported.
KONG_SQLITE_PATH="$demo_dir/declarative.sqlite"
export KONG_SQLITE_PATH
cat > "$demo_dir/kong.yml" <<'YAML'
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
  - key: alice-secret-key
YAML
echo
echo "\$ cat kong.yml"
cat "$demo_dir/kong.yml"
run config db_import "$demo_dir/kong.yml"
run config db_export -
export KONG_SQLITE_PATH="$demo_dir/kongdb.sqlite"

# The seed's own Lua, run verbatim through kong.singletons (a fresh database for it).
KONG_SQLITE_PATH="$demo_dir/lua.sqlite" run lua "$(dirname "$0")/../examples/seed.lua"

# The Admin API on the database above, on a free loopback port, until SIGTERM.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KONG_ADMIN_LISTEN="127.0.0.1:$port"
# The web GUI on another free port (its default, 127.0.0.1:8002, may be taken here).
gui_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export KONG_ADMIN_GUI_LISTEN="127.0.0.1:$gui_port"
echo
echo "\$ KONG_ADMIN_LISTEN=$KONG_ADMIN_LISTEN KONG_ADMIN_GUI_LISTEN=$KONG_ADMIN_GUI_LISTEN kongdb start &"
"$KONGDB" start >"$demo_dir/start.log" 2>&1 &
server=$!
for _ in $(seq 100); do "$KONGDB" health >/dev/null 2>&1 && break; sleep 0.1; done
grep -m 1 "listening" "$demo_dir/start.log"
grep -m 1 "Admin GUI" "$demo_dir/start.log"
admin="http://$KONG_ADMIN_LISTEN"
call() {
  echo
  echo "\$ curl $(printf '%q ' "$@")"
  curl -sS -w '\n(HTTP %{http_code})\n' "$@"
}
call -X POST "$admin/consumers" -H 'Content-Type: application/json' -d '{"username":"alice","tags":["demo"]}'
call -X POST "$admin/consumers/alice/key-auth" -d 'key=alice-secret-key'
call "$admin/services/mockbin/routes"
call -X PATCH "$admin/services/mockbin" -d 'retries=3' -d 'tags[]=demo'
call "$admin/tags/demo"
call -X POST "$admin/routes" -H 'Content-Type: application/json' -d '{"paths":["no-slash"]}'
call -X DELETE "$admin/services/mockbin"
call "$admin/status"
echo
echo "\$ kill -TERM %1"
kill -TERM "$server"
wait "$server"
echo "(kongdb start exited $?)"
exit 0
