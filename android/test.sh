#!/usr/bin/env bash
# The Android modules' tests (./build.sh android-test): the shell's JUnit 4
# tests on the plain JVM and the app's under Robolectric 4.16.1, offline, on
# the instrumented API 34 framework, with android/test-support standing in
# for androidx.test's monitor. Runs under `nice -n 19`.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/android
# KOTLIN_BINDINGS_FROM: an unstripped libsplitline_bindings.so to read the bindings from
# (else a host build of the crate; see kotlin-bindings.sh).
android/kotlin-bindings.sh ${KOTLIN_BINDINGS_FROM:+"$KOTLIN_BINDINGS_FROM"}
echo "== Maven: shell (JVM) and app (Robolectric) tests" >&2
nice -n 19 mvn -B -f android/pom.xml test 2>&1 | tee target/android/maven-test.log \
  | grep -E 'Tests run:|FAIL|ERROR|BUILD' || true
grep -q 'BUILD SUCCESS' target/android/maven-test.log \
  || { echo "android/test.sh: the tests failed (target/android/maven-test.log)" >&2; exit 1; }
