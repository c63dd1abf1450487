#!/usr/bin/env bash
# Creates (once) the Python virtualenv the API-contract tests use, build/pyenv, with the pinned
# tools of test/contract/requirements.txt from PyPI, and prints its bin directory.
# Re-installs when the requirements file changed since the last run.
# `pyenv.sh DIR/requirements.txt` makes a separate one, build/pyenv-DIR, from that file (e.g. the
# benchmarks' bench/requirements.txt), so heavy tools stay out of the contract tests' venv.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -ge 1 ]; then
  requirements="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  venv=${KONGDB_PYENV:-$root/build/pyenv-$(basename "$(dirname "$requirements")")}
else
  requirements="$root/test/contract/requirements.txt"
  venv=${KONGDB_PYENV:-$root/build/pyenv}
fi
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv" >&2; fi
if ! cmp -s "$requirements" "$stamp"; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
echo "$venv/bin"
