# Local servers for the demo and the JVM test (source this file).
#   start_prosody DIR PORT USER:PASSWORD...   a Prosody for $DOMAIN in DIR on
#                                              127.0.0.1:PORT, with accounts
#   start_gateway LISTEN METRICS XMPP_PORT LOG [ARG...]
#                                              the debug gateway binary in front of it (ARGs: more flags)
#   wait_port HOST PORT                        waits until something listens (15 s at most)
#   stop_servers                               stops what these functions started
# Needs tests/prosody/prosody.cfg.lua.in and, for start_gateway, target/debug/splitline-gateway.

SERVER_PIDS=()
DOMAIN=localhost # the demo's and the JVM test's XMPP domain

wait_port() {
  for _ in $(seq 150); do (echo > "/dev/tcp/$1/$2") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $1:$2" >&2
  return 1
}

start_prosody() {
  local dir=$1 port=$2
  shift 2
  mkdir -p "$dir/data"
  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@DOMAIN@|$DOMAIN|g" -e "s|@MUC@|conference.$DOMAIN|g" \
    tests/prosody/prosody.cfg.lua.in > "$dir/prosody.cfg.lua"
  local account
  for account in "$@"; do
    prosodyctl --config "$dir/prosody.cfg.lua" register "${account%%:*}" "$DOMAIN" "${account#*:}" >/dev/null
  done
  prosody -F --config "$dir/prosody.cfg.lua" >/dev/null 2>&1 &
  SERVER_PIDS+=($!)
  wait_port 127.0.0.1 "$port"
}

start_gateway() {
  local listen=$1 metrics=$2 xmpp_port=$3 log=$4
  shift 4
  target/debug/splitline-gateway --listen "$listen" --metrics-listen "$metrics" \
    --xmpp-server "127.0.0.1:$xmpp_port" --xmpp-transport plaintext --domains "$DOMAIN" "$@" 2> "$log" &
  SERVER_PIDS+=($!)
  wait_port "${listen%:*}" "${listen##*:}"
}

stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
