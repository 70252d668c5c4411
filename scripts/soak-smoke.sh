#!/usr/bin/env bash
# The CI soak: starts a fresh `flowcoach serve` on a temporary SQLite store and a
# free port, creates the profile's users and tokens with the admin commands (through
# `flowcoach-soak --create-users`), runs `flowcoach-soak --profile smoke` against it, stops
# the server and exits with the soak's status (0 pass, 1 violations/errors, 2 could not run).
#
# Binaries: FLOWCOACH_BIN (default .build/debug/flowcoach) and FLOWCOACH_SOAK_BIN (default
# .build/debug/flowcoach-soak), built beforehand. SOAK_REPORT=FILE keeps the JSON report.
# Extra arguments go to flowcoach-soak (e.g. --duration 20).
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${FLOWCOACH_BIN:-.build/debug/flowcoach}
SOAK=${FLOWCOACH_SOAK_BIN:-.build/debug/flowcoach-soak}
for binary in "$BIN" "$SOAK"; do
  [ -x "$binary" ] || { echo "soak-smoke: $binary not found; build it first (swift build)" >&2; exit 2; }
done

WORK=$(mktemp -d -t flowcoach-soak.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" serve --host 127.0.0.1 --port 0 --port-file "$WORK/port" --database "$WORK/store.sqlite" \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 200); do
  [ -s "$WORK/port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "soak-smoke: the server exited:" >&2; cat "$WORK/server.log" >&2; exit 2; }
  sleep 0.1
done
[ -s "$WORK/port" ] || { echo "soak-smoke: the server wrote no port file in 20 s" >&2; cat "$WORK/server.log" >&2; exit 2; }
PORT=$(cut -d' ' -f1 "$WORK/port")

"$SOAK" --profile smoke --url "ws://127.0.0.1:$PORT/v1/ws" \
  --create-users 25 --flowcoach-bin "$BIN" --database "$WORK/store.sqlite" \
  --server-pid "$SERVER_PID" --server-metrics "http://127.0.0.1:$PORT/metrics" --json "$WORK/report.json" "$@"
STATUS=$?

if [ -n "${SOAK_REPORT:-}" ]; then cp "$WORK/report.json" "$SOAK_REPORT" 2>/dev/null || true; fi
if [ "$STATUS" -ne 0 ]; then
  echo "soak-smoke: FAILED (status $STATUS); last server log lines:" >&2
  tail -n 30 "$WORK/server.log" >&2
fi
exit "$STATUS"
