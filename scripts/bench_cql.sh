#!/usr/bin/env bash
# Our CQL client against the Python cassandra-driver (C extensions), same prepared writes and
# reads, same in-flight depth, same throw-away Cassandra node, one run. The first pass (ours)
# warms the JVM up and is not a measurement; then Python, ours, Python, ours alternate.
#   scripts/bench_cql.sh [requests=20000] [in_flight=64]
# Builds bench/cql_bench in the release preset and the bench venv (bench/requirements.txt).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
requests=${1:-20000}
in_flight=${2:-64}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=1
cmake --preset release >/dev/null
cmake --build --preset release --target cql_bench -j2 >/dev/null
python_bin=$(bash scripts/pyenv.sh bench/requirements.txt)
bash scripts/with_cassandra.sh bash -c "
  echo '== warm-up (not a measurement)' && build/release/bin/cql_bench $requests $in_flight &&
  echo '== measured' &&
  '$python_bin/python' bench/cql_bench.py $requests $in_flight &&
  build/release/bin/cql_bench $requests $in_flight &&
  '$python_bin/python' bench/cql_bench.py $requests $in_flight &&
  build/release/bin/cql_bench $requests $in_flight"
