#!/usr/bin/env bash
# Builds and checks the instrumentation APK (./build.sh apk-test):
#   1. the Maven modules (reused when ./build.sh apk has just built them);
#   2. its manifest (android/instrumentation/AndroidManifest.xml: package
#      app.splitline.test, <instrumentation> of app.splitline.test.JUnitInstrumentation
#      targeting app.splitline) linked with aapt2;
#   3. dex with D8: the runner, the on-device tests, JUnit 4 and Hamcrest; the
#      app, the shell and Kotlin are only on D8's classpath (the app's APK has them);
#   4. zipalign and apksigner with the debug key (the app's: an instrumentation
#      must be signed like its target);
#   5. the checks: apksigner verify, the manifest exactly as
#      android/instrumentation/expected-badging.txt, the dex's classes.
# It is built and checked here, never run: there is no phone or emulator. On one,
# with the debug app installed:
#   adb install -r target/android/debug/splitline-debug.apk
#   adb install -r target/android/debug/splitline-test.apk
#   adb shell am instrument -w -r app.splitline.test/app.splitline.test.JUnitInstrumentation
# The APK: target/android/debug/splitline-test.apk
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=lib.sh
. android/lib.sh
OUT="$ROOT/target/android/debug"
WORK="$OUT/apk-test"
MODULE=android/instrumentation
JAR="$MODULE/target/splitline-instrumentation-0.1.0.jar"
APP_JAR=android/app/target/splitline-app-0.1.0.jar
require_android_tools

say "Maven: the instrumentation module"
[ -d target/android/kotlin-bindings ] || android/kotlin-bindings.sh
if maven_outputs_current app instrumentation; then
  echo "up to date (built by the last Maven run)" >&2
else
  nice -n 19 mvn -B -q -Dstyle.color=never -f android/pom.xml -pl instrumentation -am -DskipTests package \
    dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/runtime-classpath.txt
fi
fetch "com.android.tools:r8:$R8_VERSION" "$R8_JAR"
[ -f "$ANDROID_ALL" ] || die "$ANDROID_ALL is missing after the Maven build"

rm -rf "$WORK" && mkdir -p "$WORK/dex"
say "aapt2: manifest"
link_manifest "$MODULE/AndroidManifest.xml" - "$WORK" --debug-mode

say "D8: dex"
program=("$JAR")
IFS=: read -r -a deps < "$MODULE/target/runtime-classpath.txt" || true  # no final newline
program+=("${deps[@]}")
# What the app's APK holds: referenced, not packaged.
provided=(--classpath "$APP_JAR")
IFS=: read -r -a app_deps < android/app/target/runtime-classpath.txt || true
for jar in "${app_deps[@]}"; do provided+=(--classpath "$jar"); done
dex_debug "$WORK/dex" "${provided[@]}" "${program[@]}"

say "packaging"
python3 - "$WORK" <<'PY'
import os, shutil, sys, zipfile
work = sys.argv[1]
shutil.copy(f"{work}/linked.apk", f"{work}/unsigned.apk")
with zipfile.ZipFile(f"{work}/unsigned.apk", "a", zipfile.ZIP_DEFLATED) as apk:
    for dex in sorted(os.listdir(f"{work}/dex")):
        apk.write(f"{work}/dex/{dex}", dex)
PY
debug_sign_args
apk="$OUT/splitline-test.apk"
align_and_sign "$WORK/unsigned.apk" "$apk" "${SIGN_ARGS[@]}"

say "checks"
failures=0
fail() { echo "apk-test: FAILED: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
apksigner verify "$apk" >/dev/null 2>&1 && ok "apksigner verify" || fail "apksigner verify"
badging=$(aapt2 dump badging "$apk" 2>&1) || fail "aapt2 dump badging: $badging"
for want in "package: name='app.splitline.test'" "sdkVersion:'$MIN_SDK'" "targetSdkVersion:'$TARGET_SDK'"; do
  echo "$badging" | grep -F -- "$want" >/dev/null && ok "badging: $want" || fail "badging lacks $want"
done
declared=$(manifest_lines "$apk")
expected=$(expected_lines "$MODULE/expected-badging.txt")
[ "$declared" = "$expected" ] && ok "manifest: $(echo "$declared" | tr '\n' ' ')" \
  || fail "manifest declares:
$declared
but $MODULE/expected-badging.txt lists:
$expected"
classes=$(for dex in "$WORK"/dex/classes*.dex; do dexdump "$dex" 2>/dev/null; done | sed -nE "s/^  Class descriptor  : '(.*)'/\1/p")
for class in Lapp/splitline/test/JUnitInstrumentation\; Lapp/splitline/test/StatusReporter\; Lorg/junit/runner/JUnitCore\; \
  Lorg/junit/Assert\; Lorg/hamcrest/Matcher\; Lapp/splitline/test/LauncherOnDeviceTest\; \
  Lapp/splitline/test/PlatformSipOnDeviceTest\; Lapp/splitline/test/NotificationChannelsOnDeviceTest\;; do
  echo "$classes" | grep -Fx "$class" >/dev/null && ok "dex holds $class" || fail "dex lacks $class"
done
# The app's APK provides these; a second copy in the test APK would shadow them.
dupes=$(echo "$classes" | grep -E '^L(app/splitline/(android|shell)|kotlin|kotlinx|uniffi|com/sun/jna|androidx)/' | head -3 || true)
[ -z "$dupes" ] && ok "dex holds none of the app's, Kotlin's or AndroidX's classes" || fail "dex holds the app's classes: $dupes"
[ "$failures" -eq 0 ] || { echo "apk-test: $failures problem(s) in $apk" >&2; exit 1; }
echo "apk-test: $apk passed (built and checked; not run: there is no device here)" >&2
