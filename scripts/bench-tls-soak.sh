#!/usr/bin/env bash
# TLS cost on the coaching workload: flowcoach-soak over ws:// and over wss:// against the same
# server process, alternating (ABAB) so machine drift spreads over both; optionally a second
# build alternating with the first (A/B of two builds, each over ws:// and wss://).
#
# C=100 P=1 by default: 100 connections (25 users x 4 sessions), one `activity` in flight each,
# sent as soon as its `flow` came back (the server's per-connection rate limit raised so that
# it never binds). The figure is the server's CPU per answered update: server CPU seconds over
# the soak run (/proc/PID, --server-pid) / `flow` answers received.
#
# Usage: scripts/bench-tls-soak.sh [--rounds N] [--duration S] [--nice N] [--pipeline P]
#                                  [--max-rate R] [--out DIR] BUILD_DIR [BUILD_DIR…]
#   BUILD_DIR   a directory holding release `flowcoach` and `flowcoach-soak`
#               (e.g. .build/release, or a copy of main's). The first build's soak client
#               drives every run, so only the server differs between builds.
#   --max-rate  activities/s per connection (default: unpaced); e.g. 100 paces C=100 at 10k/s
#
# Prints one line per run and a summary (median µs/update per build and scheme, and the
# wss/ws ratio of the medians). Raw JSON reports and the load average before each run go to
# --out (default a temporary directory, printed). Loopback only; every run bounded.
set -euo pipefail

ROUNDS=3
DURATION=20
NICE=0
PIPELINE=1
MAX_RATE=100000
OUT=""
BUILDS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --nice) NICE="$2"; shift 2 ;;
        --pipeline) PIPELINE="$2"; shift 2 ;;
        --max-rate) MAX_RATE="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) BUILDS+=("$(cd "$1" && pwd)"); shift ;;
    esac
