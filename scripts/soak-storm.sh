#!/usr/bin/env bash
# Reconnect storm: how long a crashed and restarted server takes to resume every session.
#
# Starts a fresh release `flowcoach serve` on a temporary SQLite store and runs
# `flowcoach-soak --profile steady` against it (USERS × 4 editor sessions + 20 dashboards
# from 4 source addresses, one update per 5 s). Once every session holds a durable activity
# (the soak's progress line says `durable N/N`), the server is killed with SIGKILL and started
# again at once on the same port and store; every client reconnects and resumes its session.
# When the soak's progress line shows every connection back and no session left to resume,
# the load goes on for AFTER seconds (the cycles after the storm), then the soak ends its
# sessions and checks every summary against what it sent.
#
# Printed at the end (and written to OUT/verdict.txt): the time from the restart until the
# last session was back (the soak's `reconnect_storms` in its JSON report, wall clock), the
# round trips during the storm, the updates answered in each second of the 5-second
# cycles after it (a phase lock shows as a few busy seconds per cycle: run once as is and
# once with `--no-jitter`), and the exact totals.
#
# FLOWCOACH_BIN / FLOWCOACH_SOAK_BIN (default .build/release/…; `swift build -c release`),
# USERS (default 2500, × 4 sessions), AFTER (default 30 s), LIMIT_S (default 5: the longest
# time from the restart to the last session back that passes), OUT (default a temporary
# directory, removed: report.json, report.txt, progress.log, storm-metrics.tsv, storm-cpu.tsv,
# server.log, verdict.txt). Extra arguments go
# to flowcoach-soak (e.g. --no-jitter). Exit status: the soak's (0 pass), 3 when the sessions
# were not all back within LIMIT_S, 2 when the run could not start.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${FLOWCOACH_BIN:-.build/release/flowcoach}
SOAK=${FLOWCOACH_SOAK_BIN:-.build/release/flowcoach-soak}
USERS=${USERS:-2500}
AFTER=${AFTER:-30}
LIMIT_S=${LIMIT_S:-5}
SESSIONS=$((USERS * 4))
for binary in "$BIN" "$SOAK"; do
  [ -x "$binary" ] || { echo "soak-storm: $binary not found; build it first (swift build -c release)" >&2; exit 2; }
done
WORK=$(mktemp -d -t flowcoach-storm.XXXXXX)
OUT=${OUT:-$WORK/out}
mkdir -p "$OUT"
SERVER_PID=""
SOAK_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  [ -n "$SOAK_PID" ] && kill -KILL "$SOAK_PID" 2>/dev/null
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
  fi
  cp "$WORK/server.log" "$OUT/server.log" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }

# Waits until `$1` (a shell condition) holds, polling every 0.1 s for at most $2 seconds;
# gives up early when the soak has exited.
wait_for() {
  local deadline=$(( $(date +%s) + $2 ))
  while ! eval "$1"; do
    kill -0 "$SOAK_PID" 2>/dev/null || { echo "soak-storm: the soak exited while waiting for: $3" >&2; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "soak-storm: timed out after $2 s waiting for: $3" >&2; return 1; }
    sleep 0.1
  done
}

start_server() {  # $1: port (0 the first time)
  rm -f "$WORK/port"
  "$BIN" serve --host 127.0.0.1 --port "$1" --port-file "$WORK/port" --database "$WORK/store.sqlite" \
    --log-level notice >> "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    [ -s "$WORK/port" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.01
  done
  echo "soak-storm: the server did not start" >&2; tail -n 20 "$WORK/server.log" >&2; exit 2
}

start_server 0
PORT=$(cut -d' ' -f1 "$WORK/port")
# USERS users with an ingest and a read token each, written straight into the store the
# server has just created (`flowcoach token create`, two processes per user, takes minutes
# for thousands on a busy machine); the token file for flowcoach-soak.
python3 - "$USERS" "$WORK/store.sqlite" "$WORK/tokens" <<'PY' || { echo "soak-storm: could not create the users" >&2; exit 2; }
import hashlib, secrets, sqlite3, string, sys, time, uuid
alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
def token(scope):
    return f"fc_{scope}_{''.join(secrets.choice(alphabet) for _ in range(8))}_{''.join(secrets.choice(alphabet) for _ in range(40))}"
count, store, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
now = int(time.time() * 1000)
db = sqlite3.connect(store, timeout=30)
with db, open(path, "w") as tokens:
    for index in range(1, count + 1):
        user = str(uuid.uuid4())
        db.execute("INSERT INTO users (id, name, display_name, time_zone, created_at_ms) VALUES (?, ?, ?, 'UTC', ?)",
                   (user, f"storm-{index}", f"storm-{index}", now))
        pair = []
        for scope, name in (("i", "ingest"), ("r", "read")):
            text = token(scope)
            db.execute("INSERT INTO tokens (id, user_id, scope, secret_hash, created_at_ms) VALUES (?, ?, ?, ?, ?)",
                       (text.split("_")[2], user, name, hashlib.sha256(text.encode()).digest(), now))
            pair.append(text)
        tokens.write(" ".join(pair) + "\n")
