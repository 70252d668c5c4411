"""Protocol v1 — every error code of PROTOCOL.md and the limits: each bad request gets an
`error` with the right `code`, a message naming the field, the request's `id` as `ref`,
and the connection stays usable afterwards (a `ping` is answered)."""
import json
import time

import pytest

from flowv1 import ERROR_CODES, V1Client, new_session, now_ms, small_window


@pytest.fixture
def ingest(v1_module):
    """An authenticated ingest connection with one open session (`client.session`), on a
    server shared by the module (each test has its own connection and session)."""
    client = V1Client.authed(v1_module, v1_module.token("alice"))
    client.session = new_session()
    client.start(client.session, now_ms() - 60_000)
    yield client
    # End the session so the shared server's per-user session limit is not reached by
    # sessions waiting out their resume window.
    try:
        client.send({"type": "session.end", "session": client.session, "seq": 0, "at_ms": now_ms()})
        client.expect(lambda m: m["type"] in ("session.summary", "error"), timeout=2)
    except Exception:
        pass
    client.close()


def expect_error(client, code, ref=None, timeout=5):
    error = client.expect("error", timeout=timeout)
    assert error["code"] == code, error
    assert error["code"] in ERROR_CODES
    assert isinstance(error["message"], str) and len(error["message"]) > 5, error
    if ref is None:
        assert "ref" not in error, error
    else:
        assert error["ref"] == ref, error
    return error


# -- bad_json -----------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    "{not json",
    '{"type":"ping",}',
    '{"type":"ping"} trailing',
    '{"type":"ping","type":"ping"}',   # a repeated member name
    "[1,2,3]",                         # not an object
    '"ping"',
    "",
])
def test_malformed_json_is_bad_json_and_connection_stays(ingest, payload):
    ingest.send(payload)
    expect_error(ingest, "bad_json")
    assert ingest.ping_ok()


def test_binary_frame_is_bad_json(ingest):
    """Reading: messages are JSON in *text* frames; a binary frame is answered like
    unreadable JSON (`bad_json`) rather than closing the connection."""
    ingest.ws.send(b'{"type":"ping"}')
    expect_error(ingest, "bad_json")
    assert ingest.ping_ok()


# -- unknown_type -------------------------------------------------------------------

def test_unknown_type_names_it_and_echoes_the_ref(ingest):
    ingest.send({"type": "activity.batch", "id": "u1"})
    error = expect_error(ingest, "unknown_type", ref="u1")
    assert "activity.batch" in error["message"]
    assert ingest.ping_ok()


def test_server_message_types_are_unknown_from_a_client(ingest):
    ingest.send({"type": "welcome", "id": "u2"})
    expect_error(ingest, "unknown_type", ref="u2")


# -- invalid_field ------------------------------------------------------------------

def activity(client, **changes):
    window = small_window(client.session, 1, now_ms() - 1_000)
    window.update(changes)
    return {k: v for k, v in window.items() if v is not ...}


INVALID_ACTIVITY = [
    ("seq", {"seq": 0}),
    ("seq", {"seq": -3}),
    ("seq", {"seq": "1"}),
    ("seq", {"seq": ...}),
    ("seq", {"seq": 1.5}),
    ("window_ms", {"window_ms": 0}),
    ("window_ms", {"window_ms": -1000}),
    ("window_ms", {"window_ms": 3_600_001}),
    ("at_ms", {"at_ms": 1_000}),                              # 1970
    ("at_ms", {"at_ms": now_ms() + 3 * 86_400_000}),          # days ahead of the server
    ("at_ms", {"at_ms": ...}),
    ("keystrokes", {"keystrokes": -1}),
    ("keystrokes", {"keystrokes": 10 ** 30}),
    ("focus_ms", {"focus_ms": -5}),
    ("context_switches", {"context_switches": None}),
    ("error_events", {"error_events": True}),
    ("files_modified", {"files_modified": []}),
    ("lines_added", {"lines_added": -1}),
    ("lines_deleted", {"lines_deleted": "many"}),
    ("keystroke_intervals", {"keystroke_intervals": "fast"}),
    ("keystroke_intervals", {"keystroke_intervals": ...}),
    ("keystroke_intervals[2]", {"keystroke_intervals": [100, 120, -7, 130]}),
    ("keystroke_intervals[1]", {"keystroke_intervals": [100, "x"]}),
    ("session", {"session": "not-a-uuid"}),
    ("session", {"session": ...}),
    ("language", {"language": 42}),
    ("file_saved", {"file_saved": "yes"}),
]


