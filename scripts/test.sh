#!/usr/bin/env bash
# Runs every test suite, and fails when one fails or reports no test at all (wasm-pack test
# exits 0 when a file is filtered out, so a silent zero is treated as a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/test-logs
passed=0

# Every test's temporary files go under one directory of this run, which must be empty after
# each suite, and no process started with it may still run (scripts/tmpdir.sh).
source scripts/tmpdir.sh
trap finish EXIT

# suite NAME PATTERN COMMAND...: runs COMMAND, then sums the counts PATTERN captures in its log.
suite() {
  local name=$1 pattern=$2; shift 2
  local log=target/test-logs/$name.log
  echo "== $name: $*"
  if ! "$@" > >(tee "$log") 2>&1; then
    echo "make test: $name failed (log: $log)"
    exit 1
  fi
  local n
  n=$(grep -oE "$pattern" "$log" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  if [ "$n" -eq 0 ]; then
    echo "make test: $name ran no test (log: $log)"
    exit 1
  fi
  echo "== $name: $n passed"
  left "$name"
  passed=$((passed + n))
}

# Formatting (rustfmt.toml) and lints first, warnings as errors: the native workspace with its
# tests and benches, and the wasm-only boundary (src/js, src/runtime.rs) as `make pkg` builds it.
echo "== rustfmt"
cargo fmt --all --check
echo "== clippy"
cargo clippy --quiet --workspace --all-targets -- -D warnings
cargo clippy --quiet --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --tests -- -D warnings

# scripts/tmpdir.sh's checks each fail when they should, and a run cut short still cleans up.
suite tmpdir 'tmpdir: [0-9]+ checks passed' bash tests/tmpdir.test.sh
suite native 'test result: ok\. [0-9]+ passed' cargo test --test native
suite properties 'test result: ok\. [0-9]+ passed' cargo test --test properties
suite fuzz-crate 'test result: ok\. [0-9]+ passed' cargo test -p qcloud-cdn-fuzz
# make fuzz builds and runs: each target a few seconds under libFuzzer.
suite fuzz 'fuzz: [0-9]+ targets ran' env FUZZ_SECONDS=3 bash scripts/fuzz.sh
suite emulator 'test result: ok\. [0-9]+ passed' cargo test -p qcloud-cdn-emulator
suite wasm-node 'test result: ok\. [0-9]+ passed' wasm-pack test --node -- --test node
suite wasm-firefox 'test result: ok\. [0-9]+ passed' wasm-pack test --headless --firefox -- --test browser
bash scripts/pkg.sh
left pkg
echo "== size"
bash scripts/size.sh
left size
cargo build --release -p qcloud-cdn-emulator
suite package 'ℹ pass [0-9]+' node --test --test-reporter=spec tests/js/
# The tests that lean on the runtime's fetch (its errors, aborts, timeouts and proxies decide what
# is pending and what may be purged) again under Node 22, 24 and 26, the lines still maintained
# (the machine's Node may be none of them; 24's and 26's fetch is a newer undici).
for major in 22 24 26; do
  suite "package-node$major" 'ℹ pass [0-9]+' "tools/node$major/bin/node" --test --test-reporter=spec \
    tests/js/reliability.test.mjs tests/js/v3.test.mjs tests/js/proxy.test.mjs
done
# The same under the newest Deno and Bun, whose test runners run node:test files (Deno 2.0's has
# no before/after) and whose fetch fails in its own words and ways (tests/js/reliability.test.mjs).
# bun test ends a test after 5 s, shorter than v3.test.mjs's type check.
suite package-deno 'ok \| [0-9]+ passed' env NO_COLOR=1 DENO_NO_UPDATE_CHECK=1 deno test --allow-all --no-check \
  tests/js/reliability.test.mjs tests/js/v3.test.mjs
suite package-bun '^ [0-9]+ pass$' bun test --timeout 60000 ./tests/js/reliability.test.mjs ./tests/js/v3.test.mjs
# make bench runs, and each comparison's two sides produce the same bytes (speed is not judged here).
suite bench 'bench: [0-9]+ comparisons ran' node bench/bench.mjs --quick
echo "== bench-imports"
node bench/wasm-imports.mjs --quick
left bench-imports
echo "== bench-double"
node bench/double.mjs --quick
left bench-double

echo "make test: $passed passed, 0 failed"
