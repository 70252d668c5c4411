"""Several nodes behind HAProxy on one PostgreSQL, end to end (scripts/cluster-e2e.sh).

One PostgreSQL, three `flowcoach serve` nodes in cluster mode and HAProxy on loopback; the
soak client works through HAProxy with routing keys and resume while one node is killed
with SIGKILL and started again. The script checks that every acknowledged activity is
stored exactly once (exact session summaries), that sessions resumed on the other nodes,
that the restarted node took its users back, and that the day's leaderboard read from each
node is the same and equals the store's totals; then that with PostgreSQL killed every
node gives its users up, says 503 on /readyz and refuses new users, and serves again once
the database is back. Needs the PostgreSQL server binaries and
HAProxy (scripts/install-deps.sh installs both).
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("FLOWCOACH_BIN", str(ROOT / ".build" / "debug" / "flowcoach"))
SOAK = os.environ.get("FLOWCOACH_SOAK_BIN", str(Path(BIN).parent / "flowcoach-soak"))


def test_three_nodes_behind_haproxy_survive_a_killed_node_and_agree_on_leaderboards():
    environment = dict(os.environ, FLOWCOACH_BIN=BIN, FLOWCOACH_SOAK_BIN=SOAK)
    environment.pop("FLOWCOACH_DATABASE_URL", None)  # the script starts its own database
    environment.pop("FLOWCOACH_TEST_PG_DIR", None)
    result = subprocess.run(
        [str(ROOT / "scripts" / "cluster-e2e.sh")], env=environment, capture_output=True, text=True, timeout=420)
    assert result.returncode == 0, f"cluster-e2e failed:\n{result.stderr[-6000:]}"
    assert "cluster-e2e: passed" in result.stderr


def test_after_a_move_break_reminders_are_not_repeated_and_the_owner_hears_other_nodes():
    """scripts/cluster-move-e2e.sh: a reminder sent by node1, which is then killed, is not
    sent again by node2 (which loads the break scheduler's state from PostgreSQL); the
    repeat after `repeat_after` comes once, with the next id; heartbeats posted to node3
    show on node2's `stats:me`."""
    environment = dict(os.environ, FLOWCOACH_BIN=BIN, PYTHON=sys.executable)
    environment.pop("FLOWCOACH_DATABASE_URL", None)
    environment.pop("FLOWCOACH_TEST_PG_DIR", None)
    result = subprocess.run(
        [str(ROOT / "scripts" / "cluster-move-e2e.sh")], env=environment, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"cluster-move-e2e failed:\n{result.stderr[-6000:]}"
    assert "cluster-move-e2e: passed" in result.stderr
