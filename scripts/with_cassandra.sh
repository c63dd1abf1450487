#!/usr/bin/env bash
# Runs CMD against a throw-away Apache Cassandra 5.0.8 (jars from Maven Central, Debian's JDK 17):
# CASSANDRA_NODES=1 (default) or 2 nodes on 127.0.0.1 and 127.0.0.2, free loopback ports, in a temp
# folder. Exports KONG_CASSANDRA_CONTACT_POINTS (comma-separated) and KONG_CASSANDRA_PORT, the
# nodes' PIDs in KONGDB_CASSANDRA_PIDS, and for node i the commands KONGDB_CASSANDRA_STOP_<i> /
# KONGDB_CASSANDRA_START_<i> that tests use to take it down and bring it back. Stops the nodes
# on exit and propagates CMD's exit code.  Usage: scripts/with_cassandra.sh CMD [ARGS...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
nodes=${CASSANDRA_NODES:-1}
node_sh="$here/cassandra/node.sh"

bash "$here/cassandra_runtime.sh" >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kongdb-cassandra.XXXXXX")
cleanup() {
  for d in "$tmp"/node*; do [ -d "$d" ] && bash "$node_sh" stop "$d" || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# The same two ports must be free on every node's address (they all use one storage port).
free_ports() {
  python3 - "$nodes" <<'PY'
import socket, sys
n = int(sys.argv[1])
for _ in range(100):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); native = s.getsockname()[1]; s.close()
    s = socket.socket(); s.bind(("127.0.0.1", 0)); storage = s.getsockname()[1]; s.close()
    ok = True
    for i in range(2, n + 1):
        for p in (native, storage):
            try:
                t = socket.socket(); t.bind((f"127.0.0.{i}", p)); t.close()
            except OSError:
                ok = False
    if ok:
        print(native, storage); break
PY
}
read -r native storage < <(free_ports)

contact_points=()
pids=()
for i in $(seq 1 "$nodes"); do
  dir="$tmp/node$i"
  address=127.0.0.$i
  bash "$node_sh" init "$dir" "$address" "$native" "$storage" 127.0.0.1
  # Nodes join one at a time, as Cassandra wants. A joining node that gives up (a loaded machine
  # can stall its schema pull) is started once more on its own data.
  if ! bash "$node_sh" start "$dir"; then
    bash "$node_sh" stop "$dir"
    echo "node $i did not start; trying once more" >&2
    bash "$node_sh" start "$dir" || { echo "node $i did not start" >&2; exit 1; }
  fi
  contact_points+=("$address")
  pids+=("$(cat "$dir/pid")")
  export "KONGDB_CASSANDRA_STOP_$i=bash $node_sh stop $dir"
  export "KONGDB_CASSANDRA_START_$i=bash $node_sh start $dir"
done

export KONG_CASSANDRA_CONTACT_POINTS
KONG_CASSANDRA_CONTACT_POINTS=$(IFS=,; echo "${contact_points[*]}")
export KONG_CASSANDRA_PORT=$native
export KONGDB_CASSANDRA_PIDS="${pids[*]}"

set +e
"$@"
rc=$?
set -e
exit $rc
