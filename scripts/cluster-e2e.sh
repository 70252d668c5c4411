#!/usr/bin/env bash
# Several nodes, end to end: one PostgreSQL (scripts/pg-test-cluster.sh), three
# `flowcoach serve` nodes in cluster mode and HAProxy (config/haproxy.cfg, ports filled in)
# on loopback with free ports, and the soak client through HAProxy with routing keys and
# resume. Mid-run one node is killed with SIGKILL and, after a while, started again on its
# port (HAProxy's consistent hash then sends its users back, and the nodes hand them over).
#
# Passes when:
#   - the soak passes: every activity answered, every session resumed, every session's
#     summary equal to what was sent (replays counted once: each acknowledged activity is
#     stored exactly once), no unexpected error (break reminders across a move are
#     asserted by scripts/cluster-move-e2e.sh, where event time makes them due in seconds);
#   - while the node was down, the other nodes resumed sessions (flowcoach_sessions_resumed_total);
#   - the restarted node registered again and took users back (hand-overs were asked for);
#   - the day's coding-time leaderboard read from each node directly is the same on all
#     three, and equals the totals stored in PostgreSQL (within LEADERBOARD_WAIT_S);
#   - with PostgreSQL killed, every node gives its users up, answers 503 on /readyz and
#     refuses a new user's upgrade (503); once it is back, the nodes are ready again and
#     the upgrade succeeds.
#
# FLOWCOACH_BIN / FLOWCOACH_SOAK_BIN: the executables (default .build/debug/…). DURATION
# seconds of load (default 45), KILL_AT seconds into the run (default 12), DOWN seconds the
# node stays dead (default 8), USERS (default 24). KEEP_WORK=1 keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(readlink -f "${FLOWCOACH_BIN:-.build/debug/flowcoach}")
SOAK=$(readlink -f "${FLOWCOACH_SOAK_BIN:-.build/debug/flowcoach-soak}")
DURATION=${DURATION:-45}
KILL_AT=${KILL_AT:-12}
DOWN=${DOWN:-8}
USERS=${USERS:-24}
LEADERBOARD_WAIT_S=${LEADERBOARD_WAIT_S:-20}
for binary in "$BIN" "$SOAK"; do
  [ -x "$binary" ] || { echo "cluster-e2e: $binary not found; build it first" >&2; exit 2; }
done
NODE_COUNT=3
LOG_PREFIX=cluster-e2e
# shellcheck source=scripts/lib/cluster-env.sh
. scripts/lib/cluster-env.sh
SOAK_PID=""
STATUS=1
cleanup() {
  [ -n "$SOAK_PID" ] && kill -TERM "$SOAK_PID" 2>/dev/null || true
  cluster_cleanup "$STATUS"
}
trap cleanup EXIT

cluster_init
P1=${PORTS[1]} P2=${PORTS[2]} P3=${PORTS[3]}
log "creating $USERS users"
cluster_users "$USERS"
READ_TOKEN=$(head -n1 "$WORK/tokens" | cut -d' ' -f2)
# Checkpoints every second: the boards follow the store, so they settle soon after the run.
export FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS=1000

for i in 1 2 3; do start_node "$i"; done
for i in 1 2 3; do wait_ready "$i"; done
start_haproxy
log "3 nodes on $P1 $P2 $P3, HAProxy on $PH"

"$SOAK" --url "ws://127.0.0.1:$PH/v1/ws" --route-key --token-file "$WORK/tokens" --users "$USERS" \
  --sessions-per-user 2 --dashboards 3 --interval-ms 200 --window-ms 10000 --duration "$DURATION" \
  --ramp 200 --churn 2 --expect-restarts 1 --answer-timeout-ms 20000 --drain-timeout-ms 60000 \
  --json "$WORK/report.json" --quiet > "$WORK/soak.txt" 2> "$WORK/soak.err" &
SOAK_PID=$!

sleep "$KILL_AT"
owned2=$(metric 2 flowcoach_cluster_users_owned)
resumed_before=$(( $(metric 1 flowcoach_sessions_resumed_total) + $(metric 3 flowcoach_sessions_resumed_total) ))
log "SIGKILL node2 (it held $owned2 users)"
kill -KILL "${NODE_PID[2]}"
wait "${NODE_PID[2]}" 2>/dev/null || true
NODE_PID[2]=""
sleep "$DOWN"
resumed_after=$(( $(metric 1 flowcoach_sessions_resumed_total) + $(metric 3 flowcoach_sessions_resumed_total) ))
log "sessions resumed on node1+node3 while node2 was down: $((resumed_after - resumed_before))"
failures=()
[ "$owned2" -gt 0 ] || failures+=("node2 held no users before it was killed (routing keys not spread?)")
[ "$resumed_after" -gt "$resumed_before" ] || failures+=("no session resumed on the other nodes after node2 was killed")

