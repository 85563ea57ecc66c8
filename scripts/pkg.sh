#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack's web-target glue and .wasm, plus the
# hand-written parts in pkg-template/. Called by `make pkg`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

# --target web: one ES module glue that every runtime can load with initSync or a URL;
# --no-pack: package.json comes from pkg-template/, not from wasm-pack.
wasm-pack build --release --target web --out-dir target/pkg-web --out-name qcloud_cdn_refresh --no-pack

rm -rf pkg
mkdir -p pkg
cp -r target/pkg-web/qcloud_cdn_refresh.js target/pkg-web/qcloud_cdn_refresh.d.ts \
      target/pkg-web/qcloud_cdn_refresh_bg.wasm target/pkg-web/snippets pkg/
cp pkg-template/* pkg/
cp README.md pkg/README.md

version=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
cdn_error=$(cd pkg && ls snippets/*/src/js/cdn_error.js)
sed -i "s|@VERSION@|$version|" pkg/package.json
sed -i "s|@CDN_ERROR_JS@|$cdn_error|" pkg/node.js
echo "pkg: built pkg/ ($version)"
