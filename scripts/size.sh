#!/usr/bin/env bash
# `make size`: the bytes a browser downloads to purge, gzip -9: the .wasm and the JS it loads
# (browser.js and api.js, the wasm-bindgen glue, its snippets). Fails above LIMIT bytes.
# Reads pkg/ as built by scripts/pkg.sh; run `make pkg` first (make size does).
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=${LIMIT:-40960}

gz() { gzip -9 -c "$1" | wc -c; }
total=0
printf '%-52s %9s %9s\n' file raw gzip-9
for f in pkg/qcloud_cdn_refresh_bg.wasm pkg/browser.js pkg/api.js pkg/qcloud_cdn_refresh.js pkg/snippets/*/src/js/*.js; do
  raw=$(wc -c < "$f")
  z=$(gz "$f")
  total=$((total + z))
  printf '%-52s %9d %9d\n' "${f#pkg/}" "$raw" "$z"
done
printf '%-52s %9s %9d  (limit %d)\n' "total a browser loads" "" "$total" "$LIMIT"
if [ "$total" -gt "$LIMIT" ]; then
  echo "make size: $total bytes gzipped is over the $LIMIT-byte limit"
  exit 1
fi
