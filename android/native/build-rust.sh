#!/usr/bin/env bash
# Cross-builds the bindings crate (splitline-bindings, a cdylib) for the
# app's ABIs and copies each library to target/android/<profile>/jniLibs/ABI/.
#
#   android/native/build-rust.sh [--release] [ABI...]   (default: all three)
#
# The C toolchain comes from toolchain.sh (the NDK with ANDROID_NDK_HOME, else
# Debian's clang and lld against generated stubs). Release builds use LTO, one
# codegen unit, opt-level z and are stripped (set here, not in the workspace's
# profile, so host builds keep theirs). Runs under `nice -n 19`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
profile=debug
abis=()
for arg in "$@"; do
  case $arg in
    --release) profile=release ;;
    arm64-v8a|armeabi-v7a|x86_64) abis+=("$arg") ;;
    *) echo "build-rust.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
[ ${#abis[@]} -gt 0 ] || abis=(arm64-v8a armeabi-v7a x86_64)

eval "$(android/native/toolchain.sh)"
cargo_flags=(--locked -p splitline-bindings --lib)
if [ "$profile" = release ]; then
  cargo_flags+=(--release)
  export CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_STRIP=true
fi
for abi in "${abis[@]}"; do
  case $abi in
    arm64-v8a) target=aarch64-linux-android ;;
    armeabi-v7a) target=armv7-linux-androideabi ;;
    x86_64) target=x86_64-linux-android ;;
  esac
  rustup target list --installed | grep -qx "$target" \
    || { echo "build-rust.sh: the Rust target $target is missing (./build.sh setup adds it)" >&2; exit 1; }
  echo "== cargo build ($profile) for $abi ($target)" >&2
  nice -n 19 cargo build "${cargo_flags[@]}" --target "$target"
  out="target/android/$profile/jniLibs/$abi"
  mkdir -p "$out"
  cp "target/$target/$profile/libsplitline_bindings.so" "$out/"
done
