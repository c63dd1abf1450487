#!/usr/bin/env bash
# Installs everything kongdb needs on Debian 12 (idempotent). Run as root or with sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git python3
  libboost-json1.81-dev libexpected-dev libfmt-dev libcli11-dev
  libpcre2-dev libssl-dev libsqlite3-dev libpq-dev postgresql-15
  libgtest-dev libgmock-dev libbenchmark-dev
  libluajit2-5.1-dev wrk libyaml-dev
  clang-14 libclang-rt-14-dev
  chromium
)
# The web GUI (gui/) is built with Node.js and npm; Debian's packages unless Node is already there.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PACKAGES+=(nodejs npm); fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
