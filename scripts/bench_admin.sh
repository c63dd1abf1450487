#!/usr/bin/env bash
# Admin API load benchmark: a release `kongdb start` under wrk (64 keep-alive connections,
# 2 threads) on SQLite, or on PostgreSQL when run under scripts/with_postgres.sh:
#   bash scripts/bench_admin.sh                              # SQLite
#   bash scripts/with_postgres.sh bash scripts/bench_admin.sh   # PostgreSQL
# Workloads: GET /services/{id}; POST /consumers (unique usernames) against the DAO's own
# insert rate measured in the same run; GET / with 500k plugin rows seeded by SQL.
# Env: BUILD_DIR (build/bench-release), DURATION (10s), WORKERS (2), ACCESS_LOG (off).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build/bench-release}
DURATION=${DURATION:-10s}
WORKERS=${WORKERS:-2}
SEED_ROWS=${SEED_ROWS:-500000}

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_COMPILE_WARNING_AS_ERROR=ON \
  -DKONGDB_BUILD_TESTS=OFF -DKONGDB_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" --target kongdb kongdb_config kongdb_dao kongdb_strategy_sqlite \
  kongdb_strategy_postgres kongdb_migrations -- -j2 >/dev/null
KONGDB="$BUILD/bin/kongdb"
libs="$BUILD/src"
g++ -std=c++20 -O2 -DNDEBUG -Iinclude -Isrc bench/dao_insert_rate.cc src/cli/open_db.cc \
  -Wl,--start-group "$libs"/libkongdb_config.a "$libs"/libkongdb_dao.a "$libs"/libkongdb_migrations.a \
  "$libs"/libkongdb_strategy_sqlite.a "$libs"/libkongdb_strategy_postgres.a \
  "$libs"/libkongdb_strategy_sql.a "$libs"/libkongdb_strategy_model.a "$libs"/libkongdb_schema.a "$libs"/libkongdb_core.a -Wl,--end-group \
  -lsqlite3 -lpq -lboost_json -lpcre2-8 -lcrypto -lssl -luuid -o "$BUILD/dao_insert_rate"

tmp=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill -KILL "$server" 2>/dev/null; rm -rf "$tmp"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
export KONG_ADMIN_LISTEN="127.0.0.1:$port" KONG_ADMIN_ACCESS_LOG="${ACCESS_LOG:-off}"
export KONG_NGINX_WORKER_PROCESSES="$WORKERS"
if [ -n "${KONG_PG_HOST:-}" ]; then
  backend=postgres
  export KONG_DATABASE=postgres
  "$KONGDB" migrations reset -y >/dev/null 2>&1 || true
  "$KONGDB" migrations bootstrap >/dev/null
else
  backend=sqlite
  export KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/kong.db"
fi

start_server() {
  "$KONGDB" start >"$tmp/server.out" 2>"$tmp/server.err" &
  server=$!
  for _ in $(seq 1 300); do
    "$KONGDB" health >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$tmp/server.err"
  return 1
}
stop_server() {
  kill -TERM "$server"
  wait "$server" || true
  server=""
}

# wrk's summary -> "req/s p50 p99 non2xx"
summarize() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
def lat(p):
    m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, text, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{float(rps):.0f} {lat(50):.2f} {lat(99):.2f} {non2xx.group(1) if non2xx else 0}")
PY
}

cat >"$tmp/post_consumers.lua" <<'LUA'
-- Unique usernames per thread and request: "<prefix>-<thread>-<n>".
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  prefix = args[1] or "bench"
  n = 0
end
function request()
  n = n + 1
  return wrk.format("POST", "/consumers", { ["Content-Type"] = "application/json" },
                    '{"username":"' .. prefix .. "-" .. tid .. "-" .. n .. '"}')
end
LUA

