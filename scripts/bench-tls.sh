#!/usr/bin/env bash
# TLS cost on the echo route: wsload (plaintext only) through a local stunnel TLS client
# versus wsload straight to the plaintext port, same server process; plus full TLS
# handshakes per second with `openssl s_time -new`. Loopback only, every run bounded.
#
# Usage: FLOWCOACH_BIN=.build/release/flowcoach scripts/bench-tls.sh [SECONDS]
# Needs: stunnel4 (apt-get install stunnel4), openssl, a built wsload (scripts/bench-echo.sh
# builds it into /tmp/flowcoach-bench/wsload).
#
# The figure to compare is the server's CPU per message (µs): stunnel itself burns CPU on the
# same two cores, so messages/s through it understate what the server can do.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FLOWCOACH_BIN:-$ROOT/.build/release/flowcoach}"
WSLOAD="${WSLOAD:-/tmp/flowcoach-bench/wsload}"
SECONDS_PER_RUN="${1:-10}"
WORK="$(mktemp -d /tmp/flowcoach-tls-bench.XXXXXX)"
PLAIN=19301; TLS=19302; TUNNEL=19303

if [ ! -x "$WSLOAD" ]; then
  mkdir -p "$(dirname "$WSLOAD")"
  cc -O2 -pthread -o "$WSLOAD" "$ROOT/../shared/tools/wsload/wsload.c"
fi
command -v stunnel >/dev/null || { echo "needs stunnel4 (apt-get install stunnel4)" >&2; exit 1; }

cd "$WORK"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out cert.pem \
  -subj /CN=localhost -days 2 -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
cat > stunnel.conf <<CONF
foreground = yes
pid =
[ws]
client = yes
accept = 127.0.0.1:$TUNNEL
connect = 127.0.0.1:$TLS
CONF

"$BIN" serve --host 127.0.0.1 --port $PLAIN --tls-port $TLS --tls-cert cert.pem --tls-key key.pem --echo \
  --log-level warning > server.log 2>&1 &
SERVER=$!
stunnel stunnel.conf > stunnel.log 2>&1 &
TUNNEL_PID=$!
trap 'kill $SERVER $TUNNEL_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
sleep 1

run() { # label url conns pipeline
  local line
  line=$("$WSLOAD" echo -u "$2" -c "$3" -p "$4" -s 64 -w 2 -d "$SECONDS_PER_RUN" -P "$SERVER" -q | tail -n 1)
  python3 - "$1" "$line" <<'PY'
import json, sys
label, r = sys.argv[1], json.loads(sys.argv[2])
cpu = r["server"]["cpu_pct"]
rate = r["msgs_per_s"]
print(f"| {label} | {rate:,.0f} | {r['lat_us']['p99']:,.0f} | {cpu:.0f} | {cpu / 100 * 1e6 / rate if rate else 0:.2f} | {r['errors']} |")
PY
}
echo "| scenario (64-byte text echo) | msg/s | p99 µs | server CPU % | server CPU µs/msg | errors |"
echo "|---|---:|---:|---:|---:|---:|"
for spec in "100 1" "100 16"; do
  set -- $spec
  run "plaintext C=$1 P=$2" "ws://127.0.0.1:$PLAIN/echo" "$1" "$2"
  run "TLS (via stunnel) C=$1 P=$2" "ws://127.0.0.1:$TUNNEL/echo" "$1" "$2"
done
echo
echo "full TLS handshakes (openssl s_time -new, ${SECONDS_PER_RUN}s):"
openssl s_time -connect 127.0.0.1:$TLS -new -time "$SECONDS_PER_RUN" 2>/dev/null | grep -E "connections in|connections/user" || true
