#!/usr/bin/env bash
# Prepares the C toolchain for the Android cross builds of the bindings crate
# and prints, as `export` lines, the environment cargo needs for it.
#
#   eval "$(android/native/toolchain.sh)"
#
# With ANDROID_NDK_HOME set, the NDK's own clang wrappers are used.
# Without it (this machine), it generates in target/android-toolchain/:
#   bin/<triple>26-clang   linker/compiler wrappers named like the NDK's (rustc
#                          picks the linker flavour from the name): Debian's
#                          clang and lld, --target=<triple>26, 16 KB pages;
#   sysroot/usr/lib/<triple>/26/  stub libc.so, libm.so, libdl.so, liblog.so,
#                          each exporting exactly the names in
#                          android/native/bionic/<abi>/<lib>.txt (the names
#                          public at API 26), tiny crtbegin_so.o/crtend_so.o,
#                          an empty libgcc.a and a libunwind.a (empty on arm64
#                          and x86_64, where the `unwinding` crate provides the
#                          unwinder; libgcc's ARM EHABI unwinder on armv7);
#   sysroot/usr/include/<triple> -> Debian's libc6-dev-*-cross headers.
# The stubs are only linked against; on a phone the real bionic is used.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
API=26
ABIS=(arm64-v8a armeabi-v7a x86_64)

rust_target() { case $1 in arm64-v8a) echo aarch64-linux-android ;; armeabi-v7a) echo armv7-linux-androideabi ;; x86_64) echo x86_64-linux-android ;; esac; }
clang_triple() { case $1 in arm64-v8a) echo aarch64-linux-android ;; armeabi-v7a) echo armv7a-linux-androideabi ;; x86_64) echo x86_64-linux-android ;; esac; }
lib_triple() { case $1 in arm64-v8a) echo aarch64-linux-android ;; armeabi-v7a) echo arm-linux-androideabi ;; x86_64) echo x86_64-linux-android ;; esac; }
debian_headers() { case $1 in arm64-v8a) echo /usr/aarch64-linux-gnu/include ;; armeabi-v7a) echo /usr/arm-linux-gnueabihf/include ;; x86_64) echo /usr/x86_64-linux-gnu/include ;; esac; }
env_key() { local t; t=$(rust_target "$1"); echo "${t//-/_}"; }

emit_env() { # ABI CC AR
  local abi=$1 cc=$2 ar=$3 key upper
  key=$(env_key "$abi"); upper=${key^^}
  echo "export CARGO_TARGET_${upper}_LINKER='$cc'"
  echo "export CC_${key}='$cc'"
  echo "export AR_${key}='$ar'"
  # Bundled SQLite through glibc's headers: errno is __errno in bionic, and
  # without large-file support it calls fcntl, not fcntl64 (both API 26).
  echo "export CFLAGS_${key}='-D__errno_location=__errno'"
}

