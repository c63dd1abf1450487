#!/usr/bin/env bash
# Creates (once) the Python virtualenv the API-contract tests use, build/pyenv, with the pinned
# tools of test/contract/requirements.txt from PyPI, and prints its bin directory.
# Re-installs when the requirements file changed since the last run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv=${KONGDB_PYENV:-$root/build/pyenv}
requirements="$root/test/contract/requirements.txt"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv" >&2; fi
if ! cmp -s "$requirements" "$stamp"; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
echo "$venv/bin"