log "starting node2 again"
start_node 2
wait_ready 2
handbacks_before=$(( $(metric 1 flowcoach_cluster_users_released_total) + $(metric 3 flowcoach_cluster_users_released_total) ))

set +e
wait "$SOAK_PID"
soak_status=$?
set -e
SOAK_PID=""
cat "$WORK/soak.txt" >&2
[ "$soak_status" -eq 0 ] || failures+=("the soak failed (status $soak_status): $(tail -n 5 "$WORK/soak.err")")
owned2_after=$(metric 2 flowcoach_cluster_users_owned)
released=$(( $(metric 1 flowcoach_cluster_users_released_total) + $(metric 3 flowcoach_cluster_users_released_total) ))
log "after the restart: node2 holds $owned2_after users; node1+node3 handed over $released users in all ($handbacks_before before node2 was ready)"
[ "$(metric 2 flowcoach_cluster_live_nodes)" -eq 3 ] || failures+=("node2 does not see 3 live nodes in cluster_nodes")
[ "$owned2_after" -gt 0 ] || failures+=("the restarted node2 took no user back")

# Leaderboards: every node's day board equal, and equal to the stored totals.
day=$(date -u +%F)
expected=$("$PSQL" "$FLOWCOACH_DATABASE_URL" -Atc "
  SELECT string_agg(u.display_name || '=' || t.ms, ',' ORDER BY t.ms DESC, u.display_name)
  FROM (SELECT user_id, sum(active_ms) AS ms FROM session_days WHERE day = '$day' GROUP BY user_id HAVING sum(active_ms) > 0) t
  JOIN users u ON u.id = t.user_id")
if ! result=$(python3 - "$READ_TOKEN" "$expected" "$LEADERBOARD_WAIT_S" "$P1" "$P2" "$P3" <<'PY'
import json, sys, time, urllib.request
token, expected, wait_s, ports = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
def board(port):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/leaderboards/day/coding_time",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            top = json.load(response)["top"]
    except Exception as error:
        return f"<{error}>"
    rows = sorted((row for row in top if row["value_ms"] > 0), key=lambda row: (-row["value_ms"], row["name"]))
    return ",".join(f"{row['name']}={row['value_ms']}" for row in rows)
deadline = time.monotonic() + wait_s
while True:
    boards = [board(port) for port in ports]
    if all(b == expected for b in boards):
        print(f"{len(expected.split(','))} users")
        sys.exit(0)
    if time.monotonic() > deadline:
        print("; ".join(f"node{i + 1}={b}" for i, b in enumerate(boards)) + f"; store={expected}")
        sys.exit(1)
    time.sleep(0.25)
PY
); then
  failures+=("leaderboards disagree: $result")
else
  log "the day's coding-time leaderboard is the same on the three nodes and in the store ($result)"
fi

# Partition from PostgreSQL: every node gives its users up, says 503 on /readyz and
# refuses new users until the database is back; then it serves again.
upgrade_status() {  # $1: node number → the HTTP status of a Bearer upgrade with user 1's token
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $(head -n1 "$WORK/tokens" | cut -d' ' -f1)" \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Protocol: flowcoach.v1' \
    "http://127.0.0.1:${PORTS[$1]}/v1/ws" || true
}
readyz_all() {  # $1: expected status on every node, within 15 s
  for _ in $(seq 1 60); do
    local all=yes
    for i in 1 2 3; do
      [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${PORTS[$i]}/readyz")" = "$1" ] || all=""
    done
    [ -n "$all" ] && return 0
    sleep 0.25
  done
  return 1
}
log "stopping PostgreSQL (kill)"
scripts/pg-test-cluster.sh kill "$WORK/pg" >/dev/null
readyz_all 503 || failures+=("/readyz did not answer 503 on every node without PostgreSQL")
lost=$(( $(metric 1 flowcoach_cluster_sessions_lost_total) + $(metric 2 flowcoach_cluster_sessions_lost_total) + $(metric 3 flowcoach_cluster_sessions_lost_total) ))
[ "$lost" -ge 3 ] || failures+=("the nodes did not notice the lost cluster session ($lost)")
[ "$(metric 1 flowcoach_cluster_users_owned)" -eq 0 ] || failures+=("node1 still holds users without PostgreSQL")
status=$(upgrade_status 1)
[ "$status" = 503 ] || failures+=("a new user's upgrade without PostgreSQL answered $status, not 503")
scripts/pg-test-cluster.sh restart "$WORK/pg" >/dev/null
readyz_all 200 || failures+=("/readyz did not come back on every node after PostgreSQL restarted")
status=$(upgrade_status 1)
[ "$status" = 101 ] || failures+=("a user's upgrade after PostgreSQL came back answered $status, not 101")
log "without PostgreSQL: /readyz 503 on every node, sessions lost $lost, new users refused; back: ready, upgrade $status"

if [ "${#failures[@]}" -gt 0 ]; then
  for failure in "${failures[@]}"; do log "FAILED: $failure"; done
  exit 1
fi
STATUS=0
log "passed"