@pytest.mark.parametrize("field,changes", INVALID_ACTIVITY,
                         ids=[f"{f}-{i}" for i, (f, _) in enumerate(INVALID_ACTIVITY)])
def test_invalid_activity_field_is_named(ingest, field, changes):
    message = activity(ingest, **changes)
    message["id"] = "bad-1"
    ingest.send(message)
    error = expect_error(ingest, "invalid_field", ref="bad-1")
    assert f'"{field}"' in error["message"] or f"{field}" in error["message"].split(), error
    assert ingest.ping_ok()


def test_invalid_field_changes_nothing(ingest):
    """A rejected window is not counted: the session's totals are those of the good ones."""
    good = small_window(ingest.session, 1, now_ms() - 2_000, keystrokes=17)
    ingest.activity(good)
    bad = dict(small_window(ingest.session, 2, now_ms() - 1_000, keystrokes=500), window_ms=0)
    ingest.send(bad)
    expect_error(ingest, "invalid_field")
    summary = ingest.end(ingest.session, 1, now_ms())
    assert summary["keystrokes"] == 17 and summary["active_ms"] == 5_000


def test_unknown_fields_are_ignored(ingest):
    """PROTOCOL.md: fields are added freely within v1, so unknown ones are not errors."""
    window = small_window(ingest.session, 1, now_ms() - 1_000)
    window["editor_theme"] = "dark"
    window["nested"] = {"x": [1, 2]}
    assert ingest.activity(window)["seq"] == 1


@pytest.mark.parametrize("message,field", [
    ({"type": "session.start", "session": "123", "at_ms": 1_700_000_000_000}, "session"),
    ({"type": "session.start", "session": new_session()}, "at_ms"),
    ({"type": "session.start", "session": new_session(), "at_ms": 1_700_000_000_000, "project": "p" * 129}, "project"),
    ({"type": "session.end", "session": new_session(), "at_ms": 1_700_000_000_000}, "seq"),
    ({"type": "subscribe"}, "channel"),
    ({"type": "subscribe", "channel": ""}, "channel"),
    ({"type": "subscribe", "channel": "leaderboard:year:coding_time"}, "channel"),
    ({"type": "subscribe", "channel": "leaderboard:day:lines"}, "channel"),
    ({"type": "subscribe", "channel": "weather:today"}, "channel"),
    ({"type": "break.ack", "reminder": "12", "action": "taken"}, "reminder"),
    ({"type": "break.ack", "reminder": "b-1", "action": "later"}, "action"),
    ({"type": "privacy.set", "leaderboard_visible": "no"}, "leaderboard_visible"),
    ({"type": 7}, "type"),
    ({"kind": "ping"}, "type"),
])
def test_invalid_field_in_other_messages_is_named(ingest, message, field):
    message = dict(message, id="bad-2")
    ingest.send(message)
    error = expect_error(ingest, "invalid_field", ref="bad-2" if field != "id" else None)
    assert field in error["message"], error
    assert ingest.ping_ok()


def test_too_long_id_is_invalid_field_without_ref(ingest):
    ingest.send({"type": "ping", "id": "x" * 65})
    error = expect_error(ingest, "invalid_field")
    assert "id" in error["message"]
    assert ingest.ping_ok()


