#!/usr/bin/env bash
# The web admin GUI (gui/: Vue 3 + Vite + TypeScript). npm's cache lives in gui/.npm-cache and
# node_modules is reused while package-lock.json is unchanged, so a second run needs no network.
#   bash scripts/gui.sh build [INSTALL_DIR]  # type-check and build gui/dist; copy it to INSTALL_DIR
#                                            # (kongdb looks in <bin>/../share/kongdb/gui)
#   bash scripts/gui.sh test KONGDB          # Vitest unit tests, then Playwright end-to-end in
#                                            # Debian's /usr/bin/chromium against `KONGDB start`
set -euo pipefail
# Paths given on the command line are relative to where the script was called from.
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
target=${2:+$(absolute "$2")}
cd "$(dirname "$0")/../gui"
export npm_config_cache="$PWD/.npm-cache" npm_config_audit=false npm_config_fund=false \
  npm_config_update_notifier=false PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

install_dependencies() {
  local stamp=node_modules/.kongdb-lock.sha256
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  npm ci --prefer-offline --no-progress
  echo "$want" >"$stamp"
}

build() {
  install_dependencies
  npm run --silent build
  if [ -n "${1:-}" ]; then
    rm -rf "$1"
    mkdir -p "$1"
    cp -r dist/. "$1"/
    echo "== Admin GUI installed in $1"
  fi
}

run_tests() {
  local kongdb=$1
  install_dependencies
  npm run --silent build  # the tests serve dist/: never a stale one
  local failed=0
  if KONGDB="$kongdb" timeout 300 npx vitest run; then
    echo "GUI unit tests (Vitest): passed"
  else
    echo "GUI unit tests (Vitest): FAILED"
    failed=1
  fi
  if KONGDB="$kongdb" timeout 600 npx playwright test; then
    echo "GUI end-to-end tests (Playwright, chromium): passed"
  else
    echo "GUI end-to-end tests (Playwright, chromium): FAILED"
    failed=1
  fi
  [ -f test-results/gui-numbers.json ] && echo "GUI numbers: $(tr -d '\n ' <test-results/gui-numbers.json)"
  return "$failed"
}

case "${1:-}" in
  build) build "$target" ;;
  test) run_tests "${target:?usage: scripts/gui.sh test KONGDB}" ;;
  *) echo "usage: scripts/gui.sh build [INSTALL_DIR] | test KONGDB" >&2; exit 2 ;;
esac
