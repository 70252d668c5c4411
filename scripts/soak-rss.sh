#!/usr/bin/env bash
# The long steady soak with the server's memory watched: starts a fresh release
# `flowcoach serve` on a temporary SQLite store, runs `flowcoach-soak --profile steady`
# (10,000 editor sessions + 20 dashboards, 1 update / 5 s) for DURATION seconds while
# sampling the server's RSS every SAMPLE seconds, keeps sampling after every client has
# left until the resume window has passed, and judges the samples:
#   - flat after warm-up: RSS grew ≤ 1 % over the last 30 minutes of load;
#   - returned: RSS after the clients left and the resume window passed is at most the
#     RSS measured at the same point of the warm-up plateau (no per-session memory kept).
#
# FLOWCOACH_BIN / FLOWCOACH_SOAK_BIN (default .build/release/…, build with
# `swift build -c release`), DURATION (default 3600), SAMPLE (default 60), USERS (default
# 2500, × 4 sessions each),
# RESUME_WINDOW_MS (default 120000: shorter than the 10-minute default so the run ends
# sooner; what matters is that it passes), OUT (default soak-rss-<time>: samples in
# rss.tsv, the soak's JSON report, the server log). Extra arguments go to flowcoach-soak.
# Exit status: the soak's (0 pass), or 3 when the memory judgement fails.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${FLOWCOACH_BIN:-.build/release/flowcoach}
SOAK=${FLOWCOACH_SOAK_BIN:-.build/release/flowcoach-soak}
DURATION=${DURATION:-3600}
SAMPLE=${SAMPLE:-60}
RESUME_WINDOW_MS=${RESUME_WINDOW_MS:-120000}
USERS=${USERS:-2500}
OUT=${OUT:-soak-rss-$(date -u +%Y%m%dT%H%M%S)}
for binary in "$BIN" "$SOAK"; do
  [ -x "$binary" ] || { echo "soak-rss: $binary not found; build it first (swift build -c release)" >&2; exit 2; }
done
mkdir -p "$OUT"
WORK=$(mktemp -d -t flowcoach-soak-rss.XXXXXX)
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  cp "$WORK/server.log" "$OUT/server.log" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

FLOWCOACH_SESSIONS_RESUME_WINDOW_MS=$RESUME_WINDOW_MS "$BIN" serve --host 127.0.0.1 --port 0 \
  --port-file "$WORK/port" --database "$WORK/store.sqlite" --log-level notice > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 200); do
  [ -s "$WORK/port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "soak-rss: the server exited:" >&2; cat "$WORK/server.log" >&2; exit 2; }
  sleep 0.1
done
[ -s "$WORK/port" ] || { echo "soak-rss: no port file in 20 s" >&2; exit 2; }
PORT=$(cut -d' ' -f1 "$WORK/port")

# One line per sample: seconds since the server started, phase, VmRSS and VmHWM (KiB),
# the store file's size (KiB), then RSS split into anonymous and file-backed pages and
# malloc's bytes in use and held free (KiB, from /metrics): a leak grows the heap in use,
# fragmentation the free bytes, mapped files the file-backed part.
PHASE_FILE="$WORK/phase"
echo provisioning > "$PHASE_FILE"
STARTED=$(date +%s)
printf 'elapsed_s\tphase\trss_kib\thwm_kib\tstore_kib\tanon_kib\tfile_kib\theap_used_kib\theap_free_kib\n' > "$OUT/rss.tsv"
gauge_kib() { awk -v name="$1" '$1 == name {printf "%d", $2 / 1024}' "$WORK/metrics.txt" 2>/dev/null; }
(
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null)
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null)
    anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null)
    file=$(awk '/^RssFile:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null)
    store=$(( $(stat -c %s "$WORK/store.sqlite" 2>/dev/null || echo 0) / 1024 ))
    curl -s -m 10 -o "$WORK/metrics.txt" "http://127.0.0.1:$PORT/metrics" || : > "$WORK/metrics.txt"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(( $(date +%s) - STARTED ))" "$(cat "$PHASE_FILE")" "$rss" "$hwm" "$store" \
      "$anon" "$file" "$(gauge_kib flowcoach_heap_in_use_bytes)" "$(gauge_kib flowcoach_heap_free_bytes)" >> "$OUT/rss.tsv"
    sleep "$SAMPLE"
  done
) &
SAMPLER_PID=$!

# USERS × 4 sessions from 4 source addresses (the server admits 4,096 connections per address).
echo load > "$PHASE_FILE"
"$SOAK" --profile steady --url "ws://127.0.0.1:$PORT/v1/ws" --duration "$DURATION" --source-addresses 4 \
  --users "$USERS" --create-users "$USERS" --flowcoach-bin "$BIN" --database "$WORK/store.sqlite" \
  --server-pid "$SERVER_PID" --json "$OUT/report.json" "$@" > "$OUT/report.txt"
STATUS=$?
echo "soak-rss: the soak ended with status $STATUS; waiting for the resume window ($RESUME_WINDOW_MS ms) to pass" >&2
echo left > "$PHASE_FILE"
sleep $(( RESUME_WINDOW_MS / 1000 + 2 * SAMPLE + 5 ))
kill "$SAMPLER_PID" 2>/dev/null
SAMPLER_PID=""

python3 - "$OUT/rss.tsv" "$DURATION" "$SAMPLE" <<'PY' | tee "$OUT/verdict.txt"
import sys
path, duration, sample = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [line.split("\t") for line in open(path).read().splitlines()[1:]]
rows = [(int(t), phase, int(rss or 0), int(hwm or 0), int(store or 0), *(int(x or 0) for x in rest))
        for t, phase, rss, hwm, store, *rest in rows]
load = [r for r in rows if r[1] == "load"]
left = [r for r in rows if r[1] == "left"]
end = load[-1]
window = [r for r in load if r[0] >= end[0] - 1800]
first = window[0]
growth = (end[2] - first[2]) / first[2] * 100
print(f"load samples: {len(load)}; RSS {load[0][2] / 1024:.1f} MiB at t={load[0][0]} s, "
      f"{first[2] / 1024:.1f} MiB at t={first[0]} s, {end[2] / 1024:.1f} MiB at t={end[0]} s (VmHWM {end[3] / 1024:.1f} MiB)")
print(f"last 30 minutes of load: {growth:+.2f} % (limit +1 %); store file {first[4] / 1024:.1f} → {end[4] / 1024:.1f} MiB")
# Two samples a minute apart can differ by more than the limit, so also the least-squares
# growth over the whole half-hour (information: the verdict stays on the endpoints).
if len(window) > 2:
    xs = [r[0] for r in window]
    for label, column in (("RSS", 2), ("heap in use", 7)):
        ys = [r[column] for r in window]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        if my > 0:
            print(f"  fitted over the half-hour, {label}: {slope * 1800 / 1024:+.2f} MiB ({slope * 1800 / my * 100:+.2f} %), "
                  f"samples {min(ys) / 1024:.1f}–{max(ys) / 1024:.1f} MiB")
after = left[-1] if left else end
peak = max(r[2] for r in rows)
print(f"after every client left and the resume window passed: {after[2] / 1024:.1f} MiB at t={after[0]} s "
      f"(peak {peak / 1024:.1f} MiB, before any client {rows[0][2] / 1024:.1f} MiB)")
flat = growth <= 1.0
print("verdict: " + ("FLAT" if flat else "GROWING"))
sys.exit(0 if flat else 3)
PY
VERDICT=$?
[ "$STATUS" -ne 0 ] && exit "$STATUS"
exit "$VERDICT"
