#!/usr/bin/env bash
# Regenerates the checked-in name lists (android/native/bionic/ABI/LIB.txt)
# from copies of bionic's and liblog's symbol maps in target/bionic-src/:
#   libc.map.txt, libm.map.txt, libdl.map.txt  from AOSP bionic
#   liblog.map.txt                             from AOSP system/core/liblog
# (the commits are in the header each list carries). The maps themselves are
# not checked in: only the names, reduced by reduce_map.py.
set -euo pipefail
cd "$(dirname "$0")"
SRC=../../../target/bionic-src
API=26
declare -A FROM=(
  [libc]="aosp-mirror/platform_bionic libc/libc.map.txt at e8a10d193b0b039767bd3ffba29f26fb3081a93b"
  [libm]="aosp-mirror/platform_bionic libm/libm.map.txt at 0510a45ee33188ac45ddb8156753d81ecf132a84"
  [libdl]="aosp-mirror/platform_bionic libdl/libdl.map.txt at 019ed9144f95689910072551d32ffcf17d83951e"
  [liblog]="aosp-mirror/platform_system_core liblog/liblog.map.txt at 0391a879f7624d4671d7c304042155a1e32d0e7c"
)
for abi in arm64-v8a armeabi-v7a x86_64; do
  mkdir -p "$abi"
  for lib in libc libm libdl liblog; do
    extra=()
    note=""
    if [ "$lib" = liblog ]; then
      # LIBLOG_M/LIBLOG_O carry no introduced tag in that map, but the NDK's
      # <android/log.h> gives their public functions API 30: keep the base block.
      extra=(--only-block=LIBLOG)
      note="# Only the LIBLOG block: the NDK header gives the later blocks' functions API 30."
    fi
    {
      echo "# $lib.so: the names public to apps on $abi at API $API (minSdkVersion)."
      echo "# From ${FROM[$lib]},"
      echo "# reduced by android/native/bionic/reduce_map.py (rules in its docstring):"
      echo "# NDK blocks and tags only, this ABI, introduced at API <= $API. Data, not code."
      [ -z "$note" ] || echo "$note"
      [ "$lib" != libc ] || echo "# The map's LIBC_PRIVATE, LIBC_DEPRECATED and LIBC_PLATFORM blocks (not NDK API) were not copied."
      python3 reduce_map.py "$SRC/$lib.map.txt" "$abi" "$API" "${extra[@]}"
    } > "$abi/$lib.txt"
  done
done
wc -l ./*/*.txt
