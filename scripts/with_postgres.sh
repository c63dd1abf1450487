#!/usr/bin/env bash
# Runs CMD against a throw-away PostgreSQL 15 cluster: initdb in a temp folder, a free loopback
# port, role and database "kong"; exports KONG_PG_HOST/PORT/USER/DATABASE (plus KONGDB_PG_STOP /
# KONGDB_PG_START, commands the tests use to restart the server), and a streaming replica of it
# on KONGDB_PG_REPLICA_PORT for the read-replica (pg_ro_*) tests. Cleans up on exit and
# propagates CMD's exit code.  Usage: scripts/with_postgres.sh CMD [ARGS...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/initdb" ] || { echo "no initdb in $PGBIN (apt-get install postgresql-15)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kongdb-pg.XXXXXX")
chmod 755 "$tmp"
# Postgres refuses to run as root: use an unprivileged system user then.
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  id kongdbpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin kongdbpg
  chown kongdbpg "$tmp"
  as_pg=(runuser -u kongdbpg --)
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
data="$tmp/data"
replica="$tmp/replica"

cleanup() {
  for d in "$replica" "$data"; do
    [ -d "$d" ] && "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

"${as_pg[@]}" "$PGBIN/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-sync >"$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 1; }
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$tmp'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

start=("${as_pg[@]}" "$PGBIN/pg_ctl" -D "$data" -l "$tmp/server.log" -w -t 30 start)
stop=("${as_pg[@]}" "$PGBIN/pg_ctl" -D "$data" -m fast -w stop)
"${start[@]}" >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }

psql=("$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q)
"${psql[@]}" -c "CREATE ROLE kong LOGIN" -c "CREATE DATABASE kong OWNER kong"

# The replica: a base backup of the primary that streams its WAL (initdb's pg_hba already trusts
# replication connections from 127.0.0.1). Its own port, socket and log.
replica_port=$(free_port)
"${as_pg[@]}" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$replica" -R -X stream -c fast \
  >"$tmp/basebackup.log" 2>&1 || { cat "$tmp/basebackup.log" >&2; exit 1; }
cat >>"$replica/postgresql.conf" <<CONF
port = $replica_port
hot_standby = on
CONF
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$replica" -l "$tmp/replica.log" -w -t 30 start >/dev/null ||
  { cat "$tmp/replica.log" >&2; exit 1; }

export KONG_PG_HOST=127.0.0.1 KONG_PG_PORT=$port KONG_PG_USER=kong KONG_PG_DATABASE=kong
export KONGDB_PG_STOP="${stop[*]}" KONGDB_PG_START="${start[*]} >/dev/null"
# Not KONG_PG_RO_*: every other test would then read from a lagging replica.
export KONGDB_PG_REPLICA_PORT=$replica_port

set +e
"$@"
rc=$?
set -e
exit $rc
