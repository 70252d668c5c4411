#!/usr/bin/env bash
# Side-by-side WebSocket echo load test: Flowcoach vs Vapor vs Hummingbird, driven by the
# independent C load client wsload (../shared/tools/wsload). Loopback only; every run is
# bounded in time; servers run one at a time and are started and killed by this script.
#
# Usage: scripts/bench-echo.sh [options]
#   --servers LIST   comma list of flowcoach,vapor,hummingbird (default: all three)
#   --runs N         repetitions of the whole matrix; the table shows the median (default 3)
#   --duration S     measured seconds per echo scenario (default 10; warm-up 2 s)
#   --idle-conns N   connections held for the idle RSS figure (default 10000; 0 skips it)
#   --no-build       use binaries already built (wsload in the scratch dir, release builds)
#   --quick          one run, 5 s per scenario (a smoke test, not figures to publish)
#   --table FILE     only print the table of an earlier results file
#   --nice N         run the servers and wsload at this niceness (e.g. -10 as root on a
#                    machine shared with builds; default 0 = unchanged)
#
# Environment: FLOWCOACH_BIN (a release `flowcoach` built elsewhere; default: build it with
#   `swift build -c release --product flowcoach` at the root),
#   WSLOAD_SRC (default ../shared/tools/wsload beside the repo),
#   BENCH_SCRATCH (wsload binary and server logs; default /tmp/flowcoach-bench),
#   BENCH_RESULTS (default Benchmarks/bench-results, git-ignored).
#
# Output: one JSON line per wsload run in $BENCH_RESULTS/<UTC date>.jsonl (wsload's own
# last line plus "target" (the server's name), "scenario", "run"), and a markdown table on stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WSLOAD_SRC="${WSLOAD_SRC:-$ROOT/../shared/tools/wsload}"
SCRATCH="${BENCH_SCRATCH:-/tmp/flowcoach-bench}"
RESULTS_DIR="${BENCH_RESULTS:-$ROOT/Benchmarks/bench-results}"
SERVERS="flowcoach,vapor,hummingbird"
RUNS=3
DURATION=10
WARMUP=2
IDLE_CONNS=10000
BUILD=1
TABLE_ONLY=""
NICENESS=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --servers) SERVERS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --idle-conns) IDLE_CONNS="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --quick) RUNS=1; DURATION=5; shift ;;
        --table) TABLE_ONLY="$2"; shift 2 ;;
        --nice) NICENESS="$2"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "bench-echo: unknown option $1" >&2; exit 2 ;;
    esac
done

log() { printf '[bench-echo] %s\n' "$*" >&2; }

