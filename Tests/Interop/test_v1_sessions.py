"""Protocol v1 — sessions and the sequence contract (PROTOCOL.md "Client → server",
DESIGN.md "Data guarantees"): a full coached session, `flow` for every `activity`,
duplicates, gaps, `durable` acks, and the summary's totals."""
import time

import pytest

from flowv1 import (FLOW_STATES, V1Client, flow_window, new_session, now_ms, seeded, session_row,
                    small_window, storm_window, totals, wait_for)

WINDOW_MS = 25_000
MICRO_BREAK_DUE = 60   # 25 min of continuous activity in 25 s windows
STORM_AT = 70          # the window whose context-switch burst ends flow


def check_flow_shape(flow):
    assert flow["state"] in FLOW_STATES, flow
    assert flow["in_flow"] == (flow["state"] == "flow"), flow
    assert 0 <= flow["intensity"] <= 1 and 0 <= flow["confidence"] <= 1, flow
    assert flow["flow_ms"] >= 0 and flow["session_flow_ms"] >= flow["flow_ms"], flow
    assert isinstance(flow["recommendations"], list), flow
    assert all(isinstance(r, str) for r in flow["recommendations"]), flow
    assert "duplicate" not in flow or flow["duplicate"] is False, flow


def test_full_session_reaches_flow_holds_the_break_and_sums_exactly(v1):
    """100 windows of 25 s of event time (41 min 40 s), ending about now:

    - windows 1–69: steady fast typing, full focus, no switches or errors → flow;
    - the micro break becomes due at window 60 (25 min continuous activity) but is held
      while the session is in flow (FlowEngine: never interrupt flow);
    - window 70: a context-switch burst → `interrupted`; the held break is delivered then;
    - `break.ack` taken → `ack`; windows 71–100 steady again;
    - `session.end` → `session.summary` whose totals are exactly the sums sent.

    The windows are sent as fast as they are answered, so event time runs ~1000× faster
    than wall time. Reading: the server's idle timer works in the client's event time
    (estimated from the last `at_ms` plus the wall time since it arrived), so a client
    catching up on buffered windows is not called idle."""
    rng = seeded(5)
    session = new_session()
    start_ms = now_ms() - 100 * WINDOW_MS - 5_000
    windows = []
    flows = {}
    with V1Client.authed(v1, v1.token("alice")) as client:
        started = client.start(session, start_ms, project="interop", language="swift")
        assert started == {**started, "session": session, "resumed": False, "last_seq": 0, "durable_seq": 0}

        for seq in range(1, 101):
            at = start_ms + seq * WINDOW_MS
            maker = storm_window if seq == STORM_AT else flow_window
            window = maker(rng, session, seq, at, WINDOW_MS)
            windows.append(window)
            flow = client.activity(window)
            check_flow_shape(flow)
            flows[seq] = flow
            if seq == STORM_AT - 1:
                # Everything received up to the answer of the last flow window: no break.
                assert client.seen("break") == [], "a break interrupted flow"
            if seq == STORM_AT + 1:
                # Delivered with the end of flow (it may travel through the user's owner,
                # so allow it to trail the answers a little).
                reminder = client.expect("break", timeout=3)
                assert len(client.seen("break")) == 1, client.seen("break")
                assert reminder["kind"] == "micro"
                assert reminder["reminder"].startswith("b-")
                assert isinstance(reminder["reason"], str) and reminder["reason"]
                assert 25 * 60_000 <= reminder["active_ms"] <= STORM_AT * WINDOW_MS, reminder
                ack = client.request({"type": "break.ack", "reminder": reminder["reminder"],
                                      "action": "taken"}, "ack")
                assert ack["type"] == "ack", ack

        # Flow was reached early and held through the due break.
        first_flow = min(seq for seq, f in flows.items() if f["state"] == "flow")
        assert first_flow <= 20, {s: f["state"] for s, f in flows.items() if s <= 20}
        assert all(flows[s]["state"] == "flow" for s in range(MICRO_BREAK_DUE - 5, STORM_AT)), \
            {s: flows[s]["state"] for s in range(MICRO_BREAK_DUE - 5, STORM_AT)}
        assert flows[STORM_AT]["state"] == "interrupted" and not flows[STORM_AT]["in_flow"]
        assert flows[STORM_AT - 1]["session_flow_ms"] > 0
        # The break came after flow ended: after the answer to the last flow window.
        order = [m for _, m in client.log if m["type"] in ("flow", "break")]
        break_index = next(i for i, m in enumerate(order) if m["type"] == "break")
        last_flow_index = next(i for i, m in enumerate(order)
                               if m["type"] == "flow" and m["seq"] == STORM_AT - 1)
        assert break_index > last_flow_index
        # No second reminder after the ack.
        assert len(client.seen("break")) == 1

        end_ms = start_ms + 100 * WINDOW_MS
        summary = client.end(session, 100, end_ms)

    sums = totals(windows)
    assert summary["session"] == session
    for field in ("keystrokes", "lines_added", "lines_deleted", "active_ms"):
        assert summary[field] == sums[field], (field, summary[field], sums[field])
    assert summary["active_ms"] == 100 * WINDOW_MS
    assert summary["duration_ms"] == end_ms - start_ms
    assert summary["languages"] == {"swift": 100 * WINDOW_MS}
    assert 0 < summary["flow_ms"] <= summary["active_ms"]
    assert summary["flow_ms"] >= flows[STORM_AT - 1]["session_flow_ms"]
    assert summary["flow_periods"] >= 1
    assert summary["interruptions"] >= 1
    assert summary["mean_recovery_ms"] >= 0
    assert 0.5 < summary["focus_score"] <= 1


