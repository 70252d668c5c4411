#!/usr/bin/env bash
# Break reminders across a move between nodes, end to end: one PostgreSQL and two
# `flowcoach serve` nodes in cluster mode (no balancer: the client picks the node). A user
# works on node1 until a break reminder arrives and the window that triggered it is
# `durable`; node1 is killed with SIGKILL; the client resumes the session on node2, which
# takes the user over from the store.
#
# Passes when node2 does not send that reminder again (10 more minutes of work, event
# time), and the next one — the unanswered reminder repeated after `repeat_after` — comes
# exactly once, with the next id (b-2). Event time is the client's, so half an hour of work
# takes a few seconds.
#
# FLOWCOACH_BIN: the executable (default .build/debug/flowcoach). PYTHON: an interpreter with
# the `websockets` package (the venv of scripts/test.sh). KEEP_WORK=1 keeps the logs.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=$(readlink -f "${FLOWCOACH_BIN:-.build/debug/flowcoach}")
[ -x "$BIN" ] || { echo "cluster-breaks-e2e: $BIN not found; build it first" >&2; exit 2; }
NODE_COUNT=2
LOG_PREFIX=cluster-breaks-e2e
# shellcheck source=scripts/lib/cluster-env.sh
. scripts/lib/cluster-env.sh
STATUS=1
trap 'cluster_cleanup "$STATUS"' EXIT

cluster_init
cluster_users 1
export FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS=500
for i in 1 2; do start_node "$i"; done
for i in 1 2; do wait_ready "$i"; done
log "2 nodes on ${PORTS[1]} ${PORTS[2]}"

PYTHONPATH=Tests/Interop "${PYTHON:-python3}" - "$(cut -d' ' -f1 "$WORK/tokens")" "${PORTS[1]}" "${PORTS[2]}" "${NODE_PID[1]}" <<'PY'
import os, signal, sys, time
from types import SimpleNamespace
from flowv1 import V1Client, new_session, now_ms, small_window

token, port1, port2, pid1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
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
PY
STATUS=0
log "passed"