PY
# The load runs until the script ends it (SIGTERM starts the soak's closing phase).
"$SOAK" --profile steady --url "ws://127.0.0.1:$PORT/v1/ws" --duration 86400 --source-addresses 4 \
  --users "$USERS" --token-file "$WORK/tokens" --expect-restarts 1 --json "$OUT/report.json" "$@" \
  > "$OUT/report.txt" 2> "$OUT/progress.log" &
SOAK_PID=$!

# Every session must hold a durable activity: a restart then has something to resume.
wait_for 'grep -q "durable $SESSIONS/$SESSIONS" "$OUT/progress.log"' 900 "$SESSIONS durable sessions" || exit 2
echo "soak-storm: $SESSIONS sessions durable; killing the server (SIGKILL)" >&2
LOAD_AT_KILL=$(cut -d' ' -f1-3 /proc/loadavg)
KILL_MS=$(now_ms)
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
RESTART_MS=$(now_ms)
start_server "$PORT"
READY_MS=$(now_ms)
LINES_AT_RESTART=$(wc -l < "$OUT/progress.log")
# The server's view of the storm, every 0.2 s until every session is back: milliseconds since
# the restart, TCP connections open, WebSockets open (after the token check), sessions
# resumed, and the store reader's queue.
metric() { awk -v name="$1" 'index($1, name "{") == 1 || $1 == name {sum += $2} END {printf "%d", sum}' "$WORK/metrics.txt"; }
(
  printf 'ms\tconnections\twebsockets\tresumed\n'
  while :; do
    curl -s -m 2 -o "$WORK/metrics.txt" "http://127.0.0.1:$PORT/metrics" || : > "$WORK/metrics.txt"
    resumed=$(metric flowcoach_sessions_resumed_total)
    printf '%s\t%s\t%s\t%s\n' "$(( $(now_ms) - RESTART_MS ))" "$(metric flowcoach_connections_open)" \
      "$(metric flowcoach_websockets_open)" "$resumed"
    [ "$resumed" -ge "$SESSIONS" ] && break
    sleep 0.2
  done
) > "$OUT/storm-metrics.tsv" &
SAMPLER_PID=$!
echo "soak-storm: restarted $((RESTART_MS - KILL_MS)) ms after the kill, listening after $((READY_MS - RESTART_MS)) ms" >&2

