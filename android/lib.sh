# shellcheck shell=bash
# What android/apk.sh (the app) and android/apk-test.sh (the instrumentation
# APK) share: the tools' versions and paths, fetching from Maven Central,
# linking a manifest with aapt2, dexing with D8/R8, signing, and the manifest
# check against an expected-badging.txt. Sourced with ROOT set; defines die/say.
say() { printf '\n== %s\n' "$*" >&2; }
die() { echo "${0##*/}: $*" >&2; exit 1; }

M2=${MAVEN_REPO:-$HOME/.m2/repository}
R8_VERSION=9.5.28
JNA_VERSION=5.19.1
ANDROID_ALL_VERSION=15-robolectric-13954326
R8_JAR="$M2/com/android/tools/r8/$R8_VERSION/r8-$R8_VERSION.jar"
JNA_AAR="$M2/net/java/dev/jna/jna/$JNA_VERSION/jna-$JNA_VERSION.aar"
ANDROID_ALL="$M2/org/robolectric/android-all/$ANDROID_ALL_VERSION/android-all-$ANDROID_ALL_VERSION.jar"
FRAMEWORK_RES=/usr/share/android-framework-res/framework-res.apk
MIN_SDK=26
TARGET_SDK=35
# The JDK's classes as a library too: D8 and R8 desugar against java.* types.
JDK_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

# Dies unless the packaging tools and framework-res.apk are installed.
require_android_tools() {
  local tool
  for tool in aapt2 zipalign apksigner keytool java mvn python3; do
    command -v "$tool" >/dev/null || die "$tool is missing (./build.sh setup installs the Android tools)"
  done
  [ -f "$FRAMEWORK_RES" ] || die "$FRAMEWORK_RES is missing (Debian android-framework-res; ./build.sh setup)"
}

# fetch group:artifact:version[:packaging] FILE: downloads FILE's artifact unless present.
fetch() {
  [ -f "$2" ] || mvn -B -q -Dstyle.color=never dependency:get -Dartifact="$1" -Dtransitive=false >/dev/null \
    || die "could not fetch $1 from Maven Central"
}

# link_manifest MANIFEST RES_DIR|- OUT_DIR [aapt2 link flags...]: OUT_DIR/linked.apk
# (manifest and compiled resources, against framework-res) and OUT_DIR/aapt-rules.pro.
link_manifest() {
  local manifest=$1 res=$2 out=$3
  shift 3
  local inputs=()
  if [ "$res" != - ]; then
    aapt2 compile --dir "$res" -o "$out/res.zip"
    inputs+=("$out/res.zip")
  fi
  # --warn-manifest-validation: Debian's aapt2 predates <queries> (API 30, push's distributor
  # lookup) and would refuse it; apk-check.sh still compares the linked manifest with the badging.
  aapt2 link -o "$out/linked.apk" -I "$FRAMEWORK_RES" --manifest "$manifest" --warn-manifest-validation \
    --min-sdk-version "$MIN_SDK" --target-sdk-version "$TARGET_SDK" \
    --version-code 1 --version-name 0.1.0 --proguard "$out/aapt-rules.pro" "$@" "${inputs[@]}"
}

# dex_debug OUT_DIR JAR...: D8, unshrunk, into OUT_DIR.
dex_debug() {
  local out=$1
  shift
  nice -n 19 java -cp "$R8_JAR" com.android.tools.r8.D8 --debug --min-api "$MIN_SDK" \
    --lib "$ANDROID_ALL" --lib "$JDK_HOME" --output "$out" "$@"
}

# debug_sign_args: the apksigner arguments for ~/.android/debug.keystore, generated on first use.
debug_sign_args() {
  local ks="$HOME/.android/debug.keystore"
  if [ ! -f "$ks" ]; then
    say "generating the debug key in $ks"
    mkdir -p "$HOME/.android"
    keytool -genkeypair -keystore "$ks" -storepass android -keypass android -alias androiddebugkey \
      -keyalg RSA -keysize 2048 -validity 10000 -dname "CN=Android Debug,O=Android,C=US" >/dev/null 2>&1 \
      || die "keytool could not create $ks"
  fi
  SIGN_ARGS=(--ks "$ks" --ks-key-alias androiddebugkey --ks-pass pass:android --key-pass pass:android)
}

# align_and_sign UNSIGNED OUT SIGN_ARGS...: zipalign, then apksigner.
align_and_sign() {
  local unsigned=$1 apk=$2
  shift 2
  zipalign -f -p 4 "$unsigned" "${unsigned%.apk}-aligned.apk"
  apksigner sign "$@" --out "$apk" "${unsigned%.apk}-aligned.apk"
  rm -f "$apk.idsig"
  echo "APK: $apk ($(du -h "$apk" | cut -f1))" >&2
}

# manifest_lines APK: the manifest's permissions, components and roles, one a line
# (android/tools/manifest-summary.py; the format of android/app/expected-badging.txt).
manifest_lines() {
  aapt2 dump xmltree --file AndroidManifest.xml "$1" | python3 "$ROOT/android/tools/manifest-summary.py"
}

# expected_lines FILE: FILE's lines without comments and blank lines, sorted.
expected_lines() {
  sed -e 's/[[:space:]]*#.*//' -e 's/[[:space:]]\+/ /g' -e 's/ $//' "$1" | { grep -v '^$' || true; } | sort -u
}

# maven_outputs_current MODULE...: whether each module's jar is newer than every
# input of the Maven modules (sources, poms, the generated bindings) and its
# runtime classpath was listed, so a build that has just run Maven need not run
# it again. (The listing keeps its time when unchanged, so only the jar's counts.)
maven_outputs_current() {
  local module f
  for module in "$@"; do
    f="$ROOT/android/$module/target/splitline-$module-0.1.0.jar"
    [ -f "$f" ] && [ -f "$ROOT/android/$module/target/runtime-classpath.txt" ] || return 1
    [ -z "$(find "$ROOT/android/pom.xml" "$ROOT"/android/*/pom.xml "$ROOT"/android/*/src \
      "$ROOT/target/android/kotlin-bindings" -newer "$f" -print -quit 2>/dev/null)" ] || return 1
  done
}
