#!/usr/bin/env bash
# Checks a built APK (./build.sh apk-check [APK]; ./build.sh apk runs it too):
#   apksigner verify; aapt2 dump badging (package, SDK levels, the launcher,
#   the three ABIs); the manifest's permissions, services, receivers,
#   providers, exported activities with their intent filters, and roles
#   (aapt2 dump xmltree) exactly as android/app/expected-badging.txt lists
#   them; dexdump (the app's, the bindings' and JNA's classes); readelf on every .so (the machine per
#   ABI, NEEDED only public NDK libraries, every undefined strong symbol of
#   the Rust library in android/native/bionic/ABI/*.txt, the names public at
#   API 26, and LOAD segments aligned to 16 KB). Exits non-zero on a problem.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
APK=${1:-$ROOT/target/android/debug/splitline-debug.apk}
APK=$(readlink -f "$APK" 2>/dev/null || echo "$APK")
# shellcheck source=lib.sh
. "$ROOT/android/lib.sh"
EXPECTED="$ROOT/android/app/expected-badging.txt"
[ -f "$APK" ] || { echo "apk-check: no APK at $APK (build it with ./build.sh apk)" >&2; exit 1; }
failures=0
fail() { echo "apk-check: FAILED: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The NDK's public system libraries (a library may need only these).
PUBLIC_NDK_LIBS=" libc.so libm.so libdl.so liblog.so libandroid.so libz.so libjnigraphics.so libEGL.so
  libGLESv1_CM.so libGLESv2.so libGLESv3.so libOpenSLES.so libOpenMAXAL.so libvulkan.so
  libmediandk.so libcamera2ndk.so libnativewindow.so libaaudio.so libneuralnetworks.so
  libamidi.so libsync.so libbinder_ndk.so libicu.so "

# 1. Signature.
if out=$(apksigner verify --verbose "$APK" 2>&1); then
  echo "$out" | grep -E '^Verified using v[23] scheme.*: true' >/dev/null \
    && ok "apksigner verify ($(echo "$out" | grep -E '^Verified using v[0-9.]+ scheme.*true' | sed -E 's/Verified using (v[0-9.]+) scheme.*/\1/' | tr '\n' ' '))" \
    || fail "apksigner verify passed, but without a v2 or v3 signature"
else
  fail "apksigner verify: $out"
fi

# 2. Manifest.
badging=$(aapt2 dump badging "$APK" 2>&1) || fail "aapt2 dump badging: $badging"
expect() { echo "$badging" | grep -F -- "$1" >/dev/null && ok "badging: $1" || fail "badging lacks $1"; }
expect "package: name='app.splitline'"
expect "sdkVersion:'26'"
expect "targetSdkVersion:'35'"
expect "launchable-activity: name='app.splitline.android.LauncherActivity'"
expect "native-code: 'arm64-v8a' 'armeabi-v7a' 'x86_64'"
# The manifest's permissions, components and roles: exactly the expected ones.
if declared=$(manifest_lines "$APK"); then
  expected=$(expected_lines "$EXPECTED")
  unexpected=$(comm -23 <(echo "$declared") <(echo "$expected"))
  absent=$(comm -13 <(echo "$declared") <(echo "$expected"))
  [ -z "$unexpected" ] && [ -z "$absent" ] && ok "manifest: $(echo "$declared" | wc -l) lines as in ${EXPECTED#"$ROOT"/}"
  [ -z "$unexpected" ] || fail "the manifest declares what ${EXPECTED#"$ROOT"/} does not list (add it there if intended):
$(echo "$unexpected" | sed 's/^/    /')"
  [ -z "$absent" ] || fail "${EXPECTED#"$ROOT"/} lists what the manifest lacks:
$(echo "$absent" | sed 's/^/    /')"
else
  fail "aapt2 dump xmltree AndroidManifest.xml failed"
fi

# 3. Dex.
mkdir -p "$WORK/apk" && (cd "$WORK/apk" && unzip -qo "$APK")
classes=$(for dex in "$WORK"/apk/classes*.dex; do dexdump "$dex" 2>/dev/null; done | sed -nE "s/^  Class descriptor  : '(.*)'/\1/p")
# Kept in every build: the manifest's activity, the bindings and JNA (R8 keeps
# them whole). A debug build is not shrunk, so the rest of the app and the
# Kotlin stdlib must be there too; in a release build R8 renames or drops them.
required=(Lapp/splitline/android/LauncherActivity\; Luniffi/splitline_bindings/SplitlineClient\; Lcom/sun/jna/Native\;)
if echo "$badging" | grep -qx 'application-debuggable'; then
  required+=(Lapp/splitline/android/PlatformSipCheck\; Lapp/splitline/shell/signin/SignIn\; Lkotlin/Result\;)
fi
for class in "${required[@]}"; do
  echo "$classes" | grep -Fx "$class" >/dev/null && ok "dex holds $class" || fail "dex lacks $class"
done
[ -z "$(echo "$classes" | grep -E '^Landroidx/test/')" ] || fail "dex holds the test-only androidx.test stand-in"

# 4. Native libraries.
machine_of() { case $1 in arm64-v8a) echo AArch64 ;; armeabi-v7a) echo ARM ;; x86_64) echo 'Advanced Micro Devices X86-64' ;; esac; }
for abi in arm64-v8a armeabi-v7a x86_64; do
  lists="$ROOT/android/native/bionic/$abi"
  [ -d "$lists" ] || { fail "no symbol lists in $lists"; continue; }
  public=$(cat "$lists"/*.txt | grep -v '^#' | sort -u)
  for lib in libsplitline_bindings.so libjnidispatch.so; do
    so="$WORK/apk/lib/$abi/$lib"
    [ -f "$so" ] || { fail "$abi: $lib is missing from the APK"; continue; }
    machine=$(readelf -hW "$so" | sed -nE 's/^ *Machine: *//p')
    [ "$machine" = "$(machine_of "$abi")" ] && ok "$abi/$lib: machine $machine" \
      || fail "$abi/$lib: machine is $machine, expected $(machine_of "$abi")"
    if [ "$abi" = armeabi-v7a ]; then
      # armeabi-v7a passes floats in integer registers (softfp).
      flags=$(readelf -hW "$so" | sed -nE 's/^ *Flags: *//p')
      case $flags in *hard-float*) fail "$abi/$lib: built for the hard-float ABI ($flags)" ;; *) ok "$abi/$lib: flags $flags" ;; esac
    fi
    needed=$(readelf -dW "$so" | sed -nE 's/.*\(NEEDED\).*\[(.*)\]/\1/p')
    bad=""
    for n in $needed; do case "$PUBLIC_NDK_LIBS" in *" $n "*) ;; *) bad="$bad $n" ;; esac; done
    [ -z "$bad" ] && ok "$abi/$lib: NEEDED $(echo $needed)" || fail "$abi/$lib: needs non-public libraries:$bad"
    aligns=$(readelf -lW "$so" | awk '$1 == "LOAD" { print $NF }' | sort -u)
    [ "$aligns" = "0x4000" ] && ok "$abi/$lib: LOAD segments aligned 0x4000" \
      || fail "$abi/$lib: LOAD alignment $(echo $aligns), expected 0x4000 (16 KB pages)"
  done
  so="$WORK/apk/lib/$abi/libsplitline_bindings.so"
  [ -f "$so" ] || continue
  # Undefined, not weak: "Num: Value Size Type Bind Vis Ndx Name".
  undefined=$(readelf --dyn-syms -W "$so" | awk '$7 == "UND" && $5 == "GLOBAL" && $8 != "" { sub(/@.*/, "", $8); print $8 }' | sort -u)
  missing=$(comm -23 <(echo "$undefined") <(echo "$public"))
  count=$(echo "$undefined" | grep -c .)
  [ -z "$missing" ] && ok "$abi/libsplitline_bindings.so: all $count undefined strong symbols are public in bionic at API 26" \
    || fail "$abi/libsplitline_bindings.so: undefined symbols not public in bionic at API 26: $(echo $missing)"
done

if [ "$failures" -gt 0 ]; then
  echo "apk-check: $failures problem(s) in $APK" >&2
  exit 1
fi
echo "apk-check: $APK passed"
