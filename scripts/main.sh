#!/usr/bin/env bash
# The main job: install dependencies, build the optimised kongdb, and run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
echo "== kongdb is at build/release/bin/kongdb"
bash scripts/demo.sh build/release/bin/kongdb