# Markdown table of a results file: medians over runs, ratios against Vapor.
print_table() {
    python3 - "$1" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
order = ["flowcoach", "vapor", "hummingbird"]
def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
def fmt(v, spec):
    return "–" if v is None else format(v, spec)
def cpu(r):
    c = (r.get("server") or {}).get("cpu_pct", -1)
    return c if c is not None and c >= 0 else None
def cpu_us_per_msg(r):
    c, m = cpu(r), r.get("msgs_per_s") or 0
    return c * 1e4 / m if c is not None and m > 0 else None
def rss_per_conn(r):
    s, held = r.get("server") or {}, r.get("held") or 0
    if held <= 0 or s.get("rss_kb", -1) < 0 or s.get("rss_kb_start", -1) < 0: return None
    return (s["rss_kb"] - s["rss_kb_start"]) * 1024 / held
def others(r):  # CPU % (of one core) used by neither wsload nor the server: machine noise
    m, c, s = r.get("machine_cpu_pct"), r.get("client_cpu_pct"), cpu(r)
    return max(m - c - s, 0.0) if None not in (m, c, s) and m >= 0 else None
def servers(rs): return sorted({r["target"] for r in rs}, key=lambda s: order.index(s) if s in order else 9)
echo = [r for r in rows if r.get("mode") == "echo"]
idle = [r for r in rows if r.get("mode") == "idle"]
names = {"c1p1": "C=1, P=1", "c100p1": "C=100, P=1", "c1000p1": "C=1000, P=1", "c100p16": "C=100, P=16"}
print("| scenario | server | runs | msg/s | p99 µs | server CPU % | CPU µs/msg | msg/s ÷ Vapor | CPU/msg ÷ Vapor | errors | other load % |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for sc in [s for s in names if any(r["scenario"] == s for r in echo)]:
    stats = {}
    for sv in servers(echo):
        rs = [r for r in echo if r["scenario"] == sc and r["target"] == sv]
        if not rs: continue
        stats[sv] = dict(n=len(rs), rate=med([r.get("msgs_per_s") for r in rs]),
                         p99=med([(r.get("lat_us") or {}).get("p99") for r in rs]),
                         cpu=med([cpu(r) for r in rs]), us=med([cpu_us_per_msg(r) for r in rs]),
                         err=sum(r.get("errors", 0) for r in rs), other=med([others(r) for r in rs]))
    base = stats.get("vapor")
    for sv, st in stats.items():
        rr = st["rate"] / base["rate"] if base and base["rate"] and st["rate"] is not None else None
        ur = st["us"] / base["us"] if base and base["us"] and st["us"] is not None else None
        print(f"| {names[sc]} | {sv} | {st['n']} | {fmt(st['rate'], ',.0f')} | {fmt(st['p99'], ',.0f')} | "
              f"{fmt(st['cpu'], '.0f')} | {fmt(st['us'], '.1f')} | {fmt(rr, '.2f')}× | {fmt(ur, '.2f')}× | {st['err']} | "
              f"{fmt(st['other'], '.0f')} |")
if idle:
    print()
    print("| idle connections | server | runs | held | RSS per connection | ÷ Vapor | handshake p99 µs |")
    print("|---|---|---:|---:|---:|---:|---:|")
    per = {sv: [r for r in idle if r["target"] == sv] for sv in servers(idle)}
    base = med([rss_per_conn(r) for r in per.get("vapor", [])])
    for sv, rs in per.items():
        b = med([rss_per_conn(r) for r in rs])
        held = med([r.get("held") for r in rs])
        ratio = b / base if b is not None and base else None
        size = "–" if b is None else (f"{b / 1024:.1f} KB" if abs(b) >= 1024 else f"{b:.0f} B")
        print(f"| {rs[0].get('conns')} | {sv} | {len(rs)} | {fmt(held, ',.0f')} | {size} | {fmt(ratio, '.2f')}× | "
              f"{fmt(med([(r.get('handshake_us') or {}).get('p99') for r in rs]), ',.0f')} |")
EOF
}

if [[ -n "$TABLE_ONLY" ]]; then print_table "$TABLE_ONLY"; exit 0; fi

mkdir -p "$SCRATCH" "$RESULTS_DIR"
STAMP="$(date -u +%Y-%m-%dT%H%M%SZ)"
RESULTS="$RESULTS_DIR/$STAMP.jsonl"
: >"$RESULTS"

# --- file descriptors: 10k idle connections need >10k fds in the server and in wsload ---
HARD_NOFILE="$(ulimit -Hn)"
if [[ "$HARD_NOFILE" == unlimited ]]; then ulimit -n 65536; else ulimit -n "$HARD_NOFILE"; fi
if (( IDLE_CONNS > 0 )) && (( $(ulimit -n) < IDLE_CONNS + 100 )); then
    log "ulimit -n is $(ulimit -n): lowering the idle test to $(( $(ulimit -n) - 200 )) connections"
    IDLE_CONNS=$(( $(ulimit -n) - 200 ))
fi

# --- wsload: built from its own directory into the scratch dir, never copied into the repo ---
WSLOAD="$SCRATCH/wsload"
if (( BUILD )) || [[ ! -x "$WSLOAD" ]]; then
    log "building wsload from $WSLOAD_SRC"
    cc -O2 -pthread -o "$WSLOAD" "$WSLOAD_SRC/wsload.c"
fi

# --- servers: binary path per name; a server that cannot be built is skipped with a reason ---
declare -A BIN=()
declare -a ACTIVE=()

release_bin() { # package-dir product
    local dir="$1" product="$2"
    if (( BUILD )); then
        log "building $product (release) in $dir"
        if ! swift build -c release --package-path "$dir" --product "$product" >"$SCRATCH/build-$product.log" 2>&1; then
            log "build of $product failed (see $SCRATCH/build-$product.log)"
            return 1
        fi
    fi
    local bin
    bin="$(swift build -c release --package-path "$dir" --show-bin-path)/$product"
    [[ -x "$bin" ]] || { log "$bin not found (build it or drop --no-build)"; return 1; }
    printf '%s\n' "$bin"
}

IFS=',' read -r -a WANTED <<<"$SERVERS"
for server in "${WANTED[@]}"; do
    case "$server" in
        flowcoach)
            # FLOWCOACH_BIN: a release binary built elsewhere (e.g. another --scratch-path).
            if [[ -n "${FLOWCOACH_BIN:-}" ]] && bin="$FLOWCOACH_BIN" || bin="$(release_bin "$ROOT" flowcoach)"; then
                # The echo route is a config switch; until `serve --echo` exists, skip.
                help_text="$(timeout 10 "$bin" serve --help 2>&1 || true)"
                if grep -q -- '--echo' <<<"$help_text"; then
                    BIN[flowcoach]="$bin"; ACTIVE+=(flowcoach)
                else
                    log "SKIP flowcoach: this build has no 'flowcoach serve --echo' yet"
                fi
            else
                log "SKIP flowcoach: release build failed"
            fi ;;
        vapor)
            if bin="$(release_bin "$ROOT/Benchmarks/peers/vapor-echo" VaporEcho)"; then
                BIN[vapor]="$bin"; ACTIVE+=(vapor)
            else log "SKIP vapor"; fi ;;
        hummingbird)
            if bin="$(release_bin "$ROOT/Benchmarks/peers/hummingbird-echo" HummingbirdEcho)"; then
                BIN[hummingbird]="$bin"; ACTIVE+=(hummingbird)
            else log "SKIP hummingbird"; fi ;;
        *) log "unknown server '$server' (flowcoach, vapor, hummingbird)"; exit 2 ;;
    esac
