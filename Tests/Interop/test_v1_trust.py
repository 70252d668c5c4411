"""Trust under attack and failure: acknowledged data is never lost to another user, a
revoked token stops working on connections already open, hostile input is contained.
(PROTOCOL.md "Data guarantees", "Connecting"; config/README.md `auth.revocation_check_ms`.)"""
import json
import time

from conftest import admin
from flowv1 import V1Client, new_session, now_ms, query, small_window, subscribe, wait_for


def token_id(token):
    """The public id inside `fc_<scope>_<id>_<secret>`."""
    return token.split("_")[2]


# -- a session id belongs to the user who started it -------------------------------------

def test_a_session_id_is_taken_from_the_first_session_start(v1_factory):
    """Bob starts S and sends three windows; before S's first checkpoint Mallory (carol)
    starts the same S. She must be told the id is taken, and Bob's acknowledged windows
    must be stored under Bob."""
    world = v1_factory(env={"FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS": "3000"})
    session = new_session()
    start = now_ms() - 60_000
    windows = [small_window(session, seq, start + seq * 5_000) for seq in (1, 2, 3)]
    with V1Client.authed(world, world.token("bob")) as bob, \
            V1Client.authed(world, world.token("carol")) as mallory:
        bob.start(session, start)
        for window in windows:
            bob.activity(window)
        answer = mallory.request({"type": "session.start", "session": session, "project": "x",
                                  "language": "swift", "at_ms": start}, "session.started")
        assert answer["type"] == "error" and answer["code"] == "invalid_field", answer
        assert "taken" in answer["message"], answer
        # Her windows for S are refused: she carries no such session.
        refused = mallory.request(small_window(session, 4, start + 20_000), "flow")
        assert refused["type"] == "error", refused
        durable = bob.expect("durable", timeout=10, session=session)
        assert durable["seq"] == 3
        assert not mallory.seen("durable"), mallory.seen("durable")
    owner = query(world.database, "SELECT u.name, s.seq FROM coding_sessions s JOIN users u ON u.id = s.user_id "
                                  "WHERE s.session_id = ?", (session.lower(),))
    assert owner == [("bob", 3)], owner


def test_two_users_racing_for_one_session_id_on_different_loops_one_wins(v1_factory):
    """Both send `session.start` for the same id at once (their home loops differ or not):
    exactly one gets `session.started`, and only that one ever gets `durable`."""
    world = v1_factory(users=("ann", "ben", "cid", "dot"), loops=4,
                       env={"FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS": "200"})
    for _ in range(5):
        session = new_session()
        start = now_ms() - 30_000
        clients = [V1Client.authed(world, world.token(name)) for name in ("ann", "ben", "cid", "dot")]
        try:
            for client in clients:
                client.send({"type": "session.start", "id": "s", "session": session, "project": "p",
                             "language": "swift", "at_ms": start})
            answers = [c.expect(lambda m: m.get("ref") == "s") for c in clients]
            started = [c for c, a in zip(clients, answers) if a["type"] == "session.started"]
            assert len(started) == 1, answers
            for client in clients:
                client.send(small_window(session, 1, start + 5_000))
            started[0].expect("durable", timeout=10, session=session)
            for client in clients:
                if client is not started[0]:
                    assert not [m for m in client.drain(0.3) if m["type"] == "durable"]
        finally:
            for client in clients:
                client.close()


# -- revocation reaches open connections --------------------------------------------------

def test_revoked_token_closes_its_open_connections_within_the_check_interval(v1_factory):
    world = v1_factory(env={"FLOWCOACH_AUTH_REVOCATION_CHECK_MS": "500"})
    ingest = world.token("alice", "ingest")
    read = world.token("alice", "read")
    session = new_session()
    start = now_ms() - 60_000
    with V1Client.authed(world, ingest) as editor, V1Client.authed(world, read) as dashboard, \
            V1Client.authed(world, world.token("bob")) as bystander:
        editor.start(session, start)
        editor.activity(small_window(session, 1, start + 5_000))
        subscribe(dashboard, "stats:me")
        admin(world.database, "token", "revoke", token_id(ingest))
        admin(world.database, "token", "revoke", token_id(read))
        revoked_at = time.monotonic()
        code, _ = editor.expect_close(timeout=5)
        assert code == 1008
        code, _ = dashboard.expect_close(timeout=5)
        assert code == 1008
        assert time.monotonic() - revoked_at < 5
        assert bystander.ping_ok()  # another user's connection is untouched
    assert "revoked" in world.log()


