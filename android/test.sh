#!/usr/bin/env bash
# The Android modules' tests (./build.sh android-test): the shell's JUnit 4
# tests on the plain JVM and the app's under Robolectric 4.16.1, offline, on
# the instrumented API 34 framework, with android/test-support standing in
# for androidx.test's monitor. Both run against a real network this script
# starts (Prosody and the debug gateway), with the host build of the core
# loaded by JNA. Runs under `nice -n 19`. Arguments go to Maven, for one
# module or test: android/test.sh -pl app -am -Dtest=ChatActivityTest -Dsurefire.failIfNoSpecifiedTests=false
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$PWD/target/android/test-network"
mkdir -p target/android
# KOTLIN_BINDINGS_FROM: an unstripped libsplitline_bindings.so to read the bindings from
# (else a host build of the crate; see kotlin-bindings.sh).
android/kotlin-bindings.sh ${KOTLIN_BINDINGS_FROM:+"$KOTLIN_BINDINGS_FROM"}
echo "== the host core and the gateway (debug)" >&2
nice -n 19 cargo build --quiet --locked -p splitline-bindings --lib
nice -n 19 cargo build --quiet --locked -p splitline-gateway --bin splitline-gateway

# The accounts the tests may use (TestNetwork.account(name), password name-pw);
# each test class takes its own.
ACCOUNTS=(alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor walter)
# shellcheck source=../scripts/lib/servers.sh
. scripts/lib/servers.sh
trap stop_servers EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rm -rf "$OUT" && mkdir -p "$OUT"
XMPP_PORT=$(free_port)
GATEWAY="127.0.0.1:$(free_port)"
start_prosody "$OUT/prosody" "$XMPP_PORT" $(for name in "${ACCOUNTS[@]}"; do echo "$name:$name-pw"; done)
start_gateway "$GATEWAY" "127.0.0.1:$(free_port)" "$XMPP_PORT" "$OUT/gateway.log"

# A second gateway in front of the same Prosody, with calls on, for the
# call-through tests (TestNetwork.callsGateway): its SIP trunk and registrar
# are an address where nothing answers (reserving a call-through sends no
# SIP; the bridging after the mobile dials is tests/tests/bridged_calls_e2e.rs,
# with Kamailio and sipp), one access number behind a switchboard, and
# rupert's and heidi's mobile numbers verified in its numbers file.
CALLS_GATEWAY="127.0.0.1:$(free_port)"
mkdir -p "$OUT/calls-gateway"
for name in rupert heidi; do
  printf '{"account":"%s@%s","number":"+447400123456","at_ms":1}\n' "$name" "$DOMAIN"
done > "$OUT/calls-gateway/verified-numbers.jsonl"
NOWHERE="127.0.0.1:$(free_port)"
cat > "$OUT/calls-gateway.toml" <<TOML
sip-listen = "127.0.0.1:$(free_port)"
sip-trunk = "$NOWHERE"
sip-registrar = "$NOWHERE"
callback-caller-id = "+442079460999"
verification-caller-prefix = "+44207946"
home-country = "GB"
data-dir = "$OUT/calls-gateway"

[[access-numbers]]
number = "+442079460500"
country = "GB"
cost_class = "local"
post_dial = ",,2"
TOML
start_gateway "$CALLS_GATEWAY" "127.0.0.1:$(free_port)" "$XMPP_PORT" "$OUT/calls-gateway.log" --config "$OUT/calls-gateway.toml"

echo "== Maven: shell (JVM) and app (Robolectric) tests, then the modules' jars" >&2
# `package`, and the runtime classpaths: ./build.sh apk and apk-test reuse this
# build when no source changed since (one Kotlin compile in CI, not two).
nice -n 19 mvn -B -f android/pom.xml package dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/runtime-classpath.txt \
  -Dsplitline.test.gateway="http://$GATEWAY" -Dsplitline.test.calls-gateway="http://$CALLS_GATEWAY" \
  -Dsplitline.test.domain="$DOMAIN" \
  -Dsplitline.test.jna.path="$PWD/target/debug" "$@" 2>&1 | tee target/android/maven-test.log \
  | grep -E 'Tests run:|FAIL|ERROR|BUILD' || true
grep -q 'BUILD SUCCESS' target/android/maven-test.log \
  || { echo "android/test.sh: the tests failed (target/android/maven-test.log, gateway log $OUT/gateway.log)" >&2; exit 1; }
