"""A small protocol-v1 client for the interop tests: JSON over the Python `websockets` sync
client, with a log of every server message so tests can assert on order and on what did
*not* arrive. Also deterministic activity windows and the store readers.

Only the tests use it; nothing here knows the server's internals beyond docs/PROTOCOL.md.
"""
import datetime
import json
import random
import sqlite3
import time
import uuid

import pytest

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

SUBPROTOCOL = "flowcoach.v1"
FLOW_STATES = {"idle", "warming_up", "flow", "interrupted", "recovering"}
ERROR_CODES = {"bad_json", "unknown_type", "invalid_field", "unauthorized", "forbidden",
               "rate_limited", "too_large", "unknown_session", "internal"}


def now_ms():
    return int(time.time() * 1000)


def new_session():
    return str(uuid.uuid4())


class V1Client:
    """One WebSocket to /v1/ws. `log` holds every server message in arrival order as
    (monotonic time, dict) and is never trimmed; `expect` consumes from `unconsumed`, so a
    push that arrives while a test waits for an answer stays available."""

    def __init__(self, ws):
        self.ws = ws
        self.log = []
        self.unconsumed = []

    # -- connecting -----------------------------------------------------------------

    @classmethod
    def open(cls, server, token=None, subprotocols=(SUBPROTOCOL,), path="/v1/ws", timeout=5):
        headers = {"Authorization": f"Bearer {token}"} if token else None
        ws = connect(f"ws://127.0.0.1:{server.port}{path}", subprotocols=list(subprotocols) or None,
                     additional_headers=headers, open_timeout=timeout, max_size=4 * 1024 * 1024,
                     compression=None)
        return cls(ws)

    @classmethod
    def authed(cls, server, token):
        """Connected with the Bearer header; the `welcome` is consumed and kept in .welcome."""
        client = cls.open(server, token)
        client.welcome = client.expect("welcome")
        return client

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass

    def drop(self):
        """Vanish without a closing handshake (a laptop lid closing)."""
        try:
            self.ws.socket.shutdown(2)
        except OSError:
            pass
        self.ws.socket.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- sending --------------------------------------------------------------------

    def send(self, message):
        self.ws.send(message if isinstance(message, (str, bytes)) else json.dumps(message))

    def request(self, message, answer_type, timeout=5):
        """Sends `message` with a fresh `id` unless it has one; returns the answer of
        `answer_type` (or an `error`) whose `ref` is that id."""
        message = dict(message)
        message.setdefault("id", "r-" + uuid.uuid4().hex[:12])
        self.send(message)
        return self.expect(lambda m: m.get("ref") == message["id"]
                           and m["type"] in (answer_type, "error"), timeout=timeout)

    # -- receiving ------------------------------------------------------------------

    def _read_one(self, timeout):
        raw = self.ws.recv(timeout=timeout)
        assert isinstance(raw, str), f"server sent a binary frame: {raw!r}"
        message = json.loads(raw)
        assert isinstance(message, dict) and isinstance(message.get("type"), str), raw
        self.log.append((time.monotonic(), message))
        self.unconsumed.append(message)
        return message

    def expect(self, what, timeout=5, **fields):
        """The first unconsumed message matching `what` (a type name or a predicate) and
        `fields`, reading more as needed; non-matching messages stay unconsumed."""
        match = (lambda m: m["type"] == what) if isinstance(what, str) else what
        deadline = time.monotonic() + timeout
        index = 0
        while True:
            while index < len(self.unconsumed):
                message = self.unconsumed[index]
                if match(message) and all(message.get(k) == v for k, v in fields.items()):
                    del self.unconsumed[index]
                    return message
                index += 1
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {what if isinstance(what, str) else 'matching message'} "
                                     f"{fields or ''} within {timeout} s; last unconsumed: "
                                     f"{self.unconsumed[-6:]}")
            try:
                self._read_one(left)
            except TimeoutError:
                pass

    def drain(self, seconds):
        """Reads everything that arrives within `seconds`; returns the new messages."""
        start = len(self.log)
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                self._read_one(left)
            except TimeoutError:
                break
        return [m for _, m in self.log[start:]]

    def take(self, type_name):
        """Consumes and returns every unconsumed message of `type_name`."""
        taken = [m for m in self.unconsumed if m["type"] == type_name]
        self.unconsumed = [m for m in self.unconsumed if m["type"] != type_name]
        return taken

    def seen(self, type_name):
        """Every message of `type_name` received so far (consumed or not), in order."""
        return [m for _, m in self.log if m["type"] == type_name]

    def expect_close(self, timeout=5):
        """Reads until the server closes; returns (close code, messages before the close)."""
        messages = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                messages.append(self._read_one(max(0.01, deadline - time.monotonic())))
            except ConnectionClosed as closed:
                self.close_reason = closed.rcvd.reason if closed.rcvd else None
                return (closed.rcvd.code if closed.rcvd else None), messages
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise AssertionError(f"server did not close within {timeout} s; got {messages}")

    def ping_ok(self):
        """The connection is still usable: `ping` is answered by `pong` with our ref."""
        answer = self.request({"type": "ping"}, "pong")
        assert answer["type"] == "pong", answer
        return True

    # -- sessions -------------------------------------------------------------------

    def start(self, session, at_ms, project="flowcoach", language="swift"):
        answer = self.request({"type": "session.start", "session": session, "project": project,
                               "language": language, "at_ms": at_ms}, "session.started")
        assert answer["type"] == "session.started", answer
        return answer

    def activity(self, window):
        """Sends one window; returns its `flow` answer."""
        answer = self.request(window, "flow")
        assert answer["type"] == "flow", answer
        assert answer["seq"] == window["seq"] and answer["session"] == window["session"], answer
        return answer

    def end(self, session, seq, at_ms):
        answer = self.request({"type": "session.end", "session": session, "seq": seq, "at_ms": at_ms},
                              "session.summary")
        assert answer["type"] == "session.summary", answer
        return answer