done
[[ ${#BUILDS[@]} -gt 0 ]] || { echo "bench-tls-soak: name at least one build directory" >&2; exit 2; }
for build in "${BUILDS[@]}"; do
    for binary in flowcoach flowcoach-soak; do
        [[ -x "$build/$binary" ]] || { echo "bench-tls-soak: $build/$binary not found" >&2; exit 2; }
    done
done
OUT="${OUT:-$(mktemp -d /tmp/flowcoach-tls-soak.XXXXXX)}"
PROFILE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/config/soak/peak.json"
mkdir -p "$OUT"
SOAK="${BUILDS[0]}/flowcoach-soak"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$OUT/key.pem" \
    -out "$OUT/cert.pem" -subj /CN=localhost -days 2 \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null

SERVERS=()
cleanup() {
    for pid in "${SERVERS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# One server per build, each with its own store and tokens, both ports open.
PORTS=()
TLS_PORTS=()
for index in "${!BUILDS[@]}"; do
    dir="$OUT/server-$index"
    mkdir -p "$dir"
    FLOWCOACH_LIMITS_MESSAGES_PER_SECOND=1000000 FLOWCOACH_LIMITS_MESSAGE_BURST=1000000 \
        nice -n "$NICE" "${BUILDS[$index]}/flowcoach" serve --host 127.0.0.1 --port 0 --tls-port 0 \
        --tls-cert "$OUT/cert.pem" --tls-key "$OUT/key.pem" --port-file "$dir/port" \
        --database "$dir/store.sqlite" --log-level warning > "$dir/server.log" 2>&1 &
    SERVERS+=($!)
    for _ in $(seq 1 200); do [[ -s "$dir/port" ]] && break; sleep 0.1; done
    [[ -s "$dir/port" ]] || { echo "bench-tls-soak: server $index did not start" >&2; cat "$dir/server.log" >&2; exit 2; }
    read -r port tls_port < "$dir/port"
    PORTS+=("$port")
    TLS_PORTS+=("$tls_port")
    "$SOAK" --url "ws://127.0.0.1:$port/v1/ws" --create-users 25 --flowcoach-bin "${BUILDS[$index]}/flowcoach" \
        --database "$dir/store.sqlite" --token-file "$dir/tokens.txt" --users 25 --sessions-per-user 4 \
        --interval-ms 1000 --duration 1 --quiet > /dev/null
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # build-index scheme round
    local index=$1 scheme=$2 round=$3 target
    if [[ $scheme == ws ]]; then
        target=(--url "ws://127.0.0.1:${PORTS[$index]}/v1/ws")
    else
        target=(--url "wss://localhost:${TLS_PORTS[$index]}/v1/ws" --ca-file "$OUT/cert.pem")
    fi
    local name="b$index-$scheme-$round" load before after
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    before=$(cpu_ticks "${SERVERS[$index]}")
    nice -n "$NICE" "$SOAK" --profile "$PROFILE" "${target[@]}" \
        --token-file "$OUT/server-$index/tokens.txt" --users 25 --sessions-per-user 4 \
        --pipeline "$PIPELINE" --max-rate "$MAX_RATE" --duration "$DURATION" --ramp 1000 \
        --server-pid "${SERVERS[$index]}" --json "$OUT/$name.json" --quiet > "$OUT/$name.txt" \
        || echo "bench-tls-soak: run $name did not pass (see $OUT/$name.txt)" >&2
    after=$(cpu_ticks "${SERVERS[$index]}")
    python3 - "$OUT/$name.json" "$name" "$((after - before))" "$(getconf CLK_TCK)" "$load" <<'PY' | tee -a "$OUT/runs.txt"
import json, sys
path, name, ticks, hz, load = sys.argv[1:]
r = json.load(open(path))
answered = r["throughput"]["flows_answered"]
cpu = int(ticks) / int(hz)
print(f"{name} answered={answered} updates/s={r['throughput']['updates_per_s']:.0f} "
      f"p50_us={r['latency_us']['p50']} p99_us={r['latency_us']['p99']} server_cpu_s={cpu:.2f} "
      f"us_per_update={cpu * 1e6 / answered:.2f} client_cpu_s={r['client']['cpu_s']} load={load.replace(' ', '/')}")
PY
}

echo "bench-tls-soak: ${#BUILDS[@]} build(s) ${BUILDS[*]}, $ROUNDS rounds of ${DURATION}s, pipeline $PIPELINE, max rate $MAX_RATE, results in $OUT"
for round in $(seq 1 "$ROUNDS"); do
    for index in "${!BUILDS[@]}"; do
        for scheme in ws wss; do run "$index" "$scheme" "$round"; done
    done
done

python3 - "$OUT/runs.txt" <<'PY'
import collections, re, statistics, sys
figures = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, rest = line.split(" ", 1)
    build, scheme, _ = name.split("-")
    figures[(build, scheme)].append(float(re.search(r"us_per_update=([0-9.]+)", rest).group(1)))
print("\nmedian server CPU µs per update (runs):")
builds = sorted({b for b, _ in figures})
for build in builds:
    ws, wss = statistics.median(figures[(build, "ws")]), statistics.median(figures[(build, "wss")])
    print(f"  {build}: ws {ws:.2f} {figures[(build, 'ws')]}, wss {wss:.2f} {figures[(build, 'wss')]}, wss/ws {wss / ws:.2f}")
    # The same round's pair ran back to back: its ratio sees the same machine load.
    paired = [b / a for a, b in zip(figures[(build, "ws")], figures[(build, "wss")])]
    print(f"      wss/ws per round {[round(x, 2) for x in paired]}, median {statistics.median(paired):.2f}")
for build in builds[1:]:
    for scheme in ("ws", "wss"):
        a, b = statistics.median(figures[(builds[0], scheme)]), statistics.median(figures[(build, scheme)])
        print(f"  {build}/{builds[0]} over {scheme}: {b / a:.2f}")
PY
