"""Protocol v1 — resuming a session after the connection dropped (DESIGN.md "Data
guarantees"): `session.start` with the same id resumes it, the client replays what is not
durable, the server deduplicates, and the totals come out exact."""
import time

from flowv1 import V1Client, new_session, now_ms, session_row, small_window, totals, wait_for


def test_resume_after_a_dropped_connection_replays_and_sums_exactly(v1):
    session = new_session()
    start = now_ms() - 600_000
    windows = {seq: small_window(session, seq, start + seq * 5_000, keystrokes=10 + seq % 7)
               for seq in range(1, 61)}

    first = V1Client.authed(v1, v1.token("alice"))
    first.start(session, start)
    for seq in range(1, 31):
        first.activity(windows[seq])
    durable_seen = max((m["seq"] for m in first.seen("durable")), default=0)
    first.drop()  # no closing handshake

    with V1Client.authed(v1, v1.token("alice")) as second:
        # Before session.start the session is not open on this connection.
        early = second.request(windows[31], "flow")
        assert early["type"] == "error" and early["code"] == "unknown_session", early

        resumed = second.start(session, start)
        assert resumed["resumed"] is True
        assert resumed["last_seq"] == 30  # every window was answered before the drop
        assert durable_seen <= resumed["durable_seq"] <= resumed["last_seq"]

        # The client replays everything not acknowledged as durable: already processed,
        # so each is answered as a duplicate and not counted again.
        for seq in range(resumed["durable_seq"] + 1, 31):
            replay = second.activity(windows[seq])
            assert replay["duplicate"] is True, replay
        for seq in range(31, 61):
            fresh = second.activity(windows[seq])
            assert fresh.get("duplicate", False) is False, fresh
        summary = second.end(session, 60, start + 61 * 5_000)

    sums = totals(windows.values())
    for field in ("keystrokes", "lines_added", "lines_deleted", "active_ms"):
        assert summary[field] == sums[field], (field, summary[field], sums[field])
    assert summary["duration_ms"] == 61 * 5_000
    row = wait_for(lambda: (r := session_row(v1.database, session)) and r["ended"] == 1 and r,
                   what="ended row")
    assert row["seq"] == 60 and row["keystrokes"] == sums["keystrokes"]


def test_resume_after_a_clean_close_also_works(v1):
    session = new_session()
    start = now_ms() - 100_000
    windows = [small_window(session, seq, start + seq * 5_000) for seq in range(1, 11)]
    with V1Client.authed(v1, v1.token("bob")) as client:
        client.start(session, start)
        for window in windows[:5]:
            client.activity(window)
        client.expect("durable", seq=5, timeout=5)
    with V1Client.authed(v1, v1.token("bob")) as client:
        resumed = client.start(session, start)
        assert resumed["resumed"] is True
        assert resumed["last_seq"] == 5 and resumed["durable_seq"] == 5
        for window in windows[5:]:
            client.activity(window)
        summary = client.end(session, 10, start + 55_000)
    assert summary["keystrokes"] == totals(windows)["keystrokes"]
    assert summary["active_ms"] == 50_000


def test_resume_moves_the_session_to_the_new_connection(v1):
    """Reading: resuming on a second connection while the first is still open moves the
    session; the old connection then no longer owns it (`unknown_session`)."""
    session = new_session()
    start = now_ms() - 100_000
    with V1Client.authed(v1, v1.token("carol")) as old, V1Client.authed(v1, v1.token("carol")) as new:
        old.start(session, start)
        old.activity(small_window(session, 1, start + 5_000))
        resumed = new.start(session, start)
        assert resumed["resumed"] is True and resumed["last_seq"] == 1
        new.activity(small_window(session, 2, start + 10_000))
        stale = old.request(small_window(session, 3, start + 15_000), "flow")
        assert stale["type"] == "error" and stale["code"] == "unknown_session", stale
        summary = new.end(session, 2, start + 12_000)
    assert summary["active_ms"] == 10_000


def test_other_users_cannot_resume_a_session(v1):
    """Reading: a session id belongs to the user who started it. Another user's
    `session.start` with that id gets an `error` (forbidden or invalid_field) rather than
    a resume, and the owner's totals are untouched."""
    session = new_session()
    start = now_ms() - 100_000
    with V1Client.authed(v1, v1.token("alice")) as owner:
        owner.start(session, start)
        owner.activity(small_window(session, 1, start + 5_000, keystrokes=11))
        owner.expect("durable", seq=1, timeout=5)
        with V1Client.authed(v1, v1.token("bob")) as intruder:
            answer = intruder.request({"type": "session.start", "session": session, "at_ms": start},
                                      "session.started")
            assert answer["type"] == "error", answer
            assert answer["code"] in ("forbidden", "invalid_field"), answer
        owner.activity(small_window(session, 2, start + 10_000, keystrokes=13))
        summary = owner.end(session, 2, start + 11_000)
    assert summary["keystrokes"] == 24


def test_abandoned_session_is_ended_and_summarised_after_the_resume_window(v1):
    """The fixture's resume window is 3 s: a session whose socket vanished is ended and its
    summary stored (ended = 1, exact totals) after it, without any client action."""
    session = new_session()
    start = now_ms() - 100_000
    windows = [small_window(session, seq, start + seq * 5_000) for seq in range(1, 9)]
    client = V1Client.authed(v1, v1.token("alice"))
    client.start(session, start)
    for window in windows:
        client.activity(window)
    client.drop()
    time.sleep(1.0)
    row = session_row(v1.database, session)
    assert row is None or row["ended"] == 0, "ended before the resume window passed"
    row = wait_for(lambda: (r := session_row(v1.database, session)) and r["ended"] == 1 and r,
                   timeout=10, what="abandoned session ended in the store")
    sums = totals(windows)
    assert row["seq"] == 8
    for field in ("keystrokes", "lines_added", "lines_deleted", "active_ms"):
        assert row[field] == sums[field], (field, row[field], sums[field])


def test_session_start_after_the_resume_window_does_not_resume(v1):
    """Reading: once the resume window has passed the session is ended; starting the same
    id again does not reopen it (`resumed` false is *not* assumed: either an `error` or a
    `session.started` with resumed false), and the stored totals stay the same."""
    session = new_session()
    start = now_ms() - 100_000
    windows = [small_window(session, seq, start + seq * 5_000) for seq in range(1, 4)]
    client = V1Client.authed(v1, v1.token("bob"))
    client.start(session, start)
    for window in windows:
        client.activity(window)
    client.drop()
    wait_for(lambda: (r := session_row(v1.database, session)) and r["ended"] == 1,
             timeout=10, what="abandoned session ended")
    with V1Client.authed(v1, v1.token("bob")) as again:
        answer = again.request({"type": "session.start", "session": session, "at_ms": start},
                               "session.started")
        if answer["type"] == "session.started":
            assert answer["resumed"] is False, answer
        else:
            assert answer["code"] in ("invalid_field", "unknown_session"), answer
    row = session_row(v1.database, session)
    assert row["ended"] == 1 and row["keystrokes"] == totals(windows)["keystrokes"]