# Back: a progress line printed after the restart with every connection open and no session
# left to resume.
all_back() {
  tail -n +"$((LINES_AT_RESTART + 1))" "$OUT/progress.log" | grep '^\[' \
    | grep -v resuming | grep -qE "conns ([0-9]+)/\1 "
}
wait_for all_back 120 "every session back" || exit 2
kill "$SAMPLER_PID" 2>/dev/null
SAMPLER_PID=""
# CPU seconds of the restarted server's threads so far (the storm and the little load
# after it), by thread name: less at the mercy of the machine's load than the times above.
for task in /proc/"$SERVER_PID"/task/*; do
  printf '%s\t%s\n' "$(cat "$task/comm" 2>/dev/null)" "$(awk '{print $14 + $15}' "$task/stat" 2>/dev/null)"
done > "$OUT/storm-cpu.tsv"
echo "soak-storm: every session is back; $AFTER s more of load" >&2
sleep "$AFTER"  # the observation window after the storm, not a wait for a condition
kill -TERM "$SOAK_PID"
wait "$SOAK_PID"
STATUS=$?
SOAK_PID=""
cat "$OUT/report.txt"

python3 - "$OUT/report.json" "$KILL_MS" "$RESTART_MS" "$READY_MS" "$LIMIT_S" "$LOAD_AT_KILL" \
  "$OUT/storm-metrics.tsv" "$OUT/storm-cpu.tsv" "$(getconf CLK_TCK)" <<'PY' | tee "$OUT/verdict.txt"
import json, statistics, sys
report = json.load(open(sys.argv[1]))
kill_ms, restart_ms, ready_ms, limit = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
storms = report["reconnect_storms"]
storm = max(storms, key=lambda s: s["sessions_lost"]) if storms else None
sessions = report["sessions"]
samples = [line.split("\t") for line in open(sys.argv[7]).read().splitlines()[1:]]
samples = [tuple(int(x or 0) for x in row) for row in samples if len(row) == 4]
detail = report["sessions_detail"]
print(f"jitter: {'on' if report['jitter'] else 'off (--no-jitter)'}; {sessions} sessions, {report['dashboards']} dashboards")
print(f"machine load average at the kill: {sys.argv[6]}")
print(f"server: restarted {restart_ms - kill_ms} ms after the kill, listening {ready_ms - restart_ms} ms after the restart")
ok = storm is not None and storm["last_back_wall_ms"] is not None and storm["sessions_back"] == storm["sessions_lost"]
if storm:
    back = storm["last_back_wall_ms"]
    since_restart = (back - restart_ms) / 1000 if back else float("nan")
    print(f"storm: {storm['sessions_lost']} sessions dropped, {storm['sessions_back']} back; the last "
          f"{since_restart:.2f} s after the restart ({(back - kill_ms) / 1000 if back else float('nan'):.2f} s after the kill, "
          f"{storm['all_back_s'] if storm['all_back_s'] is not None else 'n/a'} s after the first drop the soak saw)")
    ok = ok and since_restart <= limit and storm["sessions_lost"] >= sessions
else:
    print("storm: none seen (was the server killed?)")
def first_ms(column, target):
    return next((row[0] for row in samples if row[column] >= target), None)
half = first_ms(3, sessions // 2)
print(f"server's /metrics (every 0.2 s, ms after the restart): first WebSocket open {first_ms(2, 1)}, "
      f"half the sessions resumed {half}, all {first_ms(3, sessions)} (peak open: "
      f"{max((r[1] for r in samples), default=0)} TCP, {max((r[2] for r in samples), default=0)} WebSockets)")
cpu = {}
for line in open(sys.argv[8]).read().splitlines():
    name, _, ticks = line.partition("\t")
    kind = "loops" if name.startswith("flowcoach-io") else name
    cpu[kind] = cpu.get(kind, 0) + int(ticks or 0) / int(sys.argv[9])
print("server CPU from the restart until every session was back (s): total " + f"{sum(cpu.values()):.2f}; "
      + ", ".join(f"{name} {seconds:.2f}" for name, seconds in sorted(cpu.items(), key=lambda item: -item[1]) if seconds > 0))
lat = report["storm_latency_us"]
print(f"round trips during the storm and one interval after: p50 {lat['p50'] / 1000:.2f} ms, p99 {lat['p99'] / 1000:.2f} ms, "
      f"max {lat['max'] / 1000:.1f} ms (n={lat['count']})")
print(f"sessions: {detail['resumed']} resumes, {report['throughput']['activities_replayed']} activities replayed; "
      f"summaries {detail['summaries_matching']}/{sessions} exact; violations {report['violations']['total']}")
# The 5-second cycles after the storm: from one interval after the last session was back
# (the replays and first windows are past) to the end of the load.
if storm and storm["last_back_wall_ms"]:
    # Timeline points are seconds since the soak started (started_wall_ms on the wall clock);
    # whole cycles only, from one interval after the last session was back (the replays and
    # the resumed sessions' first windows are past) to the end of the load.
    begin_ms = storm["last_back_wall_ms"] + report["interval_ms"]
    after = [p for p in report["timeline"]
             if report["started_wall_ms"] + p["t"] * 1000 >= begin_ms and p["t"] <= report["load_s"] - 0.5]
    cycle = max(1, round(report["interval_ms"] / 1000))
    after = after[:len(after) - len(after) % cycle]
    counts = [p["answered"] for p in after]
    before = [p for p in report["timeline"] if report["started_wall_ms"] + p["t"] * 1000 <= kill_ms][-2 * cycle:]
    if before:
        print(f"before the kill ({len(before)} s): per-second p99 median "
              f"{statistics.median(p['p99_us'] / 1000 for p in before):.2f} ms, answered {sum(p['answered'] for p in before)}")
    if counts:
        print(f"updates answered in each second after the storm, one {cycle}-second cycle a row:")
        for i in range(0, len(counts) - cycle + 1, cycle):
            print("  " + " ".join(f"{c:6d}" for c in counts[i:i + cycle]))
        mean = statistics.mean(counts)
        p99s = [p["p99_us"] / 1000 for p in after if p["answered"] > 0]
        print(f"after the storm: busiest second {max(counts)} = {max(counts) / mean:.2f}x the mean {mean:.0f}/s, "
              f"quietest {min(counts)}; per-second p99 median {statistics.median(p99s):.2f} ms, max {max(p99s):.2f} ms")
passed = report["passed"] and detail["summaries_matching"] == sessions
print("verdict: " + ("PASS" if ok and passed else "FAIL") + f" (all back within {limit:g} s of the restart: {'yes' if ok else 'no'}; "
      f"soak {'passed' if passed else 'failed'})")
sys.exit(0 if ok else 3)
PY
VERDICT=$?
if [ "$STATUS" -ne 0 ] || [ "$VERDICT" -ne 0 ]; then
  echo "soak-storm: FAILED (soak status $STATUS, verdict $VERDICT); last server log lines:" >&2
  tail -n 30 "$WORK/server.log" >&2
fi
[ "$STATUS" -ne 0 ] && exit "$STATUS"
exit "$VERDICT"