done
(( ${#ACTIVE[@]} > 0 )) || { log "no server to measure"; exit 1; }

# --- one server at a time: start, wait for the port, measure, kill ---
SERVER_PID=""
PORT=""

free_port() { # a port nobody listens on, in a range away from the usual ones
    local p
    for p in $(seq 18080 18180); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
}

start_server() { # name
    local name="$1"
    PORT="$(free_port)"
    case "$name" in
        flowcoach) nice -n "$NICENESS" "${BIN[flowcoach]}" serve --host 127.0.0.1 --port "$PORT" --echo >"$SCRATCH/server-$name.log" 2>&1 & ;;
        vapor) nice -n "$NICENESS" "${BIN[vapor]}" "$PORT" >"$SCRATCH/server-$name.log" 2>&1 & ;;
        hummingbird) nice -n "$NICENESS" "${BIN[hummingbird]}" "$PORT" >"$SCRATCH/server-$name.log" 2>&1 & ;;
    esac
    SERVER_PID=$!
    local i
    for i in $(seq 1 150); do # up to 15 s
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    log "$name did not start listening on $PORT (see $SCRATCH/server-$name.log)"
    stop_server
    return 1
}

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}
trap stop_server EXIT INT TERM

record() { # server scenario run json-line
    python3 - "$1" "$2" "$3" "$4" >>"$RESULTS" <<'EOF'
import json, sys
server, scenario, run, line = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
try:
    obj = json.loads(line)
except ValueError:
    obj = {"error": "wsload printed no JSON", "raw": line[-500:]}
obj = {"target": server, "scenario": scenario, "run": run, **obj}  # wsload's "server" is its PID/CPU/RSS
print(json.dumps(obj, separators=(",", ":")))
EOF
}

run_wsload() { # server scenario run -- wsload args...
    local server="$1" scenario="$2" run="$3"; shift 4
    local out="$SCRATCH/wsload-$server-$scenario-$run.log" budget=$(( WARMUP + DURATION + 60 ))
    log "$server run $run: $scenario"
    timeout --signal=INT --kill-after=5 "$budget" nice -n "$NICENESS" "$WSLOAD" "$@" >"$out" 2>&1 || log "  wsload exited $? (see $out)"
    record "$server" "$scenario" "$run" "$(tail -n 1 "$out")"
    grep -E 'messages/s|latency|errors|cpu|established|server pid' "$out" | sed 's/^/    /' >&2 || true
}

ECHO_SCENARIOS=("c1p1:1:1" "c100p1:100:1" "c1000p1:1000:1" "c100p16:100:16")

for run in $(seq 1 "$RUNS"); do
    # Round-robin over servers inside each run, so drift of the shared machine spreads evenly.
    for server in "${ACTIVE[@]}"; do
        if start_server "$server"; then
            for spec in "${ECHO_SCENARIOS[@]}"; do
                IFS=: read -r scenario conns depth <<<"$spec"
                kill -0 "$SERVER_PID" 2>/dev/null || { log "$server died"; break; }
                run_wsload "$server" "$scenario" "$run" -- echo -u "ws://127.0.0.1:$PORT/echo" \
                    -c "$conns" -p "$depth" -s 64 -w "$WARMUP" -d "$DURATION" -P "$SERVER_PID"
            done
            stop_server
        fi
        # A fresh process for the idle test: its RSS before connecting is the baseline.
        # Three source addresses: Flowcoach's limits.connections_per_ip (4,096) would answer
        # part of 10,000 connections from two with 429.
        if (( IDLE_CONNS > 0 )) && start_server "$server"; then
            sleep 1
            run_wsload "$server" "idle$IDLE_CONNS" "$run" -- idle -u "ws://127.0.0.1:$PORT/echo" \
                -c "$IDLE_CONNS" -a 3 -d "$DURATION" -P "$SERVER_PID"
            stop_server
        fi
    done
done

log "results: $RESULTS"
print_table "$RESULTS"