def test_a_second_hello_with_a_revoked_token_is_refused(v1_factory):
    # A long check interval: the refusal must come from re-checking the token at `hello`.
    world = v1_factory(env={"FLOWCOACH_AUTH_REVOCATION_CHECK_MS": "600000"})
    token = world.token("alice", "read")
    with V1Client.open(world) as client:
        client.send({"type": "hello", "id": "h1", "token": token})
        client.expect("welcome")
        admin(world.database, "token", "revoke", token_id(token))
        client.send({"type": "hello", "id": "h2", "token": token})
        code, messages = client.expect_close()
    assert code == 1008
    assert not [m for m in messages if m["type"] == "welcome"], messages
    errors = [m for m in messages if m["type"] == "error"]
    assert errors and errors[0]["code"] == "unauthorized" and errors[0].get("ref") == "h2", messages


# -- graceful shutdown ----------------------------------------------------------------------

def test_shutdown_sends_the_last_durable_before_closing_with_1001(v1_factory):
    """SIGTERM: each session's last `durable` arrives before the 1001 close, so the client
    may drop its buffer without resuming first."""
    world = v1_factory(env={"FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS": "30000"})
    session = new_session()
    start = now_ms() - 60_000
    with V1Client.authed(world, world.token("alice")) as client:
        client.start(session, start)
        for seq in range(1, 6):
            client.activity(small_window(session, seq, start + seq * 5_000))
        world.server.process.send_signal(15)
        code, messages = client.expect_close(timeout=10)
    assert code == 1001
    durables = [m for m in client.seen("durable") if m["session"] == session]
    assert durables and durables[-1]["seq"] == 5, client.seen("durable")


# -- purge needs the owner's ingest token -------------------------------------------------

