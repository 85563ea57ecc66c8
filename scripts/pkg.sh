#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack's web-target glue and .wasm (one copy, shared by
# every entry), the hand-written entries in pkg-template/, and node.cjs bundled from the glue
# for CommonJS. Called by `make pkg`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/tools/node_modules/.bin:$PATH"

# --target web: one ES module glue that every runtime can load with initSync or a URL;
# --no-pack: package.json comes from pkg-template/, not from wasm-pack.
# --no-default-features: no `std` in the .wasm; src/runtime.rs brings a smaller allocator and panic handler.
wasm-pack build --release --target web --out-dir target/pkg-web --out-name qcloud_cdn_refresh --no-pack \
  -- --no-default-features
# One-letter import and export names in the .wasm and the glue (see the script): 1.5 KB gzipped.
node scripts/short-names.mjs target/pkg-web
# The functions in an order gzip compresses better (see the script): about 500 bytes gzipped.
node scripts/order-functions.mjs target/pkg-web/qcloud_cdn_refresh_bg.wasm
# core's "00".."99" table, left in the data after wasm-opt removed the code that read it (see the
# script): about 200 bytes gzipped.
node scripts/drop-digit-table.mjs target/pkg-web/qcloud_cdn_refresh_bg.wasm
# Branches of wasm-bindgen's glue that no entry reaches (see the script); a glue of another
# shape stops the build.
node scripts/cut-glue.mjs target/pkg-web/qcloud_cdn_refresh.js

rm -rf pkg
mkdir -p pkg
cp -r target/pkg-web/qcloud_cdn_refresh.js target/pkg-web/qcloud_cdn_refresh.d.ts \
      target/pkg-web/qcloud_cdn_refresh_bg.wasm target/pkg-web/snippets pkg/
cp pkg-template/* pkg/

version=$(awk -F'"' '/^version = /{print $2; exit}' Cargo.toml)
cdn_error=$(cd pkg && ls snippets/*/src/js/cdn_error.js)
sed -i "s|@VERSION@|$version|" pkg/package.json
sed -i "s|@CDN_ERROR_JS@|$cdn_error|" pkg/*.js pkg/*.mjs

# Both Node entries carry the .wasm inside as base64 (see node.mjs and node-cjs.js), written
# here to be bundled in.
node -e 'const fs = require("fs");
fs.writeFileSync("pkg/wasm-base64.js", `export default "${fs.readFileSync("pkg/qcloud_cdn_refresh_bg.wasm").toString("base64")}";\n`);'

# CommonJS: the ES-module glue, CdnError and the .wasm bundled into one file. The glue's
# URL-based loader (import.meta.url) is never called here, so its warning is moot. The banner
# takes TextDecoder and TextEncoder from node:util, not the global object: Jest's jsdom
# environment resolves `require` to this entry (its conditions hold "node") but gives it
# jsdom's globals, which have neither.
esbuild pkg/node-cjs.js --bundle --platform=node --format=cjs --target=node18 --log-level=warning \
  --log-override:empty-import-meta=silent --outfile=pkg/node.cjs \
  --banner:js='const { TextDecoder, TextEncoder } = require("node:util");'
rm pkg/node-cjs.js

# The glue's own loader types (InitInput, initSync, the default export) go: no entry exports
# them, and they name DOM-only types (RequestInfo, BufferSource, WebAssembly), which a Node
# project compiled without the DOM library (as @tsconfig/node20's) would fail to check.
node -e 'const fs = require("fs"), f = "pkg/qcloud_cdn_refresh.d.ts", text = fs.readFileSync(f, "utf8");
const at = text.indexOf("\nexport type InitInput ");
if (at < 0) { console.error("pkg: no InitInput in the glue types"); process.exit(1); }
fs.writeFileSync(f, text.slice(0, at + 1));'

# TypeScript's types for `require` (the exports map's types.require): the same declarations as
# .d.cts files, which TypeScript reads as CommonJS. With only the ES-module .d.ts, a CommonJS
# project compiled with `module: node16` (or nodenext before TypeScript 5.8) refuses the import.
sed 's|"./qcloud_cdn_refresh.js"|"./qcloud_cdn_refresh.cjs"|g' pkg/index.d.ts > pkg/index.d.cts
if grep -q '\.js"' pkg/index.d.cts; then echo "pkg: index.d.cts still points at a .js" >&2; exit 1; fi
cp pkg/qcloud_cdn_refresh.d.ts pkg/qcloud_cdn_refresh.d.cts

# Node, import: one module instead of eight, which a fresh process loads a few ms sooner.
esbuild pkg/node.mjs --bundle --platform=node --format=esm --target=node18 --log-level=warning \
  --outfile=pkg/node.mjs --allow-overwrite
rm pkg/wasm-base64.js pkg/instantiate.js

# Browsers: browser.js becomes one minified ES module with the glue, api.js and the snippets
# inside (one request, half the gzipped bytes); the .wasm stays beside it, found through
# new URL(..., import.meta.url), which esbuild leaves as written. The .d.ts files document it.
esbuild pkg/browser.js --bundle --minify --format=esm --target=es2020 --log-level=warning \
  --outfile=pkg/browser.js --allow-overwrite
# Then terser, whose compressor goes further than esbuild's (it puts a function called once and a
# constant into their uses): 181 bytes gzipped. Two passes; a third saved 4.
terser pkg/browser.js --module --ecma 2020 --compress passes=2 --mangle --output pkg/browser.js
# Workers: workerd.js becomes one ES module too, its .wasm import left to the Worker's bundler and
# runtime. Bundled, it holds only the glue it uses (initSync), not the glue's async loader, whose
# new URL(..., import.meta.url) makes Rspack compute a base URL at startup, which fails in workerd.
esbuild pkg/workerd.js --bundle --format=esm --target=es2022 --log-level=warning \
  --external:./qcloud_cdn_refresh_bg.wasm --outfile=pkg/workerd.js --allow-overwrite
# Vercel's Edge Runtime: edge.js the same way, its `?module` import left to webpack or Turbopack.
esbuild pkg/edge.js --bundle --format=esm --target=es2022 --log-level=warning \
  --external:./qcloud_cdn_refresh_bg.wasm?module --outfile=pkg/edge.js --allow-overwrite

# Every entry now holds the glue, api.js and the snippets: they leave the package, and stay in
# target/pkg-internal/ for the tests that reach api.js's trap hook (tests/js/reliability.test.mjs).
rm -rf target/pkg-internal
mkdir -p target/pkg-internal
mv pkg/api.js pkg/qcloud_cdn_refresh.js pkg/snippets target/pkg-internal/
cp pkg/qcloud_cdn_refresh_bg.wasm target/pkg-internal/
chmod +x pkg/cli.js
echo "pkg: built pkg/ ($version)"
