#!/usr/bin/env bash
# The declarative benchmark of BENCHMARKS.md: the issue's 100k-entity file (25k services with
# a route each, 25k consumers with a key-auth credential each) through `kongdb config parse`,
# `db_import` and `db_export`, against the raw driver writing the same rows in the same run.
# SQLite always; PostgreSQL when KONG_PG_HOST is set (run it under scripts/with_postgres.sh).
#
#   cmake --preset release && cmake --build --preset release --target kongdb raw_bulk_load
#   bash scripts/with_postgres.sh bash scripts/bench_declarative.sh [build/release]
set -euo pipefail
BUILD=${1:-build/release}
KONGDB=$BUILD/bin/kongdb
RAW=$BUILD/bin/raw_bulk_load
SCALE=${SCALE:-25000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TABLES=(services routes consumers keyauth_credentials)

python3 "$(dirname "$0")/../bench/declarative/generate_100k.py" "$tmp/kong.yml" --scale "$SCALE"
echo "file: $((4 * SCALE)) entities, $(stat -c %s "$tmp/kong.yml") bytes"

timed() {  # timed LABEL CMD...: wall seconds and peak RSS of one run
  local label=$1
  shift
  /usr/bin/time -f "$label: %e s wall, %M KiB max RSS" "$@" >/dev/null
}

export KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/import.db"
timed "parse" "$KONGDB" config parse "$tmp/kong.yml" --quiet
"$KONGDB" migrations bootstrap >/dev/null
timed "sqlite db_import" "$KONGDB" config db_import "$tmp/kong.yml" --quiet
timed "sqlite db_export" "$KONGDB" config db_export "$tmp/export.yml" --quiet
KONG_SQLITE_PATH="$tmp/raw.db" "$KONGDB" migrations bootstrap >/dev/null
echo -n "sqlite raw (prepared inserts, one transaction): "
"$RAW" sqlite "$tmp/import.db" "$tmp/raw.db" "${TABLES[@]}"

if [ -n "${KONG_PG_HOST:-}" ]; then
  export KONG_DATABASE=postgres KONG_PG_SCHEMA="bench_import_$$"
  "$KONGDB" migrations bootstrap >/dev/null
  timed "postgres db_import" "$KONGDB" config db_import "$tmp/kong.yml" --quiet
  timed "postgres db_export" "$KONGDB" config db_export "$tmp/export-pg.yml" --quiet
  KONG_PG_SCHEMA="bench_raw_$$" "$KONGDB" migrations bootstrap >/dev/null
  echo -n "postgres raw (COPY, one transaction): "
  "$RAW" postgres "host=$KONG_PG_HOST port=$KONG_PG_PORT user=$KONG_PG_USER dbname=$KONG_PG_DATABASE" \
    "bench_import_$$" "bench_raw_$$" "${TABLES[@]}"
  "$KONGDB" migrations reset -y >/dev/null
  KONG_PG_SCHEMA="bench_raw_$$" "$KONGDB" migrations reset -y >/dev/null
fi
