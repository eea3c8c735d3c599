#!/usr/bin/env bash
# The fuzz targets (fuzz/fuzz_targets, cargo-fuzz on the nightly toolchain).
#   fuzz/run.sh setup                  install cargo-fuzz (crates.io) and nightly if missing (run and ci do it first)
#   fuzz/run.sh run TARGET SECONDS     fuzz one target, from its seeds and its corpus
#   fuzz/run.sh ci [SECONDS]           build every target, run each briefly (5 s) on its seeds
#   fuzz/run.sh list                   the targets
# One build serves all: every target in one cargo invocation, in release with
# debug assertions and no sanitizer (the code under test forbids `unsafe`;
# FUZZ_SANITIZER=address builds with ASan instead), in target/fuzz so that it
# never clashes with the stable builds. The corpus grows in
# target/fuzz/corpus/TARGET; crashes land in target/fuzz/artifacts/TARGET.
# One fuzz process at a time, at nice 15: the cores are shared.
set -euo pipefail
cd "$(dirname "$0")"
FUZZ_DIR=$PWD
OUT=$(cd .. && pwd)/target/fuzz
export CARGO_TARGET_DIR=$OUT
SANITIZER=${FUZZ_SANITIZER:-none}
CARGO_FUZZ_VERSION=0.13.2

fail() { echo "fuzz/run.sh: $*" >&2; exit 1; }

targets() { sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^splitline-fuzz$'; }

setup() {
  rustup toolchain list | grep -q '^nightly' \
    || rustup toolchain install nightly --profile minimal \
    || fail "the nightly toolchain is missing and rustup could not install it (libFuzzer needs nightly: rustup toolchain install nightly)"
  if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io" >&2
    nice -n 10 cargo install --locked --version "$CARGO_FUZZ_VERSION" cargo-fuzz \
      || fail "could not install cargo-fuzz with 'cargo install cargo-fuzz' (is crates.io reachable?)"
  fi
}

build() {
  setup
  nice -n 10 cargo +nightly fuzz build --sanitizer "$SANITIZER" >&2
}

# Runs TARGET for SECONDS from its seeds; prints one summary line:
# target, executions, seconds, edges covered, crashes.
run() {
  local target=$1 seconds=$2
  local corpus=$OUT/corpus/$target artifacts=$OUT/artifacts/$target log=$OUT/logs/$target.log
  mkdir -p "$corpus" "$artifacts" "$OUT/logs"
  local status=0
  nice -n 15 cargo +nightly fuzz run --sanitizer "$SANITIZER" "$target" "$corpus" "$FUZZ_DIR/seeds/$target" -- \
    -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/" \
    -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1 || status=$?
  local execs cov crashes
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  crashes=$(find "$artifacts" -type f | wc -l)
  printf '%s\texecutions=%s\tseconds=%s\tedges=%s\tcrashes=%s\n' \
    "$target" "${execs:-?}" "$seconds" "${cov:-?}" "$crashes"
  if [ "$status" -ne 0 ]; then
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | head -5 >&2
    echo "fuzz/run.sh: $target failed; its log: $log; the input: $(ls -t "$artifacts" | head -1)" >&2
    return 1
  fi
}

ci() {
  local seconds=${1:-5} target failed=0
  build
  for target in $(targets); do
    # A fresh corpus: CI runs the checked-in seeds, then mutates them briefly.
    rm -rf "$OUT/corpus/$target" "$OUT/artifacts/$target"
    run "$target" "$seconds" || failed=1
  done
  [ "$failed" -eq 0 ] || fail "a fuzz target failed"
}

case "${1:-}" in
  setup) setup ;;
  build) build ;;
  run)
    [ $# -eq 3 ] || fail "usage: ./build.sh fuzz TARGET SECONDS (fuzz/run.sh run TARGET SECONDS)"
    targets | grep -qx "$2" || fail "no target '$2'; the targets: $(targets | tr '\n' ' ')"
    [[ $3 =~ ^[0-9]+$ ]] || fail "SECONDS must be a whole number, not '$3'"
    build
    run "$2" "$3"
    ;;
  ci) ci "${2:-}" ;;
  list) targets ;;
  *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
