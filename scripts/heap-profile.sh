#!/usr/bin/env bash
# Heap profile of a steady soak, by call site and over time: runs a release `flowcoach
# serve` under heaptrack (Debian's `heaptrack` package) on a temporary SQLite store, drives
# it with `flowcoach-soak --profile steady` (USERS × 4 sessions, 1 update / 5 s) for LOAD
# seconds, lets the clients leave, waits WAIT seconds (past the resume window, 60 s here),
# then kills the server with SIGKILL so that what it still held is recorded as unfreed.
# Then prints the live bytes per call site at the given times (seconds since start) with
# scripts/heap-timeline.py: what grew under load, and what stayed after the clients left.
#
#   swift build -c release
#   LOAD=1200 scripts/heap-profile.sh 300 600 900 1200      # ≈ 25 minutes
#
# FLOWCOACH_BIN / FLOWCOACH_SOAK_BIN (default .build/release/…), USERS (2500), OUT
# (heap-profile-<time>: heaptrack's data ht.zst, the soak's report, timeline.txt).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${FLOWCOACH_BIN:-.build/release/flowcoach}
SOAK=${FLOWCOACH_SOAK_BIN:-.build/release/flowcoach-soak}
LOAD=${LOAD:-1200}
WAIT=${WAIT:-100}
USERS=${USERS:-2500}
OUT=${OUT:-heap-profile-$(date -u +%Y%m%dT%H%M%S)}
command -v heaptrack > /dev/null || { echo "heap-profile: heaptrack not found (apt-get install heaptrack)" >&2; exit 2; }
for binary in "$BIN" "$SOAK"; do
  [ -x "$binary" ] || { echo "heap-profile: $binary not found; build it first (swift build -c release)" >&2; exit 2; }
done
BIN=$(realpath "$BIN")
mkdir -p "$OUT"
WORK=$(mktemp -d -t flowcoach-heap.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

FLOWCOACH_SESSIONS_RESUME_WINDOW_MS=60000 heaptrack -o "$OUT/ht" "$BIN" serve --host 127.0.0.1 --port 0 \
  --port-file "$WORK/port" --database "$WORK/store.sqlite" --log-level notice > "$OUT/server.log" 2>&1 &
HEAPTRACK_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/port" ] && break; sleep 0.2; done
[ -s "$WORK/port" ] || { echo "heap-profile: no port file in 60 s" >&2; cat "$OUT/server.log" >&2; exit 2; }
PORT=$(cut -d' ' -f1 "$WORK/port")
SERVER_PID=$(pgrep -n -f -- "--port-file $WORK/port")

"$SOAK" --profile steady --url "ws://127.0.0.1:$PORT/v1/ws" --duration "$LOAD" --source-addresses 4 \
  --users "$USERS" --create-users "$USERS" --flowcoach-bin "$BIN" --database "$WORK/store.sqlite" \
  --server-pid "$SERVER_PID" --json "$OUT/report.json" > "$OUT/report.txt"
echo "heap-profile: the soak ended with status $?; the clients have left, waiting $WAIT s" >&2
sleep "$WAIT"
kill -KILL "$SERVER_PID"
wait "$HEAPTRACK_PID"
data=$(ls "$OUT"/ht*.zst "$OUT"/ht*.gz 2>/dev/null | head -1)
[ "$#" -gt 0 ] || set -- 300 600 900 "$LOAD"
case "$data" in *.gz) reader=zcat ;; *) reader=zstdcat ;; esac
"$reader" "$data" | python3 scripts/heap-timeline.py "$@" | tee "$OUT/timeline.txt"
