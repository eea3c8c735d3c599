#!/usr/bin/env bash
# Builds the signed APK from this machine's tools (./build.sh apk [--release]):
#   1. the bindings crate for arm64-v8a, armeabi-v7a and x86_64 (native/build-rust.sh);
#   2. the Kotlin bindings, then the Maven modules (shell, app);
#   3. dex: D8 (debug) or R8 with proguard-rules.pro (release), from com.android.tools:r8;
#   4. manifest and resources linked by aapt2 against Debian's framework-res.apk;
#   5. classes.dex, the Rust libraries and JNA's libjnidispatch.so (from JNA's aar) added;
#   6. zipalign, then apksigner; then the checks (apk-check.sh).
# Debug: signed with ~/.android/debug.keystore, generated on first use.
# Release: signed with the key named by SPLITLINE_RELEASE_KEYSTORE (a keystore
# file), SPLITLINE_RELEASE_KEY_ALIAS, SPLITLINE_RELEASE_STORE_PASSWORD and
# SPLITLINE_RELEASE_KEY_PASSWORD (defaults to the store password).
# The APK: target/android/<debug|release>/splitline-<debug|release>.apk
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib.sh
. android/lib.sh

profile=debug
case "${1:-}" in
  --release) profile=release ;;
  "") ;;
  *) die "unknown argument $1 (only --release)" ;;
esac
OUT="$ROOT/target/android/$profile"
require_android_tools

if [ "$profile" = release ]; then
  for var in SPLITLINE_RELEASE_KEYSTORE SPLITLINE_RELEASE_KEY_ALIAS SPLITLINE_RELEASE_STORE_PASSWORD; do
    [ -n "${!var:-}" ] || die "a release build is signed with the key from the environment: set $var (see docs/android.md)"
  done
  [ -f "$SPLITLINE_RELEASE_KEYSTORE" ] || die "SPLITLINE_RELEASE_KEYSTORE=$SPLITLINE_RELEASE_KEYSTORE is not a file"
fi

say "native libraries ($profile)"
if [ "$profile" = release ]; then android/native/build-rust.sh --release; else android/native/build-rust.sh; fi

say "Kotlin bindings"
# From the debug arm64 library just built; a stripped release library has no
# uniffi metadata left, so release builds read a host build of the crate.
# KOTLIN_BINDINGS_FROM names another unstripped library of the same source.
if [ -n "${KOTLIN_BINDINGS_FROM:-}" ]; then
  android/kotlin-bindings.sh "$KOTLIN_BINDINGS_FROM"
elif [ "$profile" = debug ]; then
  android/kotlin-bindings.sh "$OUT/jniLibs/arm64-v8a/libsplitline_bindings.so"
else
  android/kotlin-bindings.sh
fi

say "Maven: shell and app"
fetch "com.android.tools:r8:$R8_VERSION" "$R8_JAR"
fetch "net.java.dev.jna:jna:$JNA_VERSION:aar" "$JNA_AAR"
if maven_outputs_current app; then
  echo "up to date (the jars of the last Maven run, e.g. android/test.sh's, are newer than every source)" >&2
else
  nice -n 19 mvn -B -q -Dstyle.color=never -f android/pom.xml -DskipTests package dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile=target/runtime-classpath.txt
fi
[ -f "$ANDROID_ALL" ] || die "$ANDROID_ALL is missing after the Maven build"

rm -rf "$OUT/apk" && mkdir -p "$OUT/apk/dex" "$OUT/apk/jna"
# JNA's Android classes and libjnidispatch.so come from its aar (the jar's
# classes carry desktop natives instead).
(cd "$OUT/apk/jna" && unzip -qo "$JNA_AAR" classes.jar 'jni/*')
program=("$ROOT/android/app/target/splitline-app-0.1.0.jar")
IFS=: read -r -a deps < android/app/target/runtime-classpath.txt || true  # no final newline
for jar in "${deps[@]}"; do
  case $jar in */jna-*.jar) ;; *) program+=("$jar") ;; esac
done
program+=("$OUT/apk/jna/classes.jar")

say "aapt2: manifest and resources"
link_flags=()
[ "$profile" = debug ] && link_flags+=(--debug-mode)
link_manifest android/app/src/main/AndroidManifest.xml android/app/src/main/res "$OUT/apk" "${link_flags[@]}"

if [ "$profile" = debug ]; then
  say "D8: dex"
  dex_debug "$OUT/apk/dex" "${program[@]}"
else
  say "R8: shrink and dex"
  nice -n 19 java -cp "$R8_JAR" com.android.tools.r8.R8 --release --min-api "$MIN_SDK" \
    --lib "$ANDROID_ALL" --lib "$JDK_HOME" --pg-conf android/app/proguard-rules.pro --pg-conf "$OUT/apk/aapt-rules.pro" \
    --pg-map-output "$OUT/mapping.txt" --output "$OUT/apk/dex" "${program[@]}"
fi

say "packaging"
python3 - "$OUT/apk" "$OUT/jniLibs" <<'PY'
import os, shutil, sys, zipfile
work, jni = sys.argv[1], sys.argv[2]
shutil.copy(f"{work}/linked.apk", f"{work}/unsigned.apk")
with zipfile.ZipFile(f"{work}/unsigned.apk", "a", zipfile.ZIP_DEFLATED) as apk:
    for dex in sorted(os.listdir(f"{work}/dex")):
        apk.write(f"{work}/dex/{dex}", dex)
    for abi in ("arm64-v8a", "armeabi-v7a", "x86_64"):
        apk.write(f"{jni}/{abi}/libsplitline_bindings.so", f"lib/{abi}/libsplitline_bindings.so")
        apk.write(f"{work}/jna/jni/{abi}/libjnidispatch.so", f"lib/{abi}/libjnidispatch.so")
PY
if [ "$profile" = debug ]; then
  debug_sign_args
else
  export SPLITLINE_RELEASE_KEY_PASSWORD=${SPLITLINE_RELEASE_KEY_PASSWORD:-$SPLITLINE_RELEASE_STORE_PASSWORD}
  SIGN_ARGS=(--ks "$SPLITLINE_RELEASE_KEYSTORE" --ks-key-alias "$SPLITLINE_RELEASE_KEY_ALIAS"
    --ks-pass env:SPLITLINE_RELEASE_STORE_PASSWORD --key-pass env:SPLITLINE_RELEASE_KEY_PASSWORD)
fi
apk="$OUT/splitline-$profile.apk"
align_and_sign "$OUT/apk/unsigned.apk" "$apk" "${SIGN_ARGS[@]}"

android/apk-check.sh "$apk"
