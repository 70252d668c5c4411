"""Protocol v1 — kill -9 of the server mid-session (DESIGN.md "Data guarantees"): what was
acknowledged as `durable` survives, the store holds exact prefix sums, and after a restart
the client resumes, replays what was not durable and ends with exact totals."""
import time

from flowv1 import V1Client, new_session, now_ms, session_row, small_window, subscribe, totals, wait_for

# Resuming after a restart must not race a short resume window.
LONG_RESUME = {"FLOWCOACH_SESSIONS_RESUME_WINDOW_MS": "60000"}


def prefix_sums(windows, seq):
    return totals([w for w in windows if w["seq"] <= seq])


def test_kill_9_mid_session_then_restart_resume_and_exact_totals(v1_factory):
    world = v1_factory(users=("alice",), env=LONG_RESUME)
    session = new_session()
    start = now_ms() - 600_000
    windows = [small_window(session, seq, start + seq * 5_000, keystrokes=7 + seq % 11)
               for seq in range(1, 81)]
    by_seq = {w["seq"]: w for w in windows}

    client = V1Client.authed(world, world.token("alice"))
    client.start(session, start, project="crash")
    for seq in range(1, 41):
        client.activity(by_seq[seq])
    client.expect("durable", seq=40, timeout=5)
    # More windows, answered but (very likely) not yet durable, then the crash.
    for seq in range(41, 51):
        client.activity(by_seq[seq])
    acked = max(m["seq"] for m in client.seen("durable"))
    world.kill9()
    client.drop()

    # The store holds a checkpoint at least as far as what was acknowledged, and its
    # totals are exactly the sums of the windows up to its seq (nothing half-applied).
    row = session_row(world.database, session)
    assert row is not None and row["ended"] == 0
    assert acked <= row["seq"] <= 50, (acked, row["seq"])
    stored = row["seq"]
    for field, value in prefix_sums(windows, stored).items():
        assert row[field] == value, (field, row[field], value)

    world.start_again()
    with V1Client.authed(world, world.token("alice")) as client:
        resumed = client.start(session, start, project="crash")
        assert resumed["resumed"] is True, resumed
        assert resumed["durable_seq"] == stored, (resumed, stored)
        assert resumed["last_seq"] == stored, "after a crash only durable data is known"
        # One already-durable window again: a duplicate.
        again = client.activity(by_seq[stored])
        assert again["duplicate"] is True
        # Replay what was not durable, then carry on.
        for seq in range(stored + 1, 81):
            answer = client.activity(by_seq[seq])
            assert answer.get("duplicate", False) is False, answer
        summary = client.end(session, 80, start + 81 * 5_000)
        client.expect("durable", seq=80, timeout=5)

    sums = totals(windows)
    for field in ("keystrokes", "lines_added", "lines_deleted", "active_ms"):
        assert summary[field] == sums[field], (field, summary[field], sums[field])
    assert summary["duration_ms"] == 81 * 5_000
    row = wait_for(lambda: (r := session_row(world.database, session)) and r["ended"] == 1 and r,
                   what="ended row after restart")
    assert row["seq"] == 80
    for field, value in sums.items():
        assert row[field] == value, (field, row[field], value)


def test_kill_9_loses_nothing_that_was_acknowledged_durable(v1_factory):
    """Several users and sessions at once: after kill -9 every session's stored seq is at
    least the last `durable` its client saw, with exact prefix sums."""
    world = v1_factory(users=("alice", "bob"), env=LONG_RESUME)
    start = now_ms() - 600_000
    clients, sessions, sent = [], [], {}
    for user in ("alice", "bob", "alice"):
        client = V1Client.authed(world, world.token(user))
        session = new_session()
        client.start(session, start)
        clients.append(client)
        sessions.append(session)
        sent[session] = []
    for seq in range(1, 26):
        for client, session in zip(clients, sessions):
            window = small_window(session, seq, start + seq * 5_000, keystrokes=5 + seq)
            sent[session].append(window)
            client.activity(window)
        if seq % 5 == 0:
            time.sleep(0.1)
    time.sleep(0.5)
    acked = {}
    for client, session in zip(clients, sessions):
        client.drain(0.05)
        acked[session] = max((m["seq"] for m in client.seen("durable") if m["session"] == session), default=0)
    world.kill9()
    for client in clients:
        client.drop()
    for session in sessions:
        assert acked[session] > 0, "no durable ack in 0.5 s with a 300 ms checkpoint interval"
        row = session_row(world.database, session)
        assert row is not None and row["seq"] >= acked[session], (row, acked[session])
        for field, value in prefix_sums(sent[session], row["seq"]).items():
            assert row[field] == value, (session, field, row[field], value)


def test_restart_after_sigterm_keeps_sessions_resumable(v1_factory):
    """Graceful shutdown flushes the writer (DESIGN.md): everything answered is durable."""
    world = v1_factory(users=("bob",), env=LONG_RESUME)
    session = new_session()
    start = now_ms() - 100_000
    windows = [small_window(session, seq, start + seq * 5_000) for seq in range(1, 21)]
    client = V1Client.authed(world, world.token("bob"))
    client.start(session, start)
    for window in windows:
        client.activity(window)
    assert world.server.stop() == 0
    client.close()
    row = session_row(world.database, session)
    assert row["seq"] == 20 and row["keystrokes"] == totals(windows)["keystrokes"]
    world.start_again()
    with V1Client.authed(world, world.token("bob")) as client:
        resumed = client.start(session, start)
        assert resumed == {**resumed, "resumed": True, "last_seq": 20, "durable_seq": 20}
        summary = client.end(session, 20, start + 105_000)
    assert summary["keystrokes"] == totals(windows)["keystrokes"]
    assert summary["active_ms"] == 100_000


def test_goal_streak_comes_from_the_store_and_survives_a_restart(v1_factory):
    """`stats:me`'s `streak_days` counts the stored days that met the daily goal (1 h
    active), not the days one process happened to see: three past days of 70 minutes each,
    a restart, and the streak is 3 (today has not met the goal yet, so it does not break it)."""
    world = v1_factory(users=("dana",))
    day = 86_400_000
    midnight = now_ms() // day * day  # the user's time zone is UTC
    session = new_session()
    seq = 0
    with V1Client.authed(world, world.token("dana")) as client:
        client.start(session, midnight - 3 * day + 3_600_000)
        for back in (3, 2, 1):
            base = midnight - back * day + 3_600_000
            for k in range(1, 8):  # 7 windows of 10 minutes
                seq += 1
                client.activity(small_window(session, seq, base + k * 600_000, window_ms=600_000, keystrokes=200))
        client.end(session, seq, midnight - day + 3_600_000 + 8 * 600_000)
    world.restart()
    with V1Client.authed(world, world.token("dana", "read")) as dashboard:
        subscribe(dashboard, "stats:me")
        event = dashboard.expect(lambda m: m["type"] == "event" and m["channel"] == "stats:me")
        assert event["data"]["streak_days"] == 3, event
