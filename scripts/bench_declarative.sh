#!/usr/bin/env bash
# The declarative benchmark of BENCHMARKS.md: the issue's 100k-entity file (25k services with
# a route each, 25k consumers with a key-auth credential each) parsed, imported and exported
# (bench/declarative/declarative_bench: the library calls `kongdb config` makes, phase by
# phase), against the raw driver writing the same rows in the same run
# (bench/declarative/raw_bulk_load). SQLite always; PostgreSQL when KONG_PG_HOST is set.
# With a release `kongdb`, the CLI commands end to end too.
#
#   cmake --preset release && cmake --build --preset release --target declarative_bench raw_bulk_load kongdb
#   bash scripts/with_postgres.sh bash scripts/bench_declarative.sh [build/release]
set -euo pipefail
BUILD=${1:-build/release}
BENCH=$BUILD/bin/declarative_bench
RAW=$BUILD/bin/raw_bulk_load
# Creating empty databases for the raw baseline needs any kongdb build.
SETUP_KONGDB=$BUILD/bin/kongdb
[ -x "$SETUP_KONGDB" ] || SETUP_KONGDB=build/asan/bin/kongdb
SCALE=${SCALE:-25000}
tmp=$(mktemp -d)
pg_import="bench_import_$$" pg_raw="bench_raw_$$"
cleanup() {
  rm -rf "$tmp"
  if [ -n "${KONG_PG_HOST:-}" ]; then
    psql -q -h "$KONG_PG_HOST" -p "$KONG_PG_PORT" -U "$KONG_PG_USER" -d "$KONG_PG_DATABASE" \
      -c "DROP SCHEMA IF EXISTS $pg_import CASCADE; DROP SCHEMA IF EXISTS $pg_raw CASCADE" 2>/dev/null || true
  fi
}
trap cleanup EXIT
TABLES=(services routes consumers keyauth_credentials)

python3 "$(dirname "$0")/../bench/declarative/generate_100k.py" "$tmp/kong.yml" --scale "$SCALE"
echo "file: $((4 * SCALE)) entities, $(stat -c %s "$tmp/kong.yml") bytes"
"$BENCH" "$tmp/kong.yml" "$tmp/import.db" ${KONG_PG_HOST:+"$pg_import"}

KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/raw.db" "$SETUP_KONGDB" migrations bootstrap >/dev/null
echo -n "sqlite raw (prepared inserts, one transaction): "
"$RAW" sqlite "$tmp/import.db" "$tmp/raw.db" "${TABLES[@]}"
if [ -n "${KONG_PG_HOST:-}" ]; then
  KONG_DATABASE=postgres KONG_PG_SCHEMA="$pg_raw" "$SETUP_KONGDB" migrations bootstrap >/dev/null
  echo -n "postgres raw (COPY, one transaction): "
  "$RAW" postgres "host=$KONG_PG_HOST port=$KONG_PG_PORT user=$KONG_PG_USER dbname=$KONG_PG_DATABASE" \
    "$pg_import" "$pg_raw" "${TABLES[@]}"
fi

# The CLI end to end (process start, configuration, bootstrap check included).
if [ -x "$BUILD/bin/kongdb" ]; then
  timed() { local label=$1; shift; /usr/bin/time -f "$label: %e s wall, %M KiB max RSS" "$@" >/dev/null; }
  export KONG_DATABASE=sqlite KONG_SQLITE_PATH="$tmp/cli.db"
  timed "kongdb config parse" "$BUILD/bin/kongdb" config parse "$tmp/kong.yml" --quiet
  timed "kongdb config db_import (sqlite)" "$BUILD/bin/kongdb" config db_import "$tmp/kong.yml" --quiet
  timed "kongdb config db_export (sqlite)" "$BUILD/bin/kongdb" config db_export "$tmp/export.yml" --quiet
fi