def http(port, method, path, token=None, headers=None, raw=None):
    """One HTTP/1.1 request over a raw socket; returns (status, headers dict, body bytes)."""
    import socket
    request = raw
    if request is None:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        if token:
            lines.append(f"Authorization: Bearer {token}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields.setdefault(name.strip().lower(), []).append(value.strip())
    return status, fields, body


def test_a_read_token_cannot_erase_the_users_data(v1):
    session = new_session()
    start = now_ms() - 60_000
    with V1Client.authed(v1, v1.token("alice")) as client:
        client.start(session, start)
        client.activity(small_window(session, 1, start + 5_000))
        client.expect("durable", timeout=10)
    status, _, body = http(v1.port, "DELETE", "/v1/privacy/data", token=v1.token("alice", "read"))
    assert status == 403, body
    assert query(v1.database, "SELECT count(*) FROM coding_sessions WHERE session_id = ?", (session,)) == [(1,)]
    status, _, body = http(v1.port, "DELETE", "/v1/privacy/data", token=v1.token("alice", "ingest"))
    assert status == 200, body
    assert json.loads(body)["deleted"]["coding_sessions"] >= 1


# -- HTTP hardening -------------------------------------------------------------------------

def test_the_dashboard_is_served_with_a_strict_content_security_policy(v1):
    status, headers, body = http(v1.port, "GET", "/")
    assert status == 200
    csp = headers["content-security-policy"][0]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "'unsafe-inline'" not in csp
    # The inline script is allowed by its hash, and only it.
    import base64
    import hashlib
    start = body.index(b'<script type="module">') + len(b'<script type="module">')
    script = body[start:body.index(b"</script>", start)]
    digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["referrer-policy"] == ["no-referrer"]


def test_plain_routes_answer_other_methods_with_405_and_allow(v1):
    for path in ("/", "/healthz", "/metrics"):
        status, headers, _ = http(v1.port, "POST", path)
        assert status == 405, path
        assert headers["allow"] == ["GET"], (path, headers)


def test_unknown_http_versions_and_hostless_http11_are_refused(v1):
    status, _, _ = http(v1.port, None, None, raw=b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status == 400
    status, _, _ = http(v1.port, None, None, raw=b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n")
    assert status in (400, 505)
    status, _, _ = http(v1.port, None, None, raw=b"GET /healthz HTTP/1.0\r\n\r\n")
    assert status == 200


def test_api_answers_carry_one_cache_control_header(v1):
    status, headers, _ = http(v1.port, "GET", "/v1/me", token=v1.token("alice", "read"))
    assert status == 200
    assert headers["cache-control"] == ["no-store"], headers


def test_metrics_can_require_a_token(v1_factory):
    world = v1_factory(env={"FLOWCOACH_METRICS_TOKEN": "scrape-secret-1"})
    status, _, _ = http(world.port, "GET", "/metrics")
    assert status == 401
    status, _, _ = http(world.port, "GET", "/metrics", token="wrong")
    assert status == 401
    status, _, body = http(world.port, "GET", "/metrics", token="scrape-secret-1")
    assert status == 200 and b"flowcoach_" in body


# -- WebSocket Origin allow-list -------------------------------------------------------------

def test_origins_outside_the_allow_list_are_refused(v1_factory):
    world = v1_factory(env={"FLOWCOACH_WEBSOCKET_ALLOWED_ORIGINS": "https://dash.example.com"})
    token = world.token("alice", "read")
    import websockets.exceptions
    try:
        V1Client.open(world, token, ).close()  # no Origin: a native client, allowed
    except Exception as error:  # pragma: no cover - reported below
        raise AssertionError(f"a client without Origin was refused: {error}")
    from websockets.sync.client import connect
    try:
        connect(f"ws://127.0.0.1:{world.port}/v1/ws", subprotocols=["flowcoach.v1"],
                additional_headers={"Authorization": f"Bearer {token}"}, origin="https://evil.example.net",
                open_timeout=5).close()
        raise AssertionError("a foreign origin was let in")
    except websockets.exceptions.InvalidStatus as refused:
        assert refused.response.status_code == 403
    connect(f"ws://127.0.0.1:{world.port}/v1/ws", subprotocols=["flowcoach.v1"],
            additional_headers={"Authorization": f"Bearer {token}"}, origin="https://dash.example.com",
            open_timeout=5).close()


# -- /echo tolerates a slow reader of one maximal message ------------------------------------

def test_echo_keeps_a_slow_reader_of_a_16_mib_message(server):
    import socket
    import struct
    from rawws import open_raw
    size = 16 * 1024 * 1024
    connection = open_raw(server.port, timeout=30)
    connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    key = b"\x11\x22\x33\x44"
    # A zero payload masked with `key` is `key` repeated (cheap to build in Python).
    connection.send(struct.pack("!BBQ", 0x82, 0x80 | 127, size) + key + key * (size // 4))
    received = 0
    deadline = time.monotonic() + 60
    header = connection._read_exact(2)
    assert header[0] == 0x82, header
    assert header[1] & 0x7F == 127
    (length,) = struct.unpack("!Q", connection._read_exact(8))
    assert length == size
    received = len(connection.buffer)
    connection.buffer = b""
    while received < size:
        assert time.monotonic() < deadline, f"only {received} of {size} bytes in 60 s"
        chunk = connection.sock.recv(min(128 * 1024, size - received))
        assert chunk, f"the server closed after {received} of {size} bytes"
        assert chunk.count(0) == len(chunk)
        received += len(chunk)
        time.sleep(0.02)  # about 6 MB/s at most: far slower than the server writes
    connection.send(struct.pack("!BB", 0x88, 0x82) + key + bytes(a ^ b for a, b in zip(struct.pack("!H", 1000), key)))
    code, _ = connection.read_close()
    assert code == 1000
    connection.close()
    assert "stopped reading" not in server.log()


# -- names carry no control characters --------------------------------------------------------

def test_names_with_control_characters_are_refused_by_the_admin_commands(tmp_path):
    """User names, display names and team names reach terminals and dashboards: a control
    character (here ESC, BEL, DEL and C1 CSI) is refused with an error naming it, and nothing is stored."""
    import subprocess
    from conftest import BIN
    database = tmp_path / "names.sqlite"
    admin(database, "user", "add", "alice")
    for args, character in ((("user", "add", "eve\x1b[2J"), "U+001B"),
                            (("user", "add", "eve", "--display", "Eve\x07"), "U+0007"),
                            (("user", "add", "eve\x7f"), "U+007F"),
                            (("team", "create", "red\u009bteam"), "U+009B")):
        result = subprocess.run([BIN, *args, "--database", str(database)], capture_output=True, text=True, timeout=60)
        assert result.returncode != 0, (args, result.stdout)
        assert "control characters" in result.stderr and character in result.stderr, (args, result.stderr)
    assert query(database, "SELECT name FROM users ORDER BY name") == [("alice",)]
    assert query(database, "SELECT count(*) FROM teams") == [(0,)]
    # Printable names, accents and emoji included, still pass.
    admin(database, "user", "add", "zoë", "--display", "Zoë 🚀")
    admin(database, "team", "create", "Équipe rouge")


# -- purge closes the user's open connections -------------------------------------------------

def test_purging_the_data_closes_the_users_open_connections_with_1008(v1):
    """After `DELETE /v1/privacy/data` the user's live sessions and subscriptions are gone:
    their open connections are closed with 1008 at once (the token still works for a new
    connection); another user's connection stays."""
    session = new_session()
    start = now_ms() - 60_000
    with V1Client.authed(v1, v1.token("alice")) as editor, \
            V1Client.authed(v1, v1.token("alice", "read")) as dashboard, \
            V1Client.authed(v1, v1.token("bob")) as bystander:
        editor.start(session, start)
        editor.activity(small_window(session, 1, start + 5_000))
        subscribe(dashboard, "stats:me")
        status, _, body = http(v1.port, "DELETE", "/v1/privacy/data", token=v1.token("alice"))
        assert status == 200, body
        purged_at = time.monotonic()
        for client in (editor, dashboard):
            code, _ = client.expect_close(timeout=5)
            assert code == 1008 and "purged" in client.close_reason, (code, client.close_reason)
        assert time.monotonic() - purged_at < 5
        assert bystander.ping_ok()
    with V1Client.authed(v1, v1.token("alice")) as again:  # the account and token stay
        assert again.ping_ok()


# -- /metrics on its own address ---------------------------------------------------------------

def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_metrics_on_their_own_address_are_not_served_on_the_public_port(v1_factory):
    metrics_port = free_port()
    world = v1_factory(env={"FLOWCOACH_METRICS_LISTEN": f"127.0.0.1:{metrics_port}"})
    status, _, _ = http(world.port, "GET", "/metrics")
    assert status == 404
    status, _, _ = http(world.port, "POST", "/metrics")
    assert status == 404
    status, headers, body = http(metrics_port, "GET", "/metrics")
    assert status == 200 and b"flowcoach_websockets_open" in body, body
    assert headers["content-type"][0].startswith("text/plain")
    status, headers, _ = http(metrics_port, "POST", "/metrics")
    assert status == 405 and headers["allow"] == ["GET"]
    for path in ("/", "/healthz", "/v1/me"):  # the metrics address serves nothing else
        status, _, _ = http(metrics_port, "GET", path, token=world.token("alice", "read"))
        assert status == 404, path
    status, _, _ = http(world.port, "GET", "/healthz")  # the public port keeps the rest
    assert status == 200


def test_metrics_on_their_own_address_still_require_the_token(v1_factory):
    metrics_port = free_port()
    world = v1_factory(env={"FLOWCOACH_METRICS_LISTEN": f"127.0.0.1:{metrics_port}",
                            "FLOWCOACH_METRICS_TOKEN": "scrape-secret-2"})
    status, _, _ = http(metrics_port, "GET", "/metrics")
    assert status == 401
    status, _, body = http(metrics_port, "GET", "/metrics", token="scrape-secret-2")
    assert status == 200 and b"flowcoach_" in body


# -- deleting a user closes their open connections -----------------------------------------

def test_deleting_a_user_closes_their_open_connections_and_removes_the_account(v1_factory):
    """`flowcoach user delete` (another process) revokes the user's tokens first: every
    server closes the user's open connections with 1008 within its revocation check;
    then the data and the account are gone and the token opens nothing."""
    world = v1_factory(env={"FLOWCOACH_AUTH_REVOCATION_CHECK_MS": "500"})
    session = new_session()
    start = now_ms() - 60_000
    with V1Client.authed(world, world.token("alice")) as editor, \
            V1Client.authed(world, world.token("alice", "read")) as dashboard, \
            V1Client.authed(world, world.token("bob")) as bystander:
        editor.start(session, start)
        editor.activity(small_window(session, 1, start + 5_000))
        editor.expect("durable", timeout=10, session=session)
        subscribe(dashboard, "stats:me")
        import subprocess
        from conftest import BIN
        deleting = subprocess.Popen([BIN, "user", "delete", "alice", "--yes", "--grace-ms", "3000",
                                     "--database", str(world.database)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started = time.monotonic()
        for client in (editor, dashboard):
            code, _ = client.expect_close(timeout=5)
            assert code == 1008, code
        assert time.monotonic() - started < 5
        out, err = deleting.communicate(timeout=30)
        assert deleting.returncode == 0, err
        assert bystander.ping_ok()
    assert query(world.database, "SELECT count(*) FROM users WHERE name = 'alice'") == [(0,)]
    assert query(world.database, "SELECT count(*) FROM coding_sessions WHERE session_id = ?", (session.lower(),)) == [(0,)]
    with V1Client.open(world) as client:
        client.send({"type": "hello", "id": "h", "token": world.token("alice")})
        code, messages = client.expect_close()
    assert code == 1008 and [m for m in messages if m["type"] == "error"][0]["code"] == "unauthorized"


def test_deleting_a_user_needs_confirmation(v1):
    import subprocess
    from conftest import BIN
    result = subprocess.run([BIN, "user", "delete", "alice", "--database", str(v1.database)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "--yes" in result.stderr
    assert query(v1.database, "SELECT count(*) FROM users WHERE name = 'alice'") == [(1,)]


# -- hostile strings and repeated rejections over the wire --------------------------------------

def test_control_characters_in_project_language_and_activity_languages_are_invalid_field(v1):
    """A project or language reaches dashboards and logs: ESC, NUL and DEL (U+0000–U+001F,
    U+007F) are refused, naming the field, and no session is started."""
    with V1Client.authed(v1, v1.token("alice")) as client:
        for field, value in (("project", "evil\x1b[2Jproject"), ("project", "nul\x00"),
                             ("language", "swift\x7f")):
            session = new_session()
            message = {"type": "session.start", "session": session, "project": "p", "language": "swift",
                       "at_ms": now_ms(), "id": "c"}
            message[field] = value
            answer = client.request(message, "session.started")
            assert answer["type"] == "error" and answer["code"] == "invalid_field", (field, value, answer)
            assert f'"{field}"' in answer["message"] or answer["message"].startswith(field), answer
        session = new_session()
        start = now_ms() - 60_000
        client.start(session, start)
        bad = small_window(session, 1, start + 5_000, language="go\x1b")
        answer = client.request(bad, "flow")
        assert answer["type"] == "error" and answer["code"] == "invalid_field", answer
        assert client.ping_ok()


def test_unknown_session_rejections_in_a_row_close_the_connection_like_any_other(v1_factory):
    """The consecutive-error limit counts every kind of rejection: `activity` for sessions
    never started (`unknown_session`) closes the connection with 1008 at the limit."""
    world = v1_factory(users=("alice",), env={"FLOWCOACH_LIMITS_MAX_CONSECUTIVE_ERRORS": "5"})
    with V1Client.authed(world, world.token("alice")) as client:
        for seq in range(1, 6):
            client.send(small_window(new_session(), seq, now_ms() - 10_000))
        code, messages = client.expect_close()
    assert code == 1008
    assert [m["code"] for m in messages if m["type"] == "error"] == ["unknown_session"] * 5, messages
