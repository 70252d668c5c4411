#!/usr/bin/env bash
# Chaos soak: runs `flowcoach-soak --profile chaos` against a fresh server and
# restarts the server RESTARTS times while it runs (alternately SIGTERM and SIGKILL, so
# both a graceful shutdown and a crash are survived), on the same port and store. The soak
# tolerates the disconnects (--expect-restarts), resumes every session, replays what was
# not durable, and at the end requires every session's summary to equal what was sent.
#
# FLOWCOACH_BIN / FLOWCOACH_SOAK_BIN as in soak-smoke.sh; RESTARTS (default 3), GAP
# seconds between restarts (default 30), DOWN seconds the server stays down (default 2).
# Extra arguments go to flowcoach-soak. Exits with the soak's status.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${FLOWCOACH_BIN:-.build/debug/flowcoach}
SOAK=${FLOWCOACH_SOAK_BIN:-.build/debug/flowcoach-soak}
RESTARTS=${RESTARTS:-3}
GAP=${GAP:-30}
DOWN=${DOWN:-2}
for binary in "$BIN" "$SOAK"; do
  [ -x "$binary" ] || { echo "soak-chaos: $binary not found; build it first" >&2; exit 2; }
done

WORK=$(mktemp -d -t flowcoach-chaos.XXXXXX)
SERVER_PID=""
SOAK_PID=""
cleanup() {
  [ -n "$SOAK_PID" ] && kill -TERM "$SOAK_PID" 2>/dev/null
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null; sleep 1; kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_server() {  # $1: port (0 the first time)
  rm -f "$WORK/port"
  "$BIN" serve --host 127.0.0.1 --port "$1" --port-file "$WORK/port" --database "$WORK/store.sqlite" \
    >> "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do [ -s "$WORK/port" ] && return 0; sleep 0.1; done
  echo "soak-chaos: the server did not start" >&2; tail -n 20 "$WORK/server.log" >&2; exit 2
}

start_server 0
PORT=$(cut -d' ' -f1 "$WORK/port")
"$SOAK" --profile chaos --url "ws://127.0.0.1:$PORT/v1/ws" --expect-restarts "$RESTARTS" \
  --create-users 50 --flowcoach-bin "$BIN" --database "$WORK/store.sqlite" --json "$WORK/report.json" "$@" &
SOAK_PID=$!

for round in $(seq 1 "$RESTARTS"); do
  sleep "$GAP"
  kill -0 "$SOAK_PID" 2>/dev/null || break
  if [ $((round % 2)) -eq 1 ]; then signal=TERM; else signal=KILL; fi
  echo "soak-chaos: restart $round/$RESTARTS (SIG$signal)" >&2
  kill -"$signal" "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  sleep "$DOWN"
  start_server "$PORT"
done

wait "$SOAK_PID"
STATUS=$?
SOAK_PID=""
if [ -n "${SOAK_REPORT:-}" ]; then cp "$WORK/report.json" "$SOAK_REPORT" 2>/dev/null || true; fi
[ "$STATUS" -eq 0 ] || { echo "soak-chaos: FAILED (status $STATUS)" >&2; tail -n 30 "$WORK/server.log" >&2; }
exit "$STATUS"