start_server
echo "== $backend, $WORKERS workers, wrk -t2 -c64 -d$DURATION, access log $KONG_ADMIN_ACCESS_LOG"
service_id=$(curl -s -X POST "$base/services" -H 'Content-Type: application/json' \
  -d '{"name":"bench","url":"http://example.com:8080/api","tags":["bench"]}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

wrk -t2 -c64 -d"$DURATION" --latency "$base/services/$service_id" >"$tmp/get_service.txt"
read -r get_rps get_p50 get_p99 get_errors < <(summarize "$tmp/get_service.txt")
echo "GET /services/{id}: $get_rps req/s, p50 $get_p50 ms, p99 $get_p99 ms, non-2xx $get_errors"

wrk -t2 -c64 -d"$DURATION" --latency -s "$tmp/post_consumers.lua" "$base" -- "w$$" >"$tmp/post.txt"
read -r post_rps post_p50 post_p99 post_errors < <(summarize "$tmp/post.txt")
echo "POST /consumers: $post_rps req/s, p50 $post_p50 ms, p99 $post_p99 ms, non-2xx $post_errors"
stop_server

dao_rate=$("$BUILD/dao_insert_rate" 5 "d$$" | awk '{print $2}')
printf 'DAO consumer insert, one per transaction, 1 thread: %.0f inserts/s; POST /consumers / DAO = %.2f\n' \
  "$dao_rate" "$(python3 -c "print($post_rps / $dao_rate)")"

# 500k plugin rows (one key-auth plugin per consumer), seeded by SQL in one transaction.
seed_start=$(date +%s.%N)
if [ "$backend" = sqlite ]; then
  sqlite3 "$KONG_SQLITE_PATH" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $SEED_ROWS)
INSERT INTO consumers (id, created_at, updated_at, username, ws_id)
SELECT printf('00000000-0000-4000-8000-%012d', i), 1700000000, 1700000000, 'seed-' || i,
       (SELECT id FROM workspaces WHERE name = 'default') FROM n;
INSERT INTO plugins (id, name, created_at, updated_at, consumer_id, config, protocols, enabled, ws_id, cache_key)
SELECT printf('00000000-0000-4000-9000-%012d', substr(c.id, 25) + 0), 'key-auth', 1700000000, 1700000000, c.id,
       '{"key_names":["apikey"],"hide_credentials":false,"anonymous":null,"key_in_header":true,"key_in_query":true,"key_in_body":false,"run_on_preflight":true,"realm":null}',
       '["grpc","grpcs","http","https"]', 1, c.ws_id, 'plugins:key-auth:::' || c.id || '::' || c.ws_id
FROM consumers c WHERE c.username LIKE 'seed-%';
COMMIT;
SQL
else
  PGPASSWORD="${KONG_PG_PASSWORD:-}" psql -q -v ON_ERROR_STOP=1 -h "$KONG_PG_HOST" -p "${KONG_PG_PORT:-5432}" \
    -U "${KONG_PG_USER:-kong}" -d "${KONG_PG_DATABASE:-kong}" <<SQL
BEGIN;
INSERT INTO consumers (id, created_at, updated_at, username, ws_id)
SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, now(), now(), 'seed-' || i,
       (SELECT id FROM workspaces WHERE name = 'default') FROM generate_series(1, $SEED_ROWS) i;
INSERT INTO plugins (id, name, created_at, updated_at, consumer_id, config, protocols, enabled, ws_id, cache_key)
SELECT ('00000000-0000-4000-9000-' || right(c.id::text, 12))::uuid, 'key-auth', now(), now(), c.id,
       '{"key_names":["apikey"],"hide_credentials":false,"anonymous":null,"key_in_header":true,"key_in_query":true,"key_in_body":false,"run_on_preflight":true,"realm":null}'::jsonb,
       '{grpc,grpcs,http,https}', true, c.ws_id, 'plugins:key-auth:::' || c.id || '::' || c.ws_id
FROM consumers c WHERE c.username LIKE 'seed-%';
COMMIT;
SQL
fi
seed_seconds=$(python3 -c "import time; print(round(time.time() - $seed_start, 1))")
echo "seeded $SEED_ROWS consumers + $SEED_ROWS plugins in ${seed_seconds}s"

start_server
first=$(curl -s -o "$tmp/root.json" -w '%{time_total}' "$base/")
python3 -c "import json; d=json.load(open('$tmp/root.json')); assert 'version' in d, d" ||
  { echo "GET / failed: $(head -c 300 "$tmp/root.json")"; exit 1; }
echo "GET / first request after start: $(python3 -c "print(round($first * 1000, 2))") ms"
wrk -t2 -c64 -d"$DURATION" --latency "$base/" >"$tmp/root.txt"
read -r root_rps root_p50 root_p99 root_errors < <(summarize "$tmp/root.txt")
echo "GET / with $SEED_ROWS plugins: $root_rps req/s, p50 $root_p50 ms, p99 $root_p99 ms, non-2xx $root_errors"
stop_server
