#!/usr/bin/env bash
# Local demo: a real Prosody with demo accounts, the gateway in front of it, and
# a short walkthrough of the protocol with curl. Runs until Ctrl-C.
# Set DEMO_ONCE=1 to stop after the walkthrough (used to check the demo itself).
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO_DIR="$PWD/.demo"
XMPP_PORT="${DEMO_XMPP_PORT:-5322}"
GATEWAY="${DEMO_GATEWAY:-127.0.0.1:8480}"
METRICS="${DEMO_METRICS:-127.0.0.1:9480}"
BASE="http://$GATEWAY"

# shellcheck source=lib/servers.sh
. scripts/lib/servers.sh
rm -rf "$DEMO_DIR" && mkdir -p "$DEMO_DIR"

echo "== building the gateway and the terminal client"
cargo build --quiet --locked --workspace

trap stop_servers EXIT INT TERM
start_prosody "$DEMO_DIR" "$XMPP_PORT" alice:alice-demo bob:bob-demo
start_gateway "$GATEWAY" "$METRICS" "$XMPP_PORT" "$DEMO_DIR/gateway.log"

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
call() { # method path token [body]
  curl -sS --compressed -X "$1" "$BASE$2" -H "authorization: Bearer $3" -H 'content-type: application/json' ${4:+-d "$4"}
}
sign_in() {
  curl -sS -X POST "$BASE/v1/sign-in" -H 'content-type: application/json' \
    -d "{\"jid\":\"$1@localhost\",\"password\":\"$1-demo\",\"device_id\":\"demo-$1\",\"build_id\":\"demo\"}"
}

echo "== alice and bob sign in through the gateway"
A=$(sign_in alice); B=$(sign_in bob)
AT=$(echo "$A" | json "['token']"); BT=$(echo "$B" | json "['token']")
AC=$(echo "$A" | json "['cursor']"); BC=$(echo "$B" | json "['cursor']")
echo "   alice bound as $(echo "$A" | json "['bound_jid']")"
echo "== a wrong password is refused at once:"
echo "   $(curl -sS -X POST "$BASE/v1/sign-in" -H 'content-type: application/json' \
  -d '{"jid":"alice@localhost","password":"nope","device_id":"x","build_id":"demo"}')"
echo "== alice adds bob; bob accepts; alice accepts bob's request back"
call POST /v1/contacts "$AT" '{"jid":"bob@localhost","name":"Bob"}'
sleep 0.5; call POST /v1/contacts/alice@localhost/accept "$BT"
sleep 0.5; call POST /v1/contacts/bob@localhost/accept "$AT"
sleep 0.5
echo "== alice sends bob a message (twice with the same client id: it goes out once)"
call POST /v1/messages "$AT" '{"client_id":"demo-1","to":"bob@localhost","body":"Hello from the gateway demo"}'; echo
call POST /v1/messages "$AT" '{"client_id":"demo-1","to":"bob@localhost","body":"Hello from the gateway demo"}'; echo
echo "== bob's event stream:"
call GET "/v1/events?cursor=$BC&wait=2" "$BT" | python3 -c '
import json, sys
for e in json.load(sys.stdin)["events"]:
    ev = e["event"]; kind = ev.pop("type"); seq = e["seq"]
    print(f"   #{seq:<3} {kind:24} {json.dumps(ev)}")'
terminal() { # runs the terminal client as alice on the demo's store
  SPLITLINE_PASSWORD=alice-demo target/debug/splitline --jid alice@localhost --gateway "$BASE" \
    --device-id demo-terminal --store "$DEMO_DIR/alice-terminal.db" "$@"
}
echo "== alice's terminal client (core + store + sync engine): contacts and the chat with bob"
{ sleep 2; printf '/contacts\n/msg bob@localhost Hello from the terminal client\n'
  sleep 2; printf '/open bob@localhost\n/quit\n'; } | terminal | sed 's/^/   /'
echo "== metrics (http://$METRICS/metrics):"
curl -sS "http://$METRICS/metrics" | grep -v '^#' | sed 's/^/   /'

if [ "${DEMO_ONCE:-0}" = 1 ]; then exit 0; fi
if [ -t 0 ]; then
  echo
  echo "== the terminal client, signed in as alice: type /help (bob's token for curl: $BT)"
  terminal
  exit 0
fi
cat <<MSG

The demo keeps running. Try it yourself:
  gateway:  $BASE            (protocol: docs/protocol.md)
  accounts: alice@localhost / alice-demo, bob@localhost / bob-demo
  tokens:   alice $AT
            bob   $BT
  e.g.      curl -s "$BASE/v1/events?cursor=$AC&wait=25" -H "authorization: Bearer $AT"
  logs:     $DEMO_DIR/gateway.log
Press Ctrl-C to stop.
MSG
wait
