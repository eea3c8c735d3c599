#!/usr/bin/env bash
# Generates the Kotlin bindings the shell compiles (uniffi library mode) into
# target/android/kotlin-bindings/, from the metadata in a built library.
#
#   android/kotlin-bindings.sh [LIBRARY]
#
# LIBRARY: a built libsplitline_bindings.so, of any architecture (android/apk.sh
# passes the arm64 one it just built); without it, a host build of the crate.
# The generator is target/debug/uniffi-bindgen (built if needed), or the
# uniffi-bindgen 0.32 named by UNIFFI_BINDGEN.
set -euo pipefail
cd "$(dirname "$0")/.."
library=${1:-}
bindgen=${UNIFFI_BINDGEN:-target/debug/uniffi-bindgen}
if [ -z "${UNIFFI_BINDGEN:-}" ] || [ -z "$library" ]; then
  echo "== host build of the bindings crate (uniffi-bindgen)" >&2
  nice -n 19 cargo build --quiet --locked -p splitline-bindings --lib --bin uniffi-bindgen
fi
library=${library:-target/debug/libsplitline_bindings.so}
out=target/android/kotlin-bindings
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
"$bindgen" generate --library "$library" --language kotlin --no-format --out-dir "$out.tmp" >/dev/null
# Unchanged bindings keep their files' times, so a Maven build newer than them
# is reused (android/lib.sh maven_outputs_current).
if diff -rq "$out.tmp" "$out" >/dev/null 2>&1; then
  rm -rf "$out.tmp"
  echo "Kotlin bindings in $out/uniffi/splitline_bindings/ unchanged (from $library)" >&2
else
  rm -rf "$out" && mv "$out.tmp" "$out"
  echo "Kotlin bindings in $out/uniffi/splitline_bindings/ (from $library)" >&2
fi