def test_every_activity_is_answered_by_flow_with_its_seq_in_order(v1):
    session = new_session()
    start = now_ms() - 60_000
    with V1Client.authed(v1, v1.token("bob")) as client:
        client.start(session, start)
        for seq in range(1, 11):
            client.send(small_window(session, seq, start + seq * 5_000))
        answers = [client.expect("flow") for _ in range(10)]
    assert [a["seq"] for a in answers] == list(range(1, 11))
    assert all(a["session"] == session for a in answers)
    for answer in answers:
        check_flow_shape(answer)
        assert "ref" not in answer  # no id sent, so no ref


def test_answer_echoes_the_request_id_as_ref(v1):
    session = new_session()
    with V1Client.authed(v1, v1.token("bob")) as client:
        client.send({"type": "session.start", "id": "start-1", "session": session, "at_ms": now_ms() - 1000})
        assert client.expect("session.started")["ref"] == "start-1"
        window = small_window(session, 1, now_ms())
        window["id"] = "x" * 64  # the longest id allowed
        client.send(window)
        assert client.expect("flow")["ref"] == "x" * 64


def test_session_start_is_idempotent_on_the_same_connection(v1):
    """Reading: a retried `session.start` for a session open on this connection answers
    `session.started` again with `resumed` true and the current `last_seq`."""
    session = new_session()
    start = now_ms() - 30_000
    with V1Client.authed(v1, v1.token("alice")) as client:
        client.start(session, start)
        for seq in (1, 2, 3):
            client.activity(small_window(session, seq, start + seq * 5_000))
        again = client.start(session, start)
        assert again["session"] == session
        assert again["resumed"] is True
        assert again["last_seq"] == 3


def test_duplicate_seq_is_answered_again_marked_and_not_counted(v1):
    session = new_session()
    start = now_ms() - 120_000
    windows = [small_window(session, seq, start + seq * 5_000, keystrokes=20 + seq) for seq in range(1, 11)]
    with V1Client.authed(v1, v1.token("alice")) as client:
        client.start(session, start)
        answers = {w["seq"]: client.activity(w) for w in windows}

        # The latest seq again: the same answer, marked.
        repeat = client.activity(windows[-1])
        assert repeat["duplicate"] is True
        original = dict(answers[10])
        assert {k: v for k, v in repeat.items() if k not in ("duplicate", "ref")} == \
               {k: v for k, v in original.items() if k != "ref"}

        # An older seq again, with different numbers: answered, marked, ignored.
        changed = dict(windows[6], keystrokes=999_999, lines_added=999_999)
        old = client.activity(changed)
        assert old["duplicate"] is True and old["seq"] == 7
        assert old["state"] in FLOW_STATES

        summary = client.end(session, 10, start + 11 * 5_000)
    sums = totals(windows)
    assert summary["keystrokes"] == sums["keystrokes"]
    assert summary["lines_added"] == sums["lines_added"]
    assert summary["active_ms"] == sums["active_ms"]


def test_seq_gap_is_accepted_and_later_windows_count(v1):
    session = new_session()
    start = now_ms() - 60_000
    sent = [small_window(session, seq, start + seq * 5_000) for seq in (1, 2, 5, 6)]
    with V1Client.authed(v1, v1.token("alice")) as client:
        client.start(session, start)
        for window in sent:
            answer = client.activity(window)
            assert answer.get("duplicate") in (None, False)
        assert client.take("error") == []
        summary = client.end(session, 6, start + 7 * 5_000)
    sums = totals(sent)
    assert summary["keystrokes"] == sums["keystrokes"]
    assert summary["active_ms"] == sums["active_ms"]


