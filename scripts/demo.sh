#!/usr/bin/env bash
# A short tour: validate a service given by url, a route, a plugin, and a broken route; then the
# seed's flow against a throw-away SQLite database: a service, a route, key-auth on the service.
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
exit 0
