# The project's commands. `make test` is what CI runs (.ci/run); it sets up what is missing first.
SHELL := bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/tools/node_modules/.bin:$(PATH)

.PHONY: setup pkg test demo size bench fuzz bench-emulator

# Installs the toolchain a fresh machine lacks; a no-op when everything is there.
setup:
	@bash scripts/setup.sh

# Builds the npm package into pkg/.
pkg: setup
	@bash scripts/pkg.sh

# Native, Node, headless-Firefox and installed-package tests; fails if any runner ran none.
test: setup
	@bash scripts/test.sh

# The gzip -9 bytes a browser loads (.wasm and JS); fails above the limit.
size: pkg
	@bash scripts/size.sh

# This package against its peers and a node:crypto client (bench/bench.mjs), what the .wasm's
# import signatures cost a cold start (bench/wasm-imports.mjs), and the core natively.
bench: pkg
	@cargo build --quiet --release -p qcloud-cdn-emulator
	@node bench/bench.mjs
	@node bench/wasm-imports.mjs
	@cargo bench --quiet --bench core -- --warm-up-time 1 --measurement-time 3 2>&1 | grep -E "^[a-z].*time:"

# Fuzzes the reply parser and request building under libFuzzer, FUZZ_SECONDS (default 30) per target.
fuzz: setup
	@bash scripts/fuzz.sh

# Builds everything and serves the emulator, the demo page and the package on one origin.
demo: setup
	@bash scripts/demo.sh

# Requests per second the emulator verifies and answers on loopback.
bench-emulator:
	@cargo run --quiet --release -p qcloud-cdn-emulator --example load
