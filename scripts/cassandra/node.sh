#!/usr/bin/env bash
# One throw-away Cassandra 5.0.8 node on a loopback address, in its own folder.
#   node.sh init  DIR ADDRESS NATIVE_PORT STORAGE_PORT SEED   writes DIR/cassandra.yaml
#   node.sh start DIR      launches the node, waits until its native port accepts connections
#   node.sh stop  DIR      SIGTERM (drain), SIGKILL after 30 s; waits for the process to end
# The data stays in DIR between stop and start, so a stopped node can come back.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cmd=$1 dir=$2

native_port_open() {
  python3 - "$1" "$2" <<'PY'
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()
except OSError:
    sys.exit(1)
PY
}

case $cmd in
init)
  address=$3 native=$4 storage=$5 seed=$6
  mkdir -p "$dir"/{data,commitlog,saved_caches,hints,cdc_raw,logs}
  cat >"$dir/cassandra.yaml" <<YAML
cluster_name: kongdb-test
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$seed"
listen_address: $address
rpc_address: $address
storage_port: $storage
native_transport_port: $native
start_native_transport: true
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
data_file_directories: [$dir/data]
commitlog_directory: $dir/commitlog
saved_caches_directory: $dir/saved_caches
hints_directory: $dir/hints
cdc_raw_directory: $dir/cdc_raw
auto_snapshot: false
hinted_handoff_enabled: false
concurrent_compactors: 1
memtable_allocation_type: heap_buffers
disk_access_mode: standard
YAML
  printf '%s %s\n' "$address" "$native" >"$dir/endpoint"
  ;;
start)
  read -r java lib < <(bash "$here/../cassandra_runtime.sh")
  read -r address native <"$dir/endpoint"
  mapfile -t jpms <"$here/jvm17.options"
  # Small heap: Cassandra mlockall()s its heap when it can, and CI shares the machine.
  "$java" -Xms256M -Xmx512M -Xss256k -XX:+UseG1GC -XX:MaxGCPauseMillis=300 \
    -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=128m \
    -XX:+PerfDisableSharedMem -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true \
    "${jpms[@]}" \
    -Djava.io.tmpdir="$dir" -Djna.tmpdir="$dir" -Dio.netty.native.workdir="$dir" \
    -Dcassandra-foreground=yes -Dcassandra.config="file://$dir/cassandra.yaml" \
    -Dcassandra.storagedir="$dir" -Dcassandra.logdir="$dir/logs" \
    -Dlogback.configurationFile="$here/logback.xml" \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.unsafesystem=true \
    -Dcassandra.ring_delay_ms=1000 \
    -cp "$lib/*" org.apache.cassandra.service.CassandraDaemon >>"$dir/out.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 1 180); do
    if native_port_open "$address" "$native"; then exit 0; fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || { tail -40 "$dir/out.log" >&2; echo "cassandra at $address died" >&2; exit 1; }
    sleep 0.5
  done
  tail -40 "$dir/out.log" >&2
  echo "cassandra at $address:$native not ready after 90 s" >&2
  exit 1
  ;;
stop)
  [ -f "$dir/pid" ] || exit 0
  pid=$(cat "$dir/pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  rm -f "$dir/pid"
  ;;
*) echo "usage: $0 init|start|stop DIR ..." >&2; exit 2 ;;
esac
