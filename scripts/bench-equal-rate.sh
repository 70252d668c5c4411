#!/usr/bin/env bash
# The coaching workload against a bare echo at the same concurrency and rate (issue 17's
# target 3): µs of server CPU per message, every load in the same session.
#
#   scripts/bench-equal-rate.sh [--rounds N] [--rate R] [--soak SOAK_BIN] FLOWCOACH_BIN [PORT ECHO_PATH ECHO_COMMAND…]
#
# Per round, at 1,000 connections × R messages a second each (default 125), one in flight:
#   - each echo server given (PORT ECHO_PATH COMMAND…, e.g. another server's echo example
#     built elsewhere: `9001 / /path/to/EchoServer`), then `FLOWCOACH_BIN serve --echo` on
#     /echo, each driven by Benchmarks' PacedEcho with one client thread and with two;
#   - the coaching workload: FLOWCOACH_BIN serve on a fresh store, `flowcoach-soak --profile
#     peak --interval-ms 1000/R --pipeline 1` (its default two threads) for 20 s; server CPU
#     over the soak's run ÷ flows answered. The soak must PASS.
# The echo's cost depends on the client's shape (docs/BENCHMARKS.md, "Target 3 at equal
# rates"): compare the coaching with the two-thread echo, whose batching is the soak's.
# Output: one line per run, then medians; results under Benchmarks/bench-results/ (git-ignored).
set -uo pipefail
cd "$(dirname "$0")/.."
ROUNDS=3
RATE=125
SOAK=.build/release/flowcoach-soak
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --soak) SOAK=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--rounds N] [--rate R] [--soak SOAK_BIN] FLOWCOACH_BIN [PORT PATH COMMAND…]" >&2; exit 2; }
FLOWCOACH=$1; shift
PEER=("$@")
PACED=Benchmarks/.build/release/PacedEcho
if [ ! -x "$PACED" ]; then
  (cd Benchmarks && swift build -c release --product PacedEcho > /dev/null) || { echo "bench-equal-rate: PacedEcho did not build" >&2; exit 2; }
fi
for binary in "$FLOWCOACH" "$SOAK"; do
  [ -x "$binary" ] || { echo "bench-equal-rate: $binary not found (swift build -c release)" >&2; exit 2; }
done
OUT=${OUT:-Benchmarks/bench-results/equal-rate-$(date -u +%Y%m%dT%H%M%S)}
mkdir -p "$OUT"
INTERVAL=$(( (1000 + RATE / 2) / RATE ))
# shellcheck source=lib/soak-template.sh
. scripts/lib/soak-template.sh

# One line per PacedEcho run (its JSON on stdin).
PACED_SUMMARY=$(mktemp)
trap 'rm -f "$PACED_SUMMARY"' EXIT
cat > "$PACED_SUMMARY" <<'PY'
import json, sys
r = json.load(sys.stdin)
print(f'{sys.argv[1]}-echo-{sys.argv[2]}t {r["server"]["us_per_msg"]:.2f} µs/msg  {r["msgs_per_s"]:.0f} msg/s, '
      f'late {r["late"]}, p50 {r["lat_us"]["p50"]} µs')
PY

listening() { for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

paced() {  # paced TAG PORT PATH PID THREADS
  "$PACED" --port "$2" --path "$3" -c 1000 --rate "$RATE" --threads "$5" --warmup 3 --duration 10 --server-pid "$4" \
    | python3 "$PACED_SUMMARY" "$1" "$5"
}

echo_server() {  # echo_server TAG PORT PATH COMMAND…
  local tag=$1 port=$2 path=$3 pid
  shift 3
  "$@" > "$OUT/$tag-server.log" 2>&1 &
  pid=$!
  if ! listening "$port"; then echo "$tag: nothing listens on $port" >&2; kill "$pid"; return; fi
  paced "$tag" "$port" "$path" "$pid" 1
  paced "$tag" "$port" "$path" "$pid" 2
  kill "$pid"; wait "$pid" 2>/dev/null
}

status=0
coaching() {  # coaching ROUND
  local work run pid port
  work=$(mktemp -d); run="$OUT/coaching-$1"; mkdir -p "$run"
  "$FLOWCOACH" serve --host 127.0.0.1 --port 0 --port-file "$work/port" --database "$work/store.sqlite" \
    --log-level notice > "$run/server.log" 2>&1 &
  pid=$!
  port=$(wait_port "$work/port")
  "$SOAK" --profile peak --url "ws://127.0.0.1:$port/v1/ws" --duration 20 --interval-ms "$INTERVAL" --pipeline 1 \
    --create-users 250 --flowcoach-bin "$FLOWCOACH" --database "$work/store.sqlite" --server-pid "$pid" \
    --json "$run/report.json" > "$run/report.txt" 2>&1
  local soak_status=$?
  kill -TERM "$pid"; wait "$pid"; rm -rf "$work"
  python3 - "$run/report.json" "$soak_status" <<'PY' || status=1
import json, sys
r = json.load(open(sys.argv[1]))
t, s = r["throughput"], r["server"]
if sys.argv[2] != "0" or not r["passed"]:
    print("coaching: soak FAILED"); sys.exit(1)
print(f'coaching {s["cpu_s"] / t["flows_answered"] * 1e6:.2f} µs/update  {t["updates_per_s"]:.0f} updates/s, '
      f'round trip p50 {r["latency_us"]["p50"]} µs')
PY
}

for round in $(seq 1 "$ROUNDS"); do
  echo "# round $round, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/results.txt"
  if [ ${#PEER[@]} -ge 3 ]; then
    echo_server peer "${PEER[0]}" "${PEER[1]}" "${PEER[@]:2}" | tee -a "$OUT/results.txt"
  fi
  echo_server flowcoach 9300 /echo "$FLOWCOACH" serve --host 127.0.0.1 --port 9300 --echo \
    --database "$OUT/echo.sqlite" --log-level warning | tee -a "$OUT/results.txt"
  coaching "$round" | tee -a "$OUT/results.txt"
done
python3 - "$OUT/results.txt" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) > 2 and f[2].startswith("µs/"):
        runs[f[0]].append(float(f[1]))
for tag, values in runs.items():
    print(f"{tag}: median {statistics.median(values):.2f} µs of server CPU per message ({len(values)} runs)")
coach = runs.get("coaching")
for tag in ("peer-echo-2t", "peer-echo-1t", "flowcoach-echo-2t"):
    if coach and runs.get(tag):
        print(f"coaching ÷ {tag}: {statistics.median(coach) / statistics.median(runs[tag]):.2f}")
PY
exit "$status"
