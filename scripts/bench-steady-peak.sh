#!/usr/bin/env bash
# Server CPU per coaching update at the `steady` soak profile (by thread) and at `peak`,
# for one or more release builds, alternating builds within each round so that the
# machine's drift spreads over all of them (issue 17's target 2: steady ÷ peak).
#
#   scripts/bench-steady-peak.sh [--rounds N] [--soak SOAK_BIN] FLOWCOACH_BIN…
#
# steady: a fresh server on a copy of a template store (USERS users created once, their
#   tokens kept; creating 2,000 users takes about half a minute), `flowcoach-soak --profile
#   steady` (USERS × 5 sessions, one update per 5 s each, 20 dashboards) for 150 s; the
#   server's per-thread CPU (/proc/PID/task/*/stat) over t = 75…135 s divided by the
#   `activity` messages its /metrics counted in that window.
# peak: a fresh server and store, `flowcoach-soak --profile peak` (1,000 connections,
#   8 in flight) for 20 s; the soak's report gives the server's CPU and the flows answered.
#
# Every soak run must PASS (exact summaries); a failing one is reported and ends the
# script with its status. The soak client is the same binary for every build (default
# .build/release/flowcoach-soak). Output: one line per run, then the medians per build.
# Environment: USERS (default 2000), TEMPLATE (default /tmp/flowcoach-steady-template),
# OUT (default Benchmarks/bench-results/steady-peak-<UTC stamp>, git-ignored: reports and
# server logs).
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=2
SOAK=.build/release/flowcoach-soak
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --soak) SOAK=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--rounds N] [--soak SOAK_BIN] FLOWCOACH_BIN…" >&2; exit 2; }
for binary in "$SOAK" "$@"; do
  [ -x "$binary" ] || { echo "bench-steady-peak: $binary not found (swift build -c release)" >&2; exit 2; }
done
USERS=${USERS:-2000}
TEMPLATE=${TEMPLATE:-/tmp/flowcoach-steady-template}
OUT=${OUT:-Benchmarks/bench-results/steady-peak-$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$OUT" "$TEMPLATE"
HZ=$(getconf CLK_TCK)

passed() { python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["passed"] else 1)' "$1"; }
# shellcheck source=lib/soak-template.sh
. scripts/lib/soak-template.sh
ensure_template "$TEMPLATE" "$USERS" "$1" "$SOAK"

threads() {  # threads PID: "name ticks" per thread name (summed), sorted
  for task in /proc/"$1"/task/*; do
    echo "$(tr ' ' _ < "$task/comm") $(awk '{print $14 + $15}' "$task/stat")"
  done | awk '{sum[$1] += $2} END {for (name in sum) print name, sum[name]}' | sort
}
activities() { curl -s -m 10 "http://127.0.0.1:$1/metrics" | awk '/^flowcoach_activities_total/ {s += $2} END {printf "%d", s}'; }

status=0
steady() {  # steady TAG BIN: prints "TAG steady TOTAL_us loops_us board_us writer_us"
  local tag=$1 bin=$2 work run
  work=$(mktemp -d); run="$OUT/$tag-steady-$3"; mkdir -p "$run"
  cp "$TEMPLATE/store.sqlite" "$work/store.sqlite"
  "$bin" serve --host 127.0.0.1 --port 0 --port-file "$work/port" --database "$work/store.sqlite" \
    --log-level notice > "$run/server.log" 2>&1 &
  local pid=$! port
  port=$(wait_port "$work/port")
  "$SOAK" --profile steady --url "ws://127.0.0.1:$port/v1/ws" --duration 150 --source-addresses 5 --users "$USERS" \
    --sessions-per-user 5 --token-file "$TEMPLATE/tokens.txt" --server-pid "$pid" --json "$run/report.json" \
    > "$run/report.txt" 2>&1 &
  local soak=$!
  sleep 75; threads "$pid" > "$run/threads-75"; local a=$(activities "$port")
  sleep 60; threads "$pid" > "$run/threads-135"; local b=$(activities "$port")
  wait "$soak"; local soak_status=$?
  kill -TERM "$pid"; wait "$pid"; rm -rf "$work"
  if [ "$soak_status" -ne 0 ] || ! passed "$run/report.json"; then
    echo "$tag steady: soak FAILED (see $run)"; status=1; return
  fi
  join "$run/threads-75" "$run/threads-135" | awk -v n=$((b - a)) -v hz="$HZ" -v tag="$tag" '
    { us = ($3 - $2) / hz / n * 1e6; total += us
      if ($1 ~ /^flowcoach-io/) loops += us; else if ($1 ~ /board/) board += us; else if ($1 ~ /write/) writer += us }
    END { printf "%s steady %.1f %.1f %.1f %.1f  (µs per update: total, loops, leaderboard owner, writer; %d updates)\n",
          tag, total, loops, board, writer, n }'
}

peak() {  # peak TAG BIN: prints "TAG peak µs_per_update updates_per_s"
  local tag=$1 bin=$2 work run
  work=$(mktemp -d); run="$OUT/$tag-peak-$3"; mkdir -p "$run"
  "$bin" serve --host 127.0.0.1 --port 0 --port-file "$work/port" --database "$work/store.sqlite" \
    --log-level notice > "$run/server.log" 2>&1 &
  local pid=$! port
  port=$(wait_port "$work/port")
  "$SOAK" --profile peak --url "ws://127.0.0.1:$port/v1/ws" --duration 20 --create-users 250 --flowcoach-bin "$bin" \
    --database "$work/store.sqlite" --server-pid "$pid" --json "$run/report.json" > "$run/report.txt" 2>&1
  local soak_status=$?
  kill -TERM "$pid"; wait "$pid"; rm -rf "$work"
  if [ "$soak_status" -ne 0 ] || ! passed "$run/report.json"; then
    echo "$tag peak: soak FAILED (see $run)"; status=1; return
  fi
  python3 - "$run/report.json" "$tag" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["throughput"]
print(f'{sys.argv[2]} peak {r["server"]["cpu_s"] / t["flows_answered"] * 1e6:.2f} {t["updates_per_s"]:.0f}  '
      '(µs of server CPU per update, updates/s)')
PY
}

for round in $(seq 1 "$ROUNDS"); do
  for bin in "$@"; do
    tag=$(basename "$bin")
    steady "$tag" "$bin" "$round" | tee -a "$OUT/results.txt"
    peak "$tag" "$bin" "$round" | tee -a "$OUT/results.txt"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/results.txt"
python3 - "$OUT/results.txt" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) > 2 and f[1] in ("steady", "peak") and "FAILED" not in line:
        runs[f[0]][f[1]].append(float(f[2]))
for tag, kinds in runs.items():
    s, p = kinds.get("steady"), kinds.get("peak")
    if s and p:
        print(f"{tag}: steady {statistics.median(s):.1f} µs, peak {statistics.median(p):.2f} µs per update "
              f"(medians of {len(s)} and {len(p)}): steady ÷ peak {statistics.median(s) / statistics.median(p):.1f}")
PY
exit "$status"
