#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, from the checked-in seeds.
set -euo pipefail
BUILD_DIR=${1:-build/fuzz}
SECONDS_EACH=${2:-30}
for target in "$BUILD_DIR"/test/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus=$(mktemp -d)
  seeds="test/fuzz/seeds/${name#fuzz_}"
  echo "== $name for ${SECONDS_EACH}s"
  "$target" -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    "$corpus" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} 2>&1 | tail -n 12
  rm -rf "$corpus"
done