# -- unknown_session ----------------------------------------------------------------

def test_activity_for_a_session_never_started_is_unknown_session(ingest):
    other = new_session()
    message = small_window(other, 1, now_ms() - 1_000)
    message["id"] = "us-1"
    ingest.send(message)
    error = expect_error(ingest, "unknown_session", ref="us-1")
    assert other in error["message"] or "session" in error["message"], error
    assert ingest.ping_ok()


def test_session_end_for_a_session_never_started_is_unknown_session(ingest):
    ingest.send({"type": "session.end", "id": "us-2", "session": new_session(), "seq": 0, "at_ms": now_ms()})
    expect_error(ingest, "unknown_session", ref="us-2")
    assert ingest.ping_ok()


def test_another_connections_session_is_unknown_here(v1_module, ingest):
    """A session belongs to the connection that started (or resumed) it."""
    with V1Client.authed(v1_module, v1_module.token("alice")) as second:
        message = small_window(ingest.session, 1, now_ms() - 1_000)
        message["id"] = "us-3"
        second.send(message)
        expect_error(second, "unknown_session", ref="us-3")


# -- forbidden ----------------------------------------------------------------------

def test_forbidden_for_read_scope_activity(v1_module):
    with V1Client.authed(v1_module, v1_module.token("carol", "read")) as client:
        message = small_window(new_session(), 1, now_ms())
        message["id"] = "f1"
        client.send(message)
        expect_error(client, "forbidden", ref="f1")
        assert client.ping_ok()


def test_forbidden_for_a_team_one_is_not_in(v1_factory):
    world = v1_factory(users=("alice", "bob"), teams={"core": [("alice", True)]})
    with V1Client.authed(world, world.token("bob", "read")) as client:
        client.send({"type": "subscribe", "id": "f2", "channel": f"team:{world.team_ids['core']}"})
        expect_error(client, "forbidden", ref="f2")
        assert client.ping_ok()


# -- too_large ----------------------------------------------------------------------

def test_more_than_512_intervals_is_too_large(ingest):
    message = activity(ingest, keystroke_intervals=[120] * 513, keystrokes=514)
    message["id"] = "tl-1"
    ingest.send(message)
    error = expect_error(ingest, "too_large", ref="tl-1")
    assert "keystroke_intervals" in error["message"]
    assert ingest.ping_ok()


def test_exactly_512_intervals_is_fine(ingest):
    message = activity(ingest, keystroke_intervals=[120] * 512, keystrokes=513)
    assert ingest.activity(message)["seq"] == 1


def test_message_over_the_size_limit_is_too_large_and_connection_stays(ingest):
    """V1_CONTRACT.md: a text message larger than limits.max_message_bytes (64 KiB) is
    answered `too_large` and the connection stays (not a WebSocket close 1009)."""
    padding = "p" * (70 * 1024)
    ingest.send(json.dumps({"type": "ping", "id": "big", "padding": padding}))
    error = ingest.expect("error", timeout=5)
    assert error["code"] == "too_large", error
    assert ingest.ping_ok()


def test_size_limit_is_configurable(v1_factory):
    world = v1_factory(users=("alice",), env={"FLOWCOACH_LIMITS_MAX_MESSAGE_BYTES": "2048"})
    with V1Client.authed(world, world.token("alice")) as client:
        client.send(json.dumps({"type": "ping", "id": "ok", "padding": "p" * 1500}))
        assert client.expect("pong")["ref"] == "ok"
        client.send(json.dumps({"type": "ping", "id": "big", "padding": "p" * 3000}))
        assert client.expect("error")["code"] == "too_large"
        assert client.ping_ok()


def test_deeply_nested_json_is_too_large(ingest):
    ingest.send('{"type":"ping","x":' + "[" * 200 + "]" * 200 + "}")
    expect_error(ingest, "too_large")
    assert ingest.ping_ok()


# -- rate_limited -------------------------------------------------------------------

