#!/usr/bin/env bash
# Every test: install dependencies, build with AddressSanitizer + UBSan (warnings are errors),
# run the unit, conformance (SQLite and a throw-away PostgreSQL 15) and integration tests (Kong's
# Go clients included: test/clients), then
# fuzz the Admin API against its OpenAPI document, then run each fuzz target for a bounded time,
# then the web GUI's unit and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Paths relative to the checkout in compiler caches, so a fresh clone reuses earlier builds.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

cmake --preset asan >/dev/null
cmake --build --preset asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest_log=$(mktemp)
trap 'rm -f "$ctest_log"' EXIT
# PostgreSQL tests need a server: a throw-away cluster is started for the run and removed after.
bash scripts/with_postgres.sh ctest --preset asan -j2 | tee "$ctest_log"

# The Admin API against its OpenAPI document (bounded, fixed seed): no server error, every
# response as documented.
bash scripts/with_postgres.sh bash scripts/api_fuzz.sh build/asan/bin/kongdb

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzzers
bash scripts/fuzz.sh build/fuzz "$FUZZ_SECONDS"

# The web GUI: Vitest unit tests of the schema-to-form mapping, then Playwright in Debian's
# chromium against the ASan `kongdb start` (bounded; a failure fails this script).
gui_status=0
bash scripts/gui.sh test build/asan/bin/kongdb || gui_status=$?

# The test runner's verdict, last, for whoever reads only the end of the log.
grep -E "tests passed|tests failed" "$ctest_log" | tail -n 1
exit "$gui_status"
