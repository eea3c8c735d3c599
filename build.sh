#!/usr/bin/env bash
# Splitline's one entry point.
#   ./build.sh setup   install what building and testing need (apt packages)
#   ./build.sh build   build the workspace
#   ./build.sh check   no module cycles, no over-long source files, rustfmt, clippy (-D warnings), ktlint
#   ./build.sh test    setup, check, then every test (unit, end-to-end against real servers, JVM Kotlin)
#   ./build.sh demo    setup, then a local demo: Prosody + gateway with demo accounts + terminal client
#   ./build.sh bindings [DIR]   generate the Kotlin bindings (uniffi library mode) into DIR (target/kotlin)
#   ./build.sh apk [--release]  the signed Android APK (android/apk.sh; docs/android.md), then its checks
#   ./build.sh apk-test         the instrumentation APK (android/apk-test.sh), built and checked, not run
#   ./build.sh apk-check [APK]  the checks on a built APK (signature, manifest, dex, native libraries)
#   ./build.sh android-test     the Android modules' tests: shell on the JVM, app under Robolectric
#   ./build.sh fuzz TARGET SECONDS  run one fuzz target (fuzz/run.sh list names them; nightly, cargo-fuzz)
#   ./build.sh fuzz-ci          build every fuzz target and run each briefly on its seeds (not yet in CI: ~14 min cold)
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\n== %s\n' "$*" >&2; }

# What the Android build needs (./build.sh setup, apk, android-test; not ./build.sh test).
ANDROID_APT_PACKAGES=(maven aapt zipalign apksigner android-framework-res dexdump clang lld llvm
  libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-amd64-cross libgcc-12-dev-armhf-cross)
ANDROID_RUST_TARGETS=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
APT_PACKAGES=(prosody lua-unbound ejabberd libjna-java libjna-jni kamailio sip-tester baresip-core)
# End-to-end test binaries (tests/tests/NAME.rs) that also run against ejabberd.
EJABBERD_TESTS=(archive_e2e history_e2e rooms_e2e rooms_catch_up_e2e room_invitations_e2e read_state_e2e read_positions_e2e contacts_e2e address_book_e2e)

# Prints, one a line, the Debian packages among the arguments that are not installed.
missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

# Installs Debian packages with apt-get (through sudo when not root).
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

setup() {
  local missing
  mapfile -t missing < <(missing_packages "${APT_PACKAGES[@]}")
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    if ! apt_install "${missing[@]}"; then
      echo "build.sh: could not install ${missing[*]} with apt-get; install them by hand (they provide the real XMPP servers the tests use)" >&2
      exit 1
    fi
    case " ${missing[*]} " in *" ejabberd "*) stop_system_ejabberd ;; esac
  fi
  command -v prosody >/dev/null || { echo "build.sh: prosody is still missing after setup" >&2; exit 1; }
  command -v ejabberdctl >/dev/null || { echo "build.sh: ejabberd is still missing after setup" >&2; exit 1; }
  for tool in kamailio sipp baresip; do
    command -v "$tool" >/dev/null || { echo "build.sh: $tool is still missing after setup (the call tests need it)" >&2; exit 1; }
  done
  command -v npm >/dev/null || { echo "build.sh: npm is missing; the JVM test installs kotlinc with it (install Node.js)" >&2; exit 1; }
  webpush_setup
  command -v python3 >/dev/null || { echo "build.sh: python3 is missing; the module-cycle check needs it" >&2; exit 1; }
  command -v java >/dev/null || { echo "build.sh: java is missing; the JVM test needs Java 17" >&2; exit 1; }
  for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
      say "installing rustup component $component"
      rustup component add "$component" || { echo "build.sh: could not install $component" >&2; exit 1; }
    fi
  done
}

# The Web Push test service (npm web-push-testing) and http_ece, the second
# RFC 8291 implementation, that the push tests use: from tests/webpush's lock.
webpush_setup() {
  local dir=tests/webpush
  if [ ! -d "$dir/node_modules/web-push-testing" ] || [ ! -d "$dir/node_modules/http_ece" ] \
    || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing the Web Push test service (npm ci in $dir)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) \
      || { echo "build.sh: could not install $dir's npm packages" >&2; exit 1; }
  fi
}

# Debian starts a package's service on install unless policy-rc.d forbids it
# (as in containers). The tests start their own ejabberd in a temporary
# directory, so stop a system one the install started and keep it from
# starting at boot.
stop_system_ejabberd() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -d /run/systemd/system ]; then
    if systemctl is-active --quiet ejabberd 2>/dev/null; then
      say "stopping the system ejabberd service (the tests start their own)"
    fi
    $sudo systemctl disable --now --quiet ejabberd 2>/dev/null || true
  elif [ -s /run/ejabberd/ejabberd.pid ]; then
    say "stopping the system ejabberd service (the tests start their own)"
    $sudo invoke-rc.d ejabberd stop >/dev/null 2>&1 || true
    $sudo update-rc.d ejabberd disable >/dev/null 2>&1 || true
  fi
}

