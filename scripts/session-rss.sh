#!/usr/bin/env bash
# Marginal RSS per live session: the same USERS users (created once, in a template store)
# with LOW and then HIGH sessions each, under `flowcoach-soak --profile steady` for
# DURATION seconds; a fresh release `flowcoach serve` on a copy of the template for each
# run. The server's VmRSS, RssAnon and malloc's bytes in use
# (`flowcoach_heap_in_use_bytes`) are sampled every 10 s; the figure is the mean over the
# last 100 s of each run, and per added session = (HIGH run − LOW run) ÷ (USERS × (HIGH −
# LOW)). Only the sessions differ between the runs: users, tokens and the store's start
# are the same (creating 2,000 users through the CLI takes minutes, so it is done once).
#
# FLOWCOACH_BIN / FLOWCOACH_SOAK_BIN (default .build/release/…, build with
# `swift build -c release --product flowcoach` and `--product flowcoach-soak`), USERS
# (default 2000), LOW / HIGH (default 5 / 9 sessions per user: 10,000 and 18,000
# sessions), DURATION (default 180), TEMPLATE (a template made by an earlier run, reused
# when it holds USERS tokens), OUT (default Benchmarks/bench-results/session-rss-<time>, git-ignored: samples-LOW.txt,
# samples-HIGH.txt, the soak reports and server logs). To compare two builds, run once per
# build with the same TEMPLATE and FLOWCOACH_SOAK_BIN, one after the other.
# Exit status: 0, or the first failing soak's status (its report says why; the figures
# are printed all the same).
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${FLOWCOACH_BIN:-.build/release/flowcoach}
SOAK=${FLOWCOACH_SOAK_BIN:-.build/release/flowcoach-soak}
USERS=${USERS:-2000}
LOW=${LOW:-5}
HIGH=${HIGH:-9}
DURATION=${DURATION:-180}
OUT=${OUT:-Benchmarks/bench-results/session-rss-$(date -u +%Y%m%dT%H%M%S)}
TEMPLATE=${TEMPLATE:-$OUT/template}
for binary in "$BIN" "$SOAK"; do
  [ -x "$binary" ] || { echo "session-rss: $binary not found; build it first (swift build -c release)" >&2; exit 2; }
done
mkdir -p "$OUT" "$TEMPLATE"

# shellcheck source=lib/soak-template.sh
. scripts/lib/soak-template.sh
ensure_template "$TEMPLATE" "$USERS" "$BIN" "$SOAK"

status=0
for spu in "$LOW" "$HIGH"; do
  work=$(mktemp -d)
  cp "$TEMPLATE/store.sqlite" "$work/store.sqlite"
  "$BIN" serve --host 127.0.0.1 --port 0 --port-file "$work/port" --database "$work/store.sqlite" \
    --log-level notice > "$OUT/server-$spu.log" 2>&1 &
  pid=$!
  port=$(wait_port "$work/port")
  ( while kill -0 "$pid" 2>/dev/null; do
      echo "$(date +%s) $(awk '/^VmRSS:/{print $2}' /proc/$pid/status) $(awk '/^RssAnon:/{print $2}' /proc/$pid/status)" \
        "$(curl -s -m 10 "http://127.0.0.1:$port/metrics" | awk '$1=="flowcoach_heap_in_use_bytes"{printf "%d", $2/1024}')"
      sleep 10
    done >> "$OUT/samples-$spu.txt" ) &
  "$SOAK" --profile steady --url "ws://127.0.0.1:$port/v1/ws" --duration "$DURATION" --source-addresses 5 \
    --users "$USERS" --sessions-per-user "$spu" --token-file "$TEMPLATE/tokens.txt" --server-pid "$pid" \
    --json "$OUT/report-$spu.json" > "$OUT/report-$spu.txt" 2>&1
  soak=$?
  [ "$soak" -ne 0 ] && [ "$status" -eq 0 ] && status=$soak
  kill -TERM "$pid"; wait "$pid"
  rm -rf "$work"
done

python3 - "$OUT" "$LOW" "$HIGH" "$USERS" <<'PY'
import sys
out, low, high, users = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def means(spu):
    rows = [[int(x) for x in line.split()[:4]] for line in open(f"{out}/samples-{spu}.txt")
            if len(line.split()) >= 4 and all(x.isdigit() for x in line.split()[:4])]
    end = rows[-1][0]
    window = [r for r in rows if end - 100 < r[0] <= end]  # the last 100 s of load
    return [sum(r[i] for r in window) / len(window) for i in (1, 2, 3)]
a, b = means(low), means(high)
added = users * (high - low)
print(f"{'':>24} {'RSS':>10} {'anonymous':>10} {'heap in use':>12}")
for label, m in ((f"{users * low} sessions", a), (f"{users * high} sessions", b)):
    print(f"{label:>24} " + " ".join(f"{v / 1024:>8.1f} MiB".rjust(12) for v in m))
print(f"{'per added session':>24} " + " ".join(f"{(y - x) * 1024 / added:>8.0f} B".rjust(12) for x, y in zip(a, b)))
PY
exit $status
