#!/usr/bin/env bash
# The main job: install dependencies, build the optimised kongdb and its web GUI, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Paths relative to the checkout in compiler caches, so a fresh clone reuses earlier builds.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset release >/dev/null
cmake --build --preset release
bash scripts/gui.sh build build/release/share/kongdb/gui
echo "== kongdb is at build/release/bin/kongdb (its web GUI in build/release/share/kongdb/gui)"
bash scripts/demo.sh build/release/bin/kongdb