# Installs what the Android build needs and says what it could not.
android_setup() {
  local missing problems=()
  mapfile -t missing < <(missing_packages "${ANDROID_APT_PACKAGES[@]}")
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages for Android: ${missing[*]}"
    apt_install "${missing[@]}" || problems+=("apt-get could not install: ${missing[*]}")
  fi
  local installed
  installed=$(rustup target list --installed 2>/dev/null || true)
  for t in "${ANDROID_RUST_TARGETS[@]}"; do
    if ! grep -qx "$t" <<<"$installed"; then
      say "adding the Rust target $t"
      rustup target add "$t" || problems+=("rustup could not add the target $t")
    fi
  done
  command -v java >/dev/null || problems+=("java is missing (Java 17 runs Maven, D8/R8, apksigner and ktlint)")
  ktlint_install || problems+=("ktlint $KTLINT_VERSION could not be fetched")
  if [ ${#problems[@]} -gt 0 ]; then
    printf 'build.sh: Android setup incomplete:\n' >&2
    printf '  - %s\n' "${problems[@]}" >&2
    return 1
  fi
  echo "Android tools ready (Maven fetches its own dependencies from Maven Central on first use)" >&2
}

# ktlint (Maven Central's com.pinterest.ktlint:ktlint-cli, the `all` jar), kept in target/tools.
KTLINT_VERSION=1.8.0
KTLINT_JAR=target/tools/ktlint-cli-$KTLINT_VERSION-all.jar
# The Kotlin it checks (style in .editorconfig): the Android modules and the JVM bindings test.
KTLINT_FILES=('android/**/src/**/*.kt' 'tests/jvm/**/*.kt')

# Fetches ktlint into target/tools unless it is there (Maven's local repository is the download cache).
ktlint_install() {
  [ -f "$KTLINT_JAR" ] && return 0
  command -v mvn >/dev/null || { echo "build.sh: mvn is missing; ./build.sh setup installs it (ktlint is fetched with it)" >&2; return 1; }
  say "fetching ktlint $KTLINT_VERSION from Maven Central"
  local m2=${MAVEN_REPO:-$HOME/.m2/repository}
  mvn -B -q -Dstyle.color=never dependency:get -Dartifact="com.pinterest.ktlint:ktlint-cli:$KTLINT_VERSION:jar:all" \
    -Dtransitive=false >/dev/null || { echo "build.sh: could not fetch ktlint from Maven Central" >&2; return 1; }
  mkdir -p target/tools
  cp "$m2/com/pinterest/ktlint/ktlint-cli/$KTLINT_VERSION/ktlint-cli-$KTLINT_VERSION-all.jar" "$KTLINT_JAR"
}

build() { say "cargo build"; cargo build --workspace --all-targets --locked; }

# Source files of the gateway and the core over 600 lines, counted up to their
# test module (tests aside; `tests.rs` files are tests).
long_files() {
  find gateway/src core/src -name '*.rs' ! -name tests.rs ! -path '*/tests/*' | sort | while read -r f; do
    n=$(awk '/^#\[cfg\(test\)\]/ { exit } { n++ } END { print n + 0 }' "$f")
    [ "$n" -le 600 ] || echo "  $f: $n lines"
  done
}

check() {
  say "module cycles"
  python3 scripts/test_check_module_cycles.py
  python3 scripts/check_module_cycles.py protocol backoff gateway core bindings cli tests
  say "the APK manifest summary (android/tools)"
  python3 android/tools/test_manifest_summary.py
  say "file sizes"
  local long
  long=$(long_files)
  if [ -n "$long" ]; then
    echo "build.sh: these files are over 600 lines (tests aside); split them by concern:" >&2
    echo "$long" >&2
    exit 1
  fi
  say "rustfmt"
  cargo fmt --all -- --check
  say "clippy"
  cargo clippy --workspace --all-targets --locked -- -D warnings
  say "ktlint (Kotlin style: .editorconfig)"
  ktlint_install
  nice -n 10 java -jar "$KTLINT_JAR" --relative "${KTLINT_FILES[@]}" \
    || { echo "build.sh: ktlint found style problems; java -jar $KTLINT_JAR -F ... corrects most" >&2; exit 1; }
}

run_tests() {
  say "tests (unit and end-to-end)"
  # The end-to-end tests run the terminal client's binary: build it first.
  # (Whole-workspace builds share one feature set, so later steps reuse them.)
  cargo build --workspace --locked
  cargo test --workspace --locked
  say "room and archive tests against ejabberd"
  local test_args=()
  for t in "${EJABBERD_TESTS[@]}"; do test_args+=(--test "$t"); done
  SPLITLINE_XMPP_SERVER=ejabberd cargo test --locked -p splitline-e2e "${test_args[@]}"
  say "JVM test of the Kotlin bindings"
  tests/jvm/run.sh
}

bindings() {
  local out=${1:-target/kotlin}
  cargo build --quiet --locked --workspace
  target/debug/uniffi-bindgen generate --library target/debug/libsplitline_bindings.so \
    --language kotlin --no-format --out-dir "$out" >/dev/null
  echo "Kotlin bindings in $out/uniffi/splitline_bindings/" >&2
}

case "${1:-}" in
  setup) setup; android_setup ;;
  build) build ;;
  check) check ;;
  test) setup; check; run_tests ;;
  demo) setup; exec scripts/demo.sh ;;
  bindings) bindings "${2:-}" ;;
  apk) android_setup; shift; exec android/apk.sh "$@" ;;
  apk-test) android_setup; exec android/apk-test.sh ;;
  apk-check) shift; exec android/apk-check.sh "$@" ;;
  android-test) android_setup; exec android/test.sh ;;
  fuzz) shift; exec fuzz/run.sh run "$@" ;;
  fuzz-ci) exec fuzz/run.sh ci ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