def test_durable_acks_arrive_advance_and_match_the_store(v1):
    """With a 300 ms checkpoint interval: `durable` seqs never go backwards, reach the last
    seq sent within a few seconds, and the store then holds exactly the sums up to it."""
    session = new_session()
    start = now_ms() - 300_000
    windows = []
    with V1Client.authed(v1, v1.token("carol")) as client:
        client.start(session, start)
        for batch in range(3):
            for seq in range(batch * 10 + 1, batch * 10 + 11):
                window = small_window(session, seq, start + seq * 5_000)
                windows.append(window)
                client.activity(window)
            last = batch * 10 + 10
            durable = client.expect(lambda m: m["type"] == "durable" and m["seq"] >= last, timeout=5)
            assert durable["session"] == session and durable["seq"] == last
        seqs = [m["seq"] for m in client.seen("durable") if m["session"] == session]
        assert seqs == sorted(seqs), seqs
        assert seqs[-1] == 30
        assert len(set(seqs)) >= 3  # it advanced with each batch
        row = session_row(v1.database, session)
        assert row is not None
        assert row["seq"] == 30 and row["ended"] == 0
        sums = totals(windows)
        for field in ("keystrokes", "lines_added", "lines_deleted", "active_ms"):
            assert row[field] == sums[field], (field, row[field], sums[field])


def test_quiet_session_is_not_checkpointed_again(v1):
    """Reading: `durable` is sent when a checkpoint covering new data is stored, so a
    session with nothing new gets no further `durable` messages."""
    session = new_session()
    start = now_ms() - 30_000
    with V1Client.authed(v1, v1.token("carol")) as client:
        client.start(session, start)
        client.activity(small_window(session, 1, start + 5_000))
        client.expect("durable", seq=1, timeout=5)
        later = client.drain(1.5)
    assert [m for m in later if m["type"] == "durable"] == []


def test_session_end_stores_an_ended_row_with_the_summary_totals(v1):
    session = new_session()
    start = now_ms() - 60_000
    windows = [small_window(session, seq, start + seq * 5_000) for seq in range(1, 8)]
    with V1Client.authed(v1, v1.token("bob")) as client:
        client.start(session, start, project="p1")
        for window in windows:
            client.activity(window)
        summary = client.end(session, 7, start + 8 * 5_000)
        client.expect("durable", seq=7, timeout=5)
    row = wait_for(lambda: (r := session_row(v1.database, session)) and r["ended"] == 1 and r,
                   what="ended session row")
    assert row["seq"] == 7
    for field in ("keystrokes", "lines_added", "lines_deleted", "active_ms", "flow_ms",
                  "flow_periods", "interruptions"):
        assert row[field] == summary[field], (field, row[field], summary[field])
    assert row["started_at_ms"] == start
    assert row["project"] == "p1"


def test_session_end_without_activity_gives_an_empty_summary(v1):
    session = new_session()
    start = now_ms() - 10_000
    with V1Client.authed(v1, v1.token("bob")) as client:
        client.start(session, start)
        summary = client.end(session, 0, start + 4_000)
    assert summary["duration_ms"] == 4_000
    for field in ("active_ms", "flow_ms", "flow_periods", "interruptions", "keystrokes",
                  "lines_added", "lines_deleted"):
        assert summary[field] == 0, (field, summary)
    assert summary["languages"] == {}


def test_activity_after_session_end_is_unknown_session(v1):
    """Reading: an ended session is no longer open on the connection."""
    session = new_session()
    start = now_ms() - 10_000
    with V1Client.authed(v1, v1.token("bob")) as client:
        client.start(session, start)
        client.activity(small_window(session, 1, start + 5_000))
        client.end(session, 1, start + 6_000)
        answer = client.request(small_window(session, 2, start + 8_000), "flow")
        assert answer["type"] == "error" and answer["code"] == "unknown_session", answer
        assert session in answer["message"] or "session" in answer["message"]


def test_two_sessions_on_one_connection_are_independent(v1):
    one, two = new_session(), new_session()
    start = now_ms() - 60_000
    a = [small_window(one, s, start + s * 5_000, keystrokes=10) for s in range(1, 5)]
    b = [small_window(two, s, start + s * 5_000, keystrokes=40) for s in range(1, 3)]
    with V1Client.authed(v1, v1.token("alice")) as client:
        client.start(one, start)
        client.start(two, start)
        for window in (a[0], b[0], a[1], b[1], a[2], a[3]):
            client.activity(window)
        s1 = client.end(one, 4, start + 25_000)
        s2 = client.end(two, 2, start + 25_000)
    assert s1["keystrokes"] == 40 and s2["keystrokes"] == 80
    assert s1["active_ms"] == 20_000 and s2["active_ms"] == 10_000


