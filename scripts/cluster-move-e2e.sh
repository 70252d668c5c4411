#!/usr/bin/env bash
# A user's state across a move between nodes, end to end: one PostgreSQL and three
# `flowcoach serve` nodes in cluster mode (no balancer: the client picks the node). A user
# works on node1 until a break reminder arrives and the window that triggered it is
# `durable`; node1 is killed with SIGKILL; the client resumes the session on node2, which
# takes the user over from the store.
#
# Passes when node2 does not send that reminder again (10 more minutes of work, event
# time), and the next one — the unanswered reminder repeated after `repeat_after` — comes
# exactly once, with the next id (b-2); and when heartbeats posted to node3's HTTP API
# (WakaTime) show on the owner node2's `stats:me` at once. Event time is the client's, so
# half an hour of work takes a few seconds.
#
# FLOWCOACH_BIN: the executable (default .build/debug/flowcoach). PYTHON: an interpreter with
# the `websockets` package (the venv of scripts/test.sh). KEEP_WORK=1 keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(readlink -f "${FLOWCOACH_BIN:-.build/debug/flowcoach}")
[ -x "$BIN" ] || { echo "cluster-move-e2e: $BIN not found; build it first" >&2; exit 2; }
NODE_COUNT=3
LOG_PREFIX=cluster-move-e2e
# shellcheck source=scripts/lib/cluster-env.sh
. scripts/lib/cluster-env.sh
STATUS=1
trap 'cluster_cleanup "$STATUS"' EXIT

cluster_init
cluster_users 1
export FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS=500
for i in 1 2 3; do start_node "$i"; done
for i in 1 2 3; do wait_ready "$i"; done
log "3 nodes on ${PORTS[1]} ${PORTS[2]} ${PORTS[3]}"

PSQL=$PSQL PYTHONPATH=Tests/Interop "${PYTHON:-python3}" - "$(cut -d' ' -f1 "$WORK/tokens")" "${PORTS[1]}" "${PORTS[2]}" "${NODE_PID[1]}" "${PORTS[3]}" <<'PY'
import json, os, signal, sys, time, urllib.request
from types import SimpleNamespace
from flowv1 import V1Client, new_session, now_ms, small_window, subscribe, wait_for

token, port1, port2, pid1, port3 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
MINUTE = 60_000
session = new_session()
start = now_ms() - 90 * MINUTE

def work(client, first_seq, minutes):
    """One-minute windows from `first_seq`; returns the break reminders that arrived."""
    mark = len(client.log)
    for seq in range(first_seq, first_seq + minutes):
        client.activity(small_window(session, seq, start + seq * MINUTE, window_ms=MINUTE))
    client.ping_ok()  # everything sent so far is answered
    return [m["reminder"] for _, m in client.log[mark:] if m["type"] == "break"]

client = V1Client.authed(SimpleNamespace(port=port1), token)
client.start(session, start)
seq = 1
while True:
    window = small_window(session, seq, start + seq * MINUTE, window_ms=MINUTE)
    client.activity(window)
    reminder = next((m for _, m in client.log if m["type"] == "break"), None)
    if reminder or seq >= 60:
        break
    seq += 1
assert reminder and reminder["reminder"] == "b-1", f"no break reminder on node1 after {seq} minutes"
client.expect(lambda m: m["type"] == "durable" and m["seq"] >= seq, timeout=20)
print(f"node1 sent {reminder['reminder']} ({reminder['kind']}) at minute {seq}; durable; SIGKILL node1", file=sys.stderr)
os.kill(pid1, signal.SIGKILL)

deadline = time.monotonic() + 30
while True:  # node2 can take the user once PostgreSQL has ended node1's session
    try:
        moved = V1Client.authed(SimpleNamespace(port=port2), token)
        started = moved.start(session, start)
        break
    except Exception as error:
        if time.monotonic() > deadline:
            raise AssertionError(f"node2 did not take the user over: {error}")
        time.sleep(0.2)
assert started["resumed"] and started["last_seq"] == seq, started
again = work(moved, seq + 1, 10)
assert again == [], f"node2 sent {again} again within 10 minutes of the first reminder"
later = work(moved, seq + 11, 10)
assert later == ["b-2"], f"after repeat_after node2 sent {later}, not b-2 once"
print(f"node2 resumed at seq {seq}: no reminder again for 10 minutes, then b-2 once", file=sys.stderr)

# Heartbeats through node3 (which does not hold the user): the owner's stats:me follows.
def today_ms():
    events = [m for _, m in moved.log if m.get("type") == "event" and m.get("channel") == "stats:me"]
    return events[-1]["data"]["today"]["active_ms"] if events else None
import subprocess
def stored_today_ms():
    """Today's active time in the store: the sessions' days plus the heartbeats' days."""
    sql = ("SELECT coalesce((SELECT sum(active_ms) FROM session_days WHERE day = (now() AT TIME ZONE 'UTC')::date), 0)"
           " + coalesce((SELECT sum(active_ms) FROM heartbeat_days WHERE day = (now() AT TIME ZONE 'UTC')::date), 0)")
    out = subprocess.run([os.environ["PSQL"], os.environ["FLOWCOACH_DATABASE_URL"], "-Atc", sql],
                         capture_output=True, text=True, check=True).stdout
    return int(out.strip() or 0)
last_seq = seq + 20
moved.expect(lambda m: m["type"] == "durable" and m["seq"] >= last_seq, timeout=20)
subscribe(moved, "stats:me")
wait_for(lambda: moved.drain(0.1) is not None and today_ms() == stored_today_ms(), timeout=10,
         what="node2's stats:me equal to the store before the heartbeats")
before = today_ms()
beat = time.time() - 600
beats = [{"entity": "/src/main.py", "type": "file", "time": beat + offset, "language": "Python", "project": "flow",
          "is_write": True} for offset in (0, 60, 120)]
request = urllib.request.Request(f"http://127.0.0.1:{port3}/api/heartbeats.bulk", data=json.dumps(beats).encode(),
                                 method="POST", headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=10) as response:
    assert response.status in (201, 202), response.status
wait_for(lambda: stored_today_ms() > before, timeout=10, what="the heartbeats stored")
wait_for(lambda: moved.drain(0.1) is not None and today_ms() == stored_today_ms(), timeout=10,
         what=f"node2's stats:me today.active_ms ({today_ms()}) equal to the store's ({stored_today_ms()}) after heartbeats on node3")
print(f"heartbeats on node3: node2's stats:me today {before} -> {today_ms()} ms", file=sys.stderr)
PY
STATUS=0
log "passed"