def test_messages_beyond_the_token_bucket_are_rate_limited_then_served_again(v1_factory):
    world = v1_factory(users=("alice",), env={"FLOWCOACH_LIMITS_MESSAGES_PER_SECOND": "5",
                                              "FLOWCOACH_LIMITS_MESSAGE_BURST": "10"})
    with V1Client.authed(world, world.token("alice")) as client:
        started = time.monotonic()
        for index in range(40):
            client.send({"type": "ping", "id": f"p{index}"})
        client.drain(1.0)
        elapsed = time.monotonic() - started
        pongs = client.take("pong")
        errors = client.take("error")
        assert errors, "no rate_limited error after 40 messages with a burst of 10"
        assert {e["code"] for e in errors} == {"rate_limited"}, errors
        # Each refusal names the dropped request by its ref, so the client knows what to resend.
        assert all(e.get("ref", "").startswith("p") and "ping dropped" in e["message"] for e in errors), errors
        assert 10 <= len(pongs) <= 10 + 5 * elapsed + 1, (len(pongs), elapsed)
        answered = {m["ref"] for m in pongs} | {e.get("ref") for e in errors}
        assert "p0" in answered and "p9" in {m["ref"] for m in pongs}
        time.sleep(2.5)  # the bucket refills
        assert client.ping_ok()


# -- the connection survives a mix of errors ------------------------------------------

def test_a_few_errors_of_every_kind_do_not_close_the_connection(ingest):
    ingest.send("{oops")
    ingest.send({"type": "nope"})
    ingest.send(activity(ingest, window_ms=0))
    ingest.send(small_window(new_session(), 1, now_ms()))
    ingest.send({"type": "subscribe", "channel": "x:y"})
    codes = [ingest.expect("error")["code"] for _ in range(5)]
    assert codes == ["bad_json", "unknown_type", "invalid_field", "unknown_session", "invalid_field"]
    assert ingest.ping_ok()
    # And the session still works.
    assert ingest.activity(small_window(ingest.session, 1, now_ms() - 1_000))["seq"] == 1


def test_a_client_that_keeps_sending_garbage_is_closed_1008(v1_factory):
    """PROTOCOL.md: an error never closes the connection "unless the client keeps sending
    garbage": after limits.max_consecutive_errors errors in a row the server closes 1008;
    one good message in between resets the count."""
    world = v1_factory(users=("alice",), env={"FLOWCOACH_LIMITS_MAX_CONSECUTIVE_ERRORS": "5"})
    with V1Client.authed(world, world.token("alice")) as client:
        for _ in range(4):
            client.send("{garbage")
        assert client.ping_ok()  # 4 errors, then a good message: the count starts again
        for _ in range(4):
            client.send("{garbage")
        assert client.ping_ok()
        for _ in range(5):
            client.send("{garbage")
        code, messages = client.expect_close()
    assert code == 1008
    assert [m["code"] for m in messages if m["type"] == "error"].count("bad_json") >= 1


def test_a_session_spanning_more_than_eight_days_is_refused_and_unchanged(ingest):
    """Bounds what one session makes the server keep and store: windows on eight distinct
    local days are accepted, a ninth day is `invalid_field` naming `at_ms`, and the session
    stays usable on its known days."""
    day = 86_400_000
    first = now_ms() - 10 * day
    for seq in range(1, 9):
        answer = ingest.activity(small_window(ingest.session, seq, first + (seq - 1) * day))
        assert answer["type"] == "flow" and answer["seq"] == seq, answer
    ingest.send(small_window(ingest.session, 9, first + 8 * day) | {"id": "d9"})
    error = expect_error(ingest, "invalid_field", ref="d9")
    assert error["message"].startswith("at_ms:"), error
    again = ingest.activity(small_window(ingest.session, 9, first + 7 * day + 60_000))
    assert again["type"] == "flow" and again["seq"] == 9 and not again.get("duplicate"), again