if [ -n "${ANDROID_NDK_HOME:-}" ]; then
  bin=$(echo "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin)
  [ -d "$bin" ] || { echo "toolchain.sh: no toolchains/llvm/prebuilt/*/bin in ANDROID_NDK_HOME=$ANDROID_NDK_HOME" >&2; exit 1; }
  for abi in "${ABIS[@]}"; do
    key=$(env_key "$abi"); upper=${key^^}
    echo "export CARGO_TARGET_${upper}_LINKER='$bin/$(clang_triple "$abi")$API-clang'"
    echo "export CC_${key}='$bin/$(clang_triple "$abi")$API-clang'"
    echo "export AR_${key}='$bin/llvm-ar'"
    echo "export CARGO_TARGET_${upper}_RUSTFLAGS='-C link-arg=-Wl,-z,max-page-size=16384'"
  done
  exit 0
fi

for tool in clang ld.lld llvm-ar llvm-objcopy; do
  command -v "$tool" >/dev/null || { echo "toolchain.sh: $tool is missing (./build.sh setup installs clang, lld and llvm)" >&2; exit 1; }
done
OUT="$ROOT/target/android-toolchain"
SYSROOT="$OUT/sysroot"
LISTS="$ROOT/android/native/bionic"
mkdir -p "$OUT/bin" "$OUT/work"
ARM_UNWIND=/usr/lib/gcc-cross/arm-linux-gnueabihf/12/libgcc_eh.a
[ -f "$ARM_UNWIND" ] || { echo "toolchain.sh: $ARM_UNWIND is missing (Debian libgcc-12-dev-armhf-cross; ./build.sh setup installs it)" >&2; exit 1; }

for abi in "${ABIS[@]}"; do
  triple=$(clang_triple "$abi"); libdir="$SYSROOT/usr/lib/$(lib_triple "$abi")/$API"
  headers=$(debian_headers "$abi")
  [ -d "$headers" ] || { echo "toolchain.sh: $headers is missing (./build.sh setup installs Debian's libc6-dev-*-cross)" >&2; exit 1; }
  mkdir -p "$libdir" "$SYSROOT/usr/include"
  ln -sfn "$headers" "$SYSROOT/usr/include/$(lib_triple "$abi")"
  stamp="$libdir/.stamp"
  inputs=$(cat "$LISTS/$abi"/*.txt "$0" | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$inputs" ]; then
    work="$OUT/work/$abi"; mkdir -p "$work"
    flags=(--target="$triple$API" -nostdlib -fPIC -O0)
    for lib in libc libm libdl liblog; do
      # One empty function per public name: enough to link against (a
      # variable bound to a function-typed stub resolves the same way at run
      # time, since bionic's loader binds by name).
      grep -v '^#' "$LISTS/$abi/$lib.txt" | awk '{ printf "void %s(void) {}\n", $1 }' > "$work/$lib.c"
      # Names that are compiler builtins in C need -fno-builtin to be defined.
      clang "${flags[@]}" -fno-builtin -w -shared -Wl,-soname,"$lib.so" -fuse-ld=lld \
        -o "$libdir/$lib.so" "$work/$lib.c"
    done
    echo 'void *__dso_handle __attribute__((visibility("hidden"))) = &__dso_handle;' > "$work/crtbegin_so.c"
    : > "$work/crtend_so.c"
    clang "${flags[@]}" -c -o "$libdir/crtbegin_so.o" "$work/crtbegin_so.c"
    clang "${flags[@]}" -c -o "$libdir/crtend_so.o" "$work/crtend_so.c"
    rm -f "$libdir/libgcc.a" "$libdir/libunwind.a"
    llvm-ar rcs "$libdir/libgcc.a"
    if [ "$abi" = armeabi-v7a ]; then
      # The `unwinding` crate has no ARM EHABI; libgcc's unwinder finds the
      # tables through __gnu_Unwind_Find_exidx, which bionic exports on arm.
      # Debian builds it for armhf: its objects are tagged as passing floats in
      # VFP registers, which would mark the whole library hard-float. No
      # function of the unwinder takes or returns a float, so the tag goes.
      llvm-objcopy --remove-section=.ARM.attributes "$ARM_UNWIND" "$libdir/libunwind.a"
    else
      llvm-ar rcs "$libdir/libunwind.a"
    fi
    echo "$inputs" > "$stamp"
  fi

  extra=""
  if [ "$abi" = armeabi-v7a ]; then
    # Debian's arm headers are armhf's; Android's armeabi-v7a passes floats
    # the softfp way, for which glibc's headers name a stubs file they lack.
    mkdir -p "$OUT/include-arm/gnu"
    cp "$headers/gnu/stubs-hard.h" "$OUT/include-arm/gnu/stubs-soft.h"
    extra="-idirafter $OUT/include-arm "
  fi
  wrapper="$OUT/bin/$triple$API-clang"
  cat > "$wrapper" <<WRAP
#!/bin/sh
# Generated by android/native/toolchain.sh: clang for $triple at API $API
# against the stub sysroot (no NDK on this machine).
exec clang --target=$triple$API --sysroot="$SYSROOT" $extra-fuse-ld=lld -rtlib=libgcc -unwindlib=none \\
  -Wno-unused-command-line-argument -Wl,-z,max-page-size=16384 -Wl,--build-id=sha1 "\$@"
WRAP
  chmod +x "$wrapper"
  emit_env "$abi" "$wrapper" "$(command -v llvm-ar)"
done
echo "export LIBSQLITE3_FLAGS='-DSQLITE_DISABLE_LFS'"
