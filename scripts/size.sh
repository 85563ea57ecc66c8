#!/usr/bin/env bash
# `make size`: the bytes a browser downloads to purge, gzip -9: the .wasm and the JS it loads
# (browser.js, one bundle of the wasm-bindgen glue, api.js and the snippets). Fails above LIMIT.
# Reads pkg/ as built by scripts/pkg.sh; run `make pkg` first (make size does).
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=${LIMIT:-31232}

gz() { gzip -9 -c "$1" | wc -c; }
total=0
printf '%-52s %9s %9s\n' file raw gzip-9
for f in pkg/qcloud_cdn_refresh_bg.wasm pkg/browser.js; do
  raw=$(wc -c < "$f")
  z=$(gz "$f")
  total=$((total + z))
  printf '%-52s %9d %9d\n' "${f#pkg/}" "$raw" "$z"
done
printf '%-52s %9s %9d  (limit %d)\n' "total a browser loads" "" "$total" "$LIMIT"
# What the .wasm is made of: the same cargo build through wasm-bindgen and wasm-opt (the flags
# from Cargo.toml, plus -g to keep the names), by crate and by function. It is in wasm-opt's
# order: binaryen's text round trip, which scripts/order-functions.mjs needs, does not keep a
# names section byte for byte. The shipped order gives calls shorter indices: a few hundred
# bytes less code than this build shows.
built=target/wasm32-unknown-unknown/release/qcloud_cdn_refresh.wasm
if [ -f "$built" ] && command -v wasm-bindgen >/dev/null && command -v wasm-opt >/dev/null; then
  tmp=$(mktemp -d)
  flags=$(sed -n 's/^wasm-opt = \[\(.*\)\]/\1/p' Cargo.toml | tr -d '",')
  wasm-bindgen --target web --out-dir "$tmp" "$built"
  # shellcheck disable=SC2086
  wasm-opt $flags -g "$tmp/qcloud_cdn_refresh_bg.wasm" -o "$tmp/named.wasm"
  node scripts/drop-digit-table.mjs "$tmp/named.wasm" >/dev/null
  echo
  python3 scripts/wasm_top.py "$tmp/named.wasm" 12 | sed 's/^/  /'
  rm -rf "$tmp"
fi
if [ "$total" -gt "$LIMIT" ]; then
  echo "make size: $total bytes gzipped is over the $LIMIT-byte limit"
  exit 1
fi
