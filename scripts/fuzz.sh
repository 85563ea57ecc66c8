#!/usr/bin/env bash
# `make fuzz`: each target of fuzz/src/lib.rs under libFuzzer (cargo-fuzz, fuzz/libfuzzer/),
# with coverage feedback, AddressSanitizer and the protocol's tokens (fuzz/libfuzzer/tokens.dict),
# for FUZZ_SECONDS each (default 30). It starts from the committed corpus (fuzz/corpus/<target>/),
# which it only reads: what it finds goes to a scratch directory, removed afterwards. A failing
# input is saved as fuzz/artifacts/<target>/crash-…, which `make test` then replays
# (fuzz/tests/corpus.rs) until it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${FUZZ_SECONDS:-30}
# cargo-fuzz passes rustc `-Z` flags (the sanitizer): the machine's one toolchain is stable, and
# RUSTC_BOOTSTRAP=1 lets it take them, for this build only.
export RUSTC_BOOTSTRAP=1
scratch=$(mktemp -d)
# Empty artifact directories (no failure; cargo-fuzz's own, which -artifact_prefix replaces) go too.
trap 'rm -rf "$scratch"; find fuzz/artifacts fuzz/libfuzzer/artifacts -type d -empty -delete 2>/dev/null || true' EXIT
ran=0
# Every binary of fuzz/libfuzzer/Cargo.toml, each a target of fuzz/src/lib.rs.
for target in $(cargo fuzz list --fuzz-dir fuzz/libfuzzer); do
  mkdir -p "$scratch/$target" "fuzz/artifacts/$target"
  echo "== fuzz $target: ${seconds} s"
  set +e
  cargo fuzz run --fuzz-dir fuzz/libfuzzer "$target" "$scratch/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -dict=fuzz/libfuzzer/tokens.dict \
    -artifact_prefix="fuzz/artifacts/$target/" -print_final_stats=1 2>&1 \
    | tee "$scratch/$target.log" | grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse)|^\s+NEW_FUNC|^"|^###### |Uses: '
  status=${PIPESTATUS[0]}
  set -e
  [ "$status" -eq 0 ] || { echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/"; exit 1; }
  grep -qE '^Done [1-9][0-9]* runs' "$scratch/$target.log" || { echo "fuzz: $target ran no input"; exit 1; }
  ran=$((ran + 1))
done
echo "fuzz: $ran targets ran, no failure"