# -- activity windows --------------------------------------------------------------

def flow_window(rng, session, seq, at_ms, window_ms=25_000, language=None):
    """A window a flow detector calls flow: steady fast typing (intervals 120–160 ms, one
    keystroke every ~140 ms for ~95 % of the window), editor focus the whole window, no
    context switches, no errors."""
    count = min(512, int(window_ms * 0.95 / 140))
    intervals = [rng.randint(120, 160) for _ in range(count)]
    window = {
        "type": "activity", "session": session, "seq": seq, "at_ms": at_ms, "window_ms": window_ms,
        "keystrokes": count + 1, "keystroke_intervals": intervals, "context_switches": 0,
        "error_events": 0, "focus_ms": window_ms, "files_modified": 1,
        "lines_added": rng.randint(1, 8), "lines_deleted": rng.randint(0, 3),
    }
    if language:
        window["language"] = language
    return window


def storm_window(rng, session, seq, at_ms, window_ms=25_000):
    """Typing, but a burst of context switches: interrupts flow."""
    window = flow_window(rng, session, seq, at_ms, window_ms)
    window["context_switches"] = 12
    window["focus_ms"] = window_ms // 2
    return window


def small_window(session, seq, at_ms, window_ms=5_000, keystrokes=30, language=None):
    """A short active window (for leaderboards and totals)."""
    window = {
        "type": "activity", "session": session, "seq": seq, "at_ms": at_ms, "window_ms": window_ms,
        "keystrokes": keystrokes, "keystroke_intervals": [150] * min(keystrokes, 512),
        "context_switches": 0, "error_events": 0, "focus_ms": window_ms, "files_modified": 1,
        "lines_added": seq % 5 + 1, "lines_deleted": seq % 3,
    }
    if language:
        window["language"] = language
    return window


def totals(windows):
    """The sums a summary and the store must show for these (distinct-seq) windows."""
    return {
        "keystrokes": sum(w["keystrokes"] for w in windows),
        "lines_added": sum(w["lines_added"] for w in windows),
        "lines_deleted": sum(w["lines_deleted"] for w in windows),
        "active_ms": sum(w["window_ms"] for w in windows),
    }


def session_row(database, session):
    """The `coding_sessions` row of `session` as a dict (None when absent), read directly
    with sqlite3 (WAL lets us read while the server writes)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM coding_sessions WHERE session_id = ?",
                                 (session.lower(),)).fetchone()
        return dict(row) if row else None
    finally:
        connection.close()


def query(database, sql, args=()):
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def wait_for(predicate, timeout=5, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout} s (last value {value!r})")
        time.sleep(interval)


def seeded(seed):
    return random.Random(seed)


# -- channels ----------------------------------------------------------------------

# The longest wait for a UTC day to have room: past it, the test is skipped. The waits of
# all tests end at the same few minutes after midnight, so they do not add up; without a
# bound, a run started just after midnight waited up to 80 minutes (the charts' history).
UTC_DAY_MAX_WAIT_S = 180


def utc_day_safe(seconds_back):
    """Waits (rarely) so that the last `seconds_back` s and the next minute lie in one UTC
    day: day boards sum per day. When that would take more than UTC_DAY_MAX_WAIT_S (a run
    started less than `seconds_back` s after midnight, or in the last 90 s of a day, which
    must then wait out midnight and `seconds_back` more), the test is skipped instead."""
    now = datetime.datetime.now(datetime.timezone.utc)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    into_day = (now - midnight).total_seconds()
    if 86_400 - into_day <= 90:  # too close to the next midnight: the wait runs past it
        into_day -= 86_400
    wait = seconds_back + 5 - into_day
    if wait > UTC_DAY_MAX_WAIT_S:
        pytest.skip(f"needs {seconds_back} s of today's UTC day behind it; {wait:.0f} s more to wait")
    while True:
        now = datetime.datetime.now(datetime.timezone.utc)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if (now - midnight).total_seconds() > seconds_back + 5 and \
                (midnight + datetime.timedelta(days=1) - now).total_seconds() > 90:
            return
        time.sleep(5)


def is_board(message, channel):
    return message["type"] == "event" and message["channel"] == channel and "top" in message["data"]


def is_own(message, channel):
    return message["type"] == "event" and message["channel"] == channel and "own" in message["data"]


def subscribe(client, channel):
    answer = client.request({"type": "subscribe", "channel": channel}, "subscribed")
    assert answer["type"] == "subscribed" and answer["channel"] == channel, answer
    return answer


def send_active(client, session, seconds, language=None, start=None):
    """`seconds` / 5 windows of 5 s ending now; returns the windows."""
    count = seconds // 5
    start = now_ms() - seconds * 1000 if start is None else start
    client.start(session, start, language=language or "swift")
    windows = [small_window(session, seq, start + seq * 5_000, language=language) for seq in range(1, count + 1)]
    for window in windows:
        client.activity(window)
    return windows


def row_of(board, name):
    return next((row for row in board["data"]["top"] if row["name"] == name), None)
