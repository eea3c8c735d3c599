#!/usr/bin/env bash
# The JVM test of the Kotlin bindings: generates them from the built library
# (uniffi library mode), compiles them with the test (tests/jvm/SplitlineFfiTest.kt)
# using kotlinc (npm kotlin-compiler) and JNA (Debian), then runs the test
# against a real Prosody and gateway that this script starts. Bob (over curl,
# and from the test over HTTP) sends alice messages and, with carol, contact
# requests; afterwards this script
# checks that alice's reply reached him and that her sessions were signed off.
set -euo pipefail
cd "$(dirname "$0")/../.."

KOTLIN_VERSION=2.4.20
TOOLS="$PWD/target/tools"
KOTLINC="$TOOLS/node_modules/kotlin-compiler/bin/kotlinc"
KOTLIN_LIB="$TOOLS/node_modules/kotlin-compiler/lib"
JNA=/usr/share/java/jna.jar
OUT="$PWD/target/jvm-test"

if [ ! -x "$KOTLINC" ]; then
  echo "== installing kotlin-compiler $KOTLIN_VERSION from npm" >&2
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "kotlin-compiler@$KOTLIN_VERSION" \
    || { echo "tests/jvm/run.sh: could not install kotlin-compiler with npm" >&2; exit 1; }
fi
[ -f "$JNA" ] || { echo "tests/jvm/run.sh: $JNA is missing (Debian package libjna-java; build.sh setup installs it)" >&2; exit 1; }

echo "== generating the Kotlin bindings" >&2
rm -rf "$OUT" && mkdir -p "$OUT"
./build.sh bindings "$OUT/src" # builds the whole workspace, the gateway included

echo "== compiling the bindings and the test with kotlinc" >&2
CLASSPATH="$JNA:$KOTLIN_LIB/kotlinx-coroutines-core-jvm.jar"
"$KOTLINC" -nowarn -classpath "$CLASSPATH" -d "$OUT/test.jar" \
  "$OUT/src/uniffi/splitline_bindings/splitline_bindings.kt" tests/jvm/SplitlineFfiTest.kt 2> "$OUT/kotlinc.log" \
  || { cat "$OUT/kotlinc.log" >&2; exit 1; }

# shellcheck source=../../scripts/lib/servers.sh
. scripts/lib/servers.sh
trap stop_servers EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
XMPP_PORT=$(free_port)
GATEWAY="127.0.0.1:$(free_port)"
start_prosody "$OUT/prosody" "$XMPP_PORT" alice:alice-pw bob:bob-pw carol:carol-pw
METRICS="127.0.0.1:$(free_port)"
start_gateway "$GATEWAY" "$METRICS" "$XMPP_PORT" "$OUT/gateway.log"
BASE="http://$GATEWAY"

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
BOB=$(curl -sS -X POST "$BASE/v1/sign-in" -H 'content-type: application/json' \
  -d '{"jid":"bob@localhost","password":"bob-pw","device_id":"bob-curl","build_id":"jvm-test"}')
BOB_TOKEN=$(echo "$BOB" | json "['token']")
BOB_CURSOR=$(echo "$BOB" | json "['cursor']")
# Carol (over HTTP from the test) asks alice to be her contact, to be refused.
CAROL_TOKEN=$(curl -sS -X POST "$BASE/v1/sign-in" -H 'content-type: application/json' \
  -d '{"jid":"carol@localhost","password":"carol-pw","device_id":"carol-curl","build_id":"jvm-test"}' | json "['token']")
curl -sS -X POST "$BASE/v1/messages" -H "authorization: Bearer $BOB_TOKEN" -H 'content-type: application/json' \
  -d '{"client_id":"jvm-1","to":"alice@localhost","body":"hello from bob"}' >/dev/null

echo "== running the Kotlin test on the JVM" >&2
java -Djna.library.path="$PWD/target/debug" \
  -cp "$OUT/test.jar:$CLASSPATH:$KOTLIN_LIB/kotlin-stdlib.jar" SplitlineFfiTestKt \
  "$BASE" "$OUT/alice.db" alice-pw "$BOB_TOKEN" "$CAROL_TOKEN"

# Alice signed off: only bob's and carol's sessions are left at the gateway.
if curl -sS "http://$METRICS/metrics" | grep -qx 'splitline_sessions_active 2'; then
  echo "ok: signOff ended alice's session at the gateway"
else
  echo "FAILED: alice's session is still open at the gateway after signOff" >&2
  exit 1
fi

# Bob's side: alice's message from Kotlin reached him through the gateway.
for _ in $(seq 50); do
  EVENTS=$(curl -sS "$BASE/v1/events?cursor=$BOB_CURSOR&wait=1" -H "authorization: Bearer $BOB_TOKEN")
  if echo "$EVENTS" | grep -q 'hello from kotlin'; then
    echo "ok: bob received the message sent from Kotlin"
    exit 0
  fi
done
echo "FAILED: bob never received the message sent from Kotlin" >&2
exit 1