def test_sessions_beyond_the_per_user_limit_are_invalid_field_session(v1_factory):
    world = v1_factory(users=("alice",), env={"FLOWCOACH_SESSIONS_MAX_PER_USER": "2"})
    with V1Client.authed(world, world.token("alice")) as client:
        client.start(new_session(), now_ms())
        client.start(new_session(), now_ms())
        answer = client.request({"type": "session.start", "session": new_session(), "at_ms": now_ms()},
                                "session.started")
        assert answer["type"] == "error" and answer["code"] == "invalid_field", answer
        # The message names the field and states the limit.
        assert "session" in answer["message"] and "2" in answer["message"], answer
        assert client.ping_ok()


def test_session_limit_counts_sessions_of_all_the_users_connections(v1_factory):
    world = v1_factory(users=("alice",), env={"FLOWCOACH_SESSIONS_MAX_PER_USER": "1"})
    with V1Client.authed(world, world.token("alice")) as first, \
            V1Client.authed(world, world.token("alice")) as second:
        first.start(new_session(), now_ms())
        answer = second.request({"type": "session.start", "session": new_session(), "at_ms": now_ms()},
                                "session.started")
        assert answer["type"] == "error" and answer["code"] == "invalid_field", answer


def test_break_scheduler_is_per_user_across_sessions(v1):
    """Two editor windows are one person: 15 min in session A, then 12.5 min in
    session B on another connection, back to back. Neither session alone reaches the
    25-minute micro break, the user does: B's connection gets exactly one `break`
    (delivered at a commit), with the user's continuous active time."""
    rng = seeded(7)
    a, b = new_session(), new_session()
    start = now_ms() - 66 * WINDOW_MS - 5_000
    with V1Client.authed(v1, v1.token("carol")) as first, V1Client.authed(v1, v1.token("carol")) as second:
        first.start(a, start)
        for seq in range(1, 37):  # 36 × 25 s = 15 min
            first.activity(flow_window(rng, a, seq, start + seq * WINDOW_MS))
        b_start = start + 36 * WINDOW_MS
        second.start(b, b_start)
        for seq in range(1, 31):  # 30 × 25 s = 12.5 min
            window = flow_window(rng, b, seq, b_start + seq * WINDOW_MS)
            window["commit"] = seq >= 25  # a good moment once the break is due
            second.activity(window)
            if seq == 23:  # 36 + 23 windows = 24 min 35 s: not due yet
                assert second.seen("break") == [] and first.seen("break") == []
        reminder = second.expect("break", timeout=3)
        first.drain(0.5)
        second.drain(0.5)
    assert reminder["kind"] == "micro"
    assert 25 * 60_000 <= reminder["active_ms"] <= 66 * WINDOW_MS, reminder
    assert len(second.seen("break")) == 1
    # If the other socket is told too, it is the same reminder, not a second one.
    assert all(m["reminder"] == reminder["reminder"] for m in first.seen("break"))


def test_break_ack_for_a_reminder_that_is_not_outstanding_is_invalid_field(v1):
    """Reading: `break.ack` must name the outstanding reminder; any other id is rejected
    with `invalid_field` naming `reminder` (PROTOCOL.md only defines the answer `ack`)."""
    with V1Client.authed(v1, v1.token("bob")) as client:
        answer = client.request({"type": "break.ack", "reminder": "b-999", "action": "taken"}, "ack")
        assert answer["type"] == "error" and answer["code"] == "invalid_field", answer
        assert "reminder" in answer["message"]
        assert client.ping_ok()


def test_only_the_latest_ended_sessions_linger(v1_factory):
    """A client that starts and ends sessions in a loop must not make the server keep each
    one for the resume window: with `sessions.max_per_user` 2, a retried `session.end` of the
    two latest sessions gets their summary again, an older one is no longer known — and the
    stored rows of all of them are complete."""
    world = v1_factory(users=("alice",), env={"FLOWCOACH_SESSIONS_MAX_PER_USER": "2"})
    sessions = [new_session() for _ in range(5)]
    with V1Client.authed(world, world.token("alice")) as client:
        start = now_ms() - 60_000
        for session in sessions:
            client.start(session, start)
            client.end(session, 0, start + 1_000)
        for session in sessions[-2:]:
            assert client.end(session, 0, start + 1_000)["session"] == session
        answer = client.request({"type": "session.end", "session": sessions[0], "seq": 0,
                                 "at_ms": start + 1_000}, "session.summary")
        assert answer["type"] == "error" and answer["code"] == "unknown_session", answer
    for session in sessions:  # forgetting happens only after the final checkpoint
        row = wait_for(lambda: (r := session_row(world.database, session)) and r["ended"] == 1 and r, timeout=5)
        assert row, session
