#!/usr/bin/env bash
# The coaching service's benchmarks, repeated and summarised as a median:
#   - CoachingBenchmarks (ordo-one): activity round trip and its steps, OutboundEncoder,
#     fan-out to 10,000 subscribers, exact malloc audits;
#   - WriterThroughput: PersistenceWriter → SQLite checkpoints/s, synchronous FULL and NORMAL
#     (alternating, one run each per repetition, so machine drift spreads over both).
#
# Usage: scripts/bench-coaching.sh [--runs N] [--nice N] [--root DIR] [--skip-micro] [--skip-writer]
#   --runs N      repetitions (default 3); the summary gives the median of the p50s
#   --nice N      run at niceness N (root only below 0; the published figures used -20 on the
#                 shared machine, 0 on a quiet one)
#   --root DIR    benchmark the root package in DIR instead of the working tree, e.g. a
#                 worktree of the last commit while others edit Sources/:
#                     git worktree add --detach /tmp/fc-bench HEAD
#                     scripts/bench-coaching.sh --root /tmp/fc-bench
#                     git worktree remove /tmp/fc-bench
#
# Raw outputs (with the load average before each run) go to
# Benchmarks/bench-results/coaching-<UTC stamp>/ (git-ignored); docs/BENCHMARKS.md
# "Coaching service" explains the method.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=3
NICE=0
ROOT_OVERRIDE=""
MICRO=1
WRITER=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --nice) NICE="$2"; shift 2 ;;
        --root) ROOT_OVERRIDE="$(cd "$2" && pwd)"; shift 2 ;;
        --skip-micro) MICRO=0; shift ;;
        --skip-writer) WRITER=0; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "bench-coaching: unknown option $1" >&2; exit 2 ;;
    esac
done

cd "$ROOT/Benchmarks"
export FLOWCOACH_ROOT="$ROOT_OVERRIDE"
OUT="$ROOT/Benchmarks/bench-results/coaching-$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$OUT"
commit="$(git -C "${ROOT_OVERRIDE:-$ROOT}" rev-parse --short HEAD)"
echo "bench-coaching: root package ${ROOT_OVERRIDE:-$ROOT} at $commit, $RUNS runs, nice $NICE, results in $OUT"

load() { cut -d' ' -f1-3 /proc/loadavg; }

if [[ $MICRO -eq 1 ]]; then
    # Build first (outside the timed runs).
    swift package --disable-sandbox benchmark --target CoachingBenchmarks --no-progress --filter 'none^' >/dev/null 2>&1 || true
fi
if [[ $WRITER -eq 1 ]]; then
    swift build -c release --product WriterThroughput 2>&1 | tail -1
fi

for run in $(seq 1 "$RUNS"); do
    if [[ $MICRO -eq 1 ]]; then
        echo "run $run: CoachingBenchmarks, load $(load)" | tee -a "$OUT/load.txt"
        # influx CSV: raw values of every percentile (the text and markdown tables round to
        # 3-4 significant digits in K/M units).
        rm -f Current_run.influx.csv
        nice -n "$NICE" swift package --disable-sandbox benchmark --target CoachingBenchmarks \
            --no-progress --format influx >"$OUT/micro-$run.log" 2>&1
        mv Current_run.influx.csv "$OUT/micro-$run.csv"
    fi
    if [[ $WRITER -eq 1 ]]; then
        for sync in full normal; do
            echo "run $run: WriterThroughput $sync, load $(load)" | tee -a "$OUT/load.txt"
            nice -n "$NICE" .build/release/WriterThroughput --synchronous "$sync" --runs 1 \
                | tee -a "$OUT/writer-$sync.txt" | grep '^run'
        done
    fi
done

# Median over the runs of each benchmark's p50 (thread CPU, wall clock; per operation) and
# its malloc count (p100: the worst sample).
python3 - "$OUT" <<'EOF'
import csv, glob, os, re, statistics, sys
out = sys.argv[1]
table = {}  # name -> metric -> [value per run]
for path in sorted(glob.glob(os.path.join(out, "micro-*.csv"))):
    rows = [r for r in csv.reader(open(path)) if r and not r[0].startswith("#") and r[0] != "measurement"]
    for r in rows:
        metric, name, percentile, value = r[6], r[8], float(r[9]), float(r[10])
        # The raw value is per sample. A sample of the timed step benchmarks holds 1,000
        # operations (scaling .kilo): ns per sample ÷ 1,000 = ns per operation, and its malloc
        # count is per 1,000 operations. Fan-out and audit samples are one operation (µs).
        per_operation = not (name.startswith("fan-out") or name.startswith("malloc audit"))
        if metric.startswith("Malloc") or metric.startswith("Break"):
            if percentile == 100.0:
                label = metric + (" p100 per 1,000 ops" if per_operation else " p100 per sample")
                table.setdefault(name, {}).setdefault(label, []).append(value)
        elif percentile == 50.0 and not metric.startswith("Throughput"):
            label = metric.split("(")[0] + (" p50 ns/op" if per_operation else " p50 µs")
            table.setdefault(name, {}).setdefault(label, []).append(value / 1000)
if table:
    print("\nCoachingBenchmarks, median over runs:")
    for name, metrics in table.items():
        parts = [f"{m} {statistics.median(v):,.1f} [{', '.join(f'{x:,.0f}' for x in v)}]" for m, v in sorted(metrics.items())]
        print(f"  {name}:\n    " + "\n    ".join(parts))
for sync in ("full", "normal"):
    path = os.path.join(out, f"writer-{sync}.txt")
    if os.path.exists(path):
        rates = [float(m.group(1)) for m in re.finditer(r"^run \d+: (\d+) checkpoints/s", open(path).read(), re.M)]
        if rates:
            print(f"WriterThroughput synchronous={sync}: median {statistics.median(rates):.0f} checkpoints/s "
                  f"of {len(rates)} runs {sorted(int(r) for r in rates)}")
EOF
