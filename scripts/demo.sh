#!/usr/bin/env bash
# A short tour: validate a service given by url, a route, a plugin, and a broken route.
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
exit 0
