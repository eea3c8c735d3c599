#!/usr/bin/env bash
# Gives Robolectric the app's real manifest and resources (binary resources
# mode, Robolectric's "build system API"): links src/main/AndroidManifest.xml
# and src/main/res with aapt2 as android/apk.sh does, and writes
# DIR/com/android/tools/test_config.properties, which Robolectric reads from the
# test classpath. The app's pom runs it before its tests (process-test-resources)
# with DIR = target/test-classes, so PackageManager resolves the manifest's
# activities, services and intent filters, and the Application it names.
#   android/tools/robolectric-config.sh DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib.sh
. "$ROOT/android/lib.sh"
[ $# -eq 1 ] || die "usage: $0 DIR (the test classpath directory)"
out=$1
work="$ROOT/android/app/target/robolectric-resources"
command -v aapt2 >/dev/null || die "aapt2 is missing (./build.sh setup installs the Android tools)"
[ -f "$FRAMEWORK_RES" ] || die "$FRAMEWORK_RES is missing (./build.sh setup)"
rm -rf "$work" && mkdir -p "$work" "$out/com/android/tools"
# The manifest Robolectric parses as text holds the SDK levels aapt2 link adds to the APK's.
sed "s|<application|<uses-sdk android:minSdkVersion=\"$MIN_SDK\" android:targetSdkVersion=\"$TARGET_SDK\" />\n\n    <application|" \
  "$ROOT/android/app/src/main/AndroidManifest.xml" > "$work/AndroidManifest.xml"
link_manifest "$work/AndroidManifest.xml" "$ROOT/android/app/src/main/res" "$work"
cat > "$out/com/android/tools/test_config.properties" <<PROPS
# Written by android/tools/robolectric-config.sh: the app's manifest and aapt2-linked resources.
android_merged_manifest=$work/AndroidManifest.xml
android_resource_apk=$work/linked.apk
android_custom_package=app.splitline
PROPS
