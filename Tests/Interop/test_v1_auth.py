"""Protocol v1 — connecting: the subprotocol, authentication (header and `hello`), the
hello timeout, token scopes and connection limits (PROTOCOL.md "Connecting")."""
import base64
import datetime
import os
import socket
import time

import pytest
from websockets.exceptions import InvalidStatus

from conftest import admin
from flowv1 import SUBPROTOCOL, V1Client, new_session, now_ms, small_window, wait_for


def upgrade(port, extra_headers="", path="/v1/ws"):
    """Sends a WebSocket upgrade by hand; returns (status code, lowercased header dict)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"{extra_headers}\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    sock.close()
    head = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    status = int(head[0].split(" ")[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


# -- subprotocol --------------------------------------------------------------------

def test_server_selects_flowcoach_v1_among_offered_subprotocols(v1):
    client = V1Client.open(v1, v1.token("alice"), subprotocols=("chat", SUBPROTOCOL, "other"))
    with client:
        assert client.ws.subprotocol == SUBPROTOCOL
        assert client.expect("welcome")["user"]["name"] == "alice"


def test_offering_only_other_subprotocols_is_refused_with_400(v1):
    status, _ = upgrade(v1.port, f"Authorization: Bearer {v1.token('alice')}\r\n"
                                 "Sec-WebSocket-Protocol: chat, flowcoach.v2\r\n")
    assert status == 400


def test_offering_no_subprotocol_is_refused_with_400(v1):
    """Reading: V1_CONTRACT.md says the subprotocol is *required*, so an upgrade without
    Sec-WebSocket-Protocol is refused like one offering only others (HTTP 400)."""
    status, _ = upgrade(v1.port, f"Authorization: Bearer {v1.token('alice')}\r\n")
    assert status == 400


def test_selected_subprotocol_is_echoed_in_the_101_response(v1):
    status, headers = upgrade(v1.port, f"Authorization: Bearer {v1.token('alice')}\r\n"
                                       "Sec-WebSocket-Protocol: x-other, flowcoach.v1\r\n")
    assert status == 101
    assert headers.get("sec-websocket-protocol") == "flowcoach.v1"


# -- authentication -----------------------------------------------------------------

def test_bearer_token_gets_welcome_with_user_server_time_and_heartbeat(v1):
    with V1Client.open(v1, v1.token("bob")) as client:
        welcome = client.expect("welcome")
    assert welcome["user"]["name"] == "bob"
    assert isinstance(welcome["user"]["id"], str) and welcome["user"]["id"]
    server_time = datetime.datetime.fromisoformat(welcome["server_time"].replace("Z", "+00:00"))
    assert server_time.tzinfo is not None
    assert abs(server_time.timestamp() * 1000 - now_ms()) < 60_000
    assert welcome["heartbeat_s"] == 30


def test_user_id_in_welcome_is_the_store_id(v1):
    from flowv1 import query
    (stored,) = query(v1.database, "SELECT id FROM users WHERE name = 'carol'")[0]
    with V1Client.authed(v1, v1.token("carol", "read")) as client:
        assert client.welcome["user"]["id"] == stored


@pytest.mark.parametrize("token", ["fc_i_deadbeef_" + "0" * 40, "nonsense", ""])
def test_bad_bearer_token_is_refused_with_401_on_the_upgrade(v1, token):
    status, _ = upgrade(v1.port, f"Authorization: Bearer {token}\r\nSec-WebSocket-Protocol: flowcoach.v1\r\n")
    assert status == 401


def test_bad_bearer_token_is_401_for_the_python_client_too(v1):
    with pytest.raises(InvalidStatus) as refused:
        V1Client.open(v1, "fc_r_00000000_" + "a" * 40)
    assert refused.value.response.status_code == 401


def test_revoked_token_is_refused_with_401(v1):
    token = v1.token("alice", "read")
    with V1Client.authed(v1, token):
        pass
    admin(v1.database, "token", "revoke", token)
    status, _ = upgrade(v1.port, f"Authorization: Bearer {token}\r\nSec-WebSocket-Protocol: flowcoach.v1\r\n")
    assert status == 401


def test_hello_authenticates_a_browser_style_client(v1):
    with V1Client.open(v1) as client:
        client.send({"type": "hello", "id": "h1", "token": v1.token("alice", "read"),
                     "client": {"name": "interop", "version": "1.0"}, "device": "ci"})
        welcome = client.expect("welcome")
        assert welcome["user"]["name"] == "alice"
        assert welcome["ref"] == "h1"
        assert client.ping_ok()


def test_bad_hello_token_gets_unauthorized_then_close_1008(v1):
    with V1Client.open(v1) as client:
        client.send({"type": "hello", "id": "h1", "token": "fc_i_nothere_" + "b" * 40})
        code, messages = client.expect_close()
    assert code == 1008
    errors = [m for m in messages if m["type"] == "error"]
    assert len(errors) == 1 and errors[0]["code"] == "unauthorized", messages
    assert errors[0].get("ref") == "h1"
    assert not [m for m in messages if m["type"] == "welcome"]


def test_other_message_before_hello_gets_unauthorized_then_close_1008(v1):
    """Reading: without a Bearer header the first message must be `hello` (PROTOCOL.md);
    anything else is treated like a failed authentication (error unauthorized, close 1008)."""
    with V1Client.open(v1) as client:
        client.send({"type": "ping", "id": "p1"})
        code, messages = client.expect_close()
    assert code == 1008
    assert [m["code"] for m in messages if m["type"] == "error"] == ["unauthorized"]
    assert not [m for m in messages if m["type"] == "pong"]


def test_no_hello_within_the_timeout_closes_1008(v1_factory):
    world = v1_factory(users=("alice",), env={"FLOWCOACH_AUTH_HELLO_TIMEOUT_MS": "500"})
    with V1Client.open(world) as client:
        started = time.monotonic()
        code, messages = client.expect_close(timeout=5)
        elapsed = time.monotonic() - started
    assert code == 1008
    assert 0.3 < elapsed < 3, elapsed
    assert all(m["type"] == "error" and m["code"] == "unauthorized" for m in messages), messages


def test_hello_in_time_is_not_cut_by_the_timeout(v1_factory):
    world = v1_factory(users=("alice",), env={"FLOWCOACH_AUTH_HELLO_TIMEOUT_MS": "800"})
    with V1Client.open(world) as client:
        time.sleep(0.4)
        client.send({"type": "hello", "token": world.token("alice")})
        client.expect("welcome")
        time.sleep(1.0)  # past the hello deadline: authenticated connections stay
        assert client.ping_ok()


def test_empty_store_first_start_creates_local_user_with_ingest_token(tmp_path):
    """V1_CONTRACT.md: the first start on an empty store prints
    `first token (ingest, user local): fc_i_…`, and that token works."""
    from conftest import start_v1_server
    server = start_v1_server(tmp_path / "fresh.sqlite")
    try:
        line = wait_for(lambda: next((l for l in server.log().splitlines()
                                      if "first token (ingest, user local):" in l), None),
                        what="the first-token line on stdout")
        token = line.split("first token (ingest, user local):")[1].strip().split()[0]
        assert token.startswith("fc_i_")
        with V1Client.authed(server, token) as client:
            assert client.welcome["user"]["name"] == "local"
    finally:
        server.stop()


# -- scopes -------------------------------------------------------------------------

def test_read_token_sending_activity_is_forbidden_and_connection_stays(v1):
    session = new_session()
    with V1Client.authed(v1, v1.token("alice", "read")) as client:
        window = small_window(session, 1, now_ms())
        window["id"] = "a1"
        client.send(window)
        error = client.expect("error")
        assert error["code"] == "forbidden"
        assert error["ref"] == "a1"
        assert "read" in error["message"] or "scope" in error["message"], error
        assert client.ping_ok()


def test_read_token_starting_a_session_is_forbidden(v1):
    """Reading: a `read` token "may only subscribe and query", so `session.start` is
    forbidden as well as `activity`."""
    with V1Client.authed(v1, v1.token("bob", "read")) as client:
        answer = client.request({"type": "session.start", "session": new_session(), "at_ms": now_ms()},
                                "session.started")
        assert answer["type"] == "error" and answer["code"] == "forbidden", answer
        assert client.ping_ok()


def test_read_token_may_subscribe(v1):
    with V1Client.authed(v1, v1.token("bob", "read")) as client:
        answer = client.request({"type": "subscribe", "channel": "leaderboard:week:coding_time"}, "subscribed")
        assert answer["type"] == "subscribed" and answer["channel"] == "leaderboard:week:coding_time"


def test_ingest_token_sends_activity(v1):
    session = new_session()
    with V1Client.authed(v1, v1.token("bob")) as client:
        start = now_ms() - 10_000
        client.start(session, start)
        flow = client.activity(small_window(session, 1, start + 5_000))
        assert flow["state"] in {"idle", "warming_up", "flow", "interrupted", "recovering"}


# -- connection limits --------------------------------------------------------------

def test_connections_beyond_the_per_user_limit_get_error_then_close_1008(v1_factory):
    """V1_CONTRACT.md: beyond limits.connections_per_user the server sends an `error` then
    closes with 1008. Reading: the code is one of PROTOCOL.md's (not asserted which); the
    connections within the limit stay usable."""
    world = v1_factory(users=("alice",), env={"FLOWCOACH_LIMITS_CONNECTIONS_PER_USER": "2"})
    first = V1Client.authed(world, world.token("alice"))
    second = V1Client.authed(world, world.token("alice", "read"))
    third = V1Client.open(world, world.token("alice"))
    try:
        code, messages = third.expect_close()
        assert code == 1008
        errors = [m for m in messages if m["type"] == "error"]
        assert len(errors) == 1, messages
        assert not [m for m in messages if m["type"] == "welcome"]
        assert first.ping_ok() and second.ping_ok()
    finally:
        for client in (first, second, third):
            client.close()


def test_closing_a_connection_frees_its_per_user_slot(v1_factory):
    world = v1_factory(users=("alice",), env={"FLOWCOACH_LIMITS_CONNECTIONS_PER_USER": "1"})
    with V1Client.authed(world, world.token("alice")) as first:
        assert first.ping_ok()
    time.sleep(0.3)
    with V1Client.authed(world, world.token("alice")) as again:
        assert again.ping_ok()


def test_connections_beyond_the_per_ip_limit_get_429_on_the_upgrade(v1_factory):
    world = v1_factory(users=("alice",), env={"FLOWCOACH_LIMITS_CONNECTIONS_PER_IP": "2"})
    held = [V1Client.authed(world, world.token("alice")) for _ in range(2)]
    try:
        status, _ = upgrade(world.port, f"Authorization: Bearer {world.token('alice')}\r\n"
                                        "Sec-WebSocket-Protocol: flowcoach.v1\r\n")
        assert status == 429
        assert held[0].ping_ok()
    finally:
        for client in held:
            client.close()


def test_a_pending_refusal_never_reaches_another_connection(v1_factory):
    """Regression: with one loop, a bad token's 401 must go to its own connection, and a
    good token on the next connection must get its own 101, never the other's bytes."""
    world = v1_factory(users=("alice",), loops=1)
    bad = socket.create_connection(("127.0.0.1", world.port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    bad.sendall((f"GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                 "Sec-WebSocket-Protocol: flowcoach.v1\r\nAuthorization: Bearer nonsense\r\n\r\n").encode())
    time.sleep(0.3)
    with V1Client.authed(world, world.token("alice")) as good:
        assert good.welcome["user"]["name"] == "alice"
        assert good.ping_ok()
    answer = bad.recv(64)
    bad.close()
    assert answer.startswith(b"HTTP/1.1 401"), answer
