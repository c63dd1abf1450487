#!/usr/bin/env bash
# examples/embed built the way a gateway builder builds it: `cmake --install` of this build
# tree into a scratch prefix, then find_package(kongdb) from a separate project, then run.
# Env: BUILD_DIR (this build tree), SOURCE_DIR, CXX_COMPILER, BUILD_TYPE.
# The scratch paths are fixed (inside BUILD_DIR) so ccache recognises the example's compile.
set -euo pipefail
scratch="$BUILD_DIR/embed_example"
rm -rf "$scratch"
mkdir -p "$scratch"

cmake --build "$BUILD_DIR" --target kongdb_installable >"$scratch/build.log" 2>&1 || { cat "$scratch/build.log"; exit 1; }
cmake --install "$BUILD_DIR" --prefix "$scratch/prefix" >"$scratch/install.log" 2>&1 || { cat "$scratch/install.log"; exit 1; }
for f in include/kongdb/app/open.h include/kongdb/dao/db.h lib/cmake/kongdb/kongdbConfig.cmake lib/libkongdb_app.a bin/kongdb; do
  [ -e "$scratch/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$SOURCE_DIR/examples/embed" -B "$scratch/build" -G Ninja -DCMAKE_PREFIX_PATH="$scratch/prefix" \
  -DCMAKE_CXX_COMPILER="$CXX_COMPILER" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "${launcher[@]}" \
  >"$scratch/configure.log" 2>&1 || { cat "$scratch/configure.log"; exit 1; }
cmake --build "$scratch/build" >"$scratch/example_build.log" 2>&1 || { cat "$scratch/example_build.log"; exit 1; }

out=$("$scratch/build/embed" "$scratch/embed.sqlite" 2>"$scratch/embed.err") || { cat "$scratch/embed.err"; echo "$out"; exit 1; }
echo "$out"
fail() { echo "FAIL: $1"; exit 1; }
[ "$(printf '%s\n' "$out" | grep -c '^page ')" = 3 ] || fail "expected 3 pages of services (2, 2, 1)"
for i in 1 2 3 4 5; do
  [ "$(printf '%s\n' "$out" | grep '^page ' | grep -o "service-$i\b" | wc -l)" = 1 ] || fail "service-$i not listed exactly once"
done
dup=$(printf '%s\n' "$out" | grep '^duplicate: ') || fail "no duplicate line"
for want in '"code":5' '"name":"unique constraint violation"' '"fields":{"name":"service-1"}'; do
  printf '%s' "$dup" | grep -qF "$want" || fail "duplicate error lacks $want: $dup"
done
echo "embed example: ok"
