"""HTTP routes on the WebSocket port, bad upgrades, timeouts, slow readers, shutdown."""
import base64
import os
import signal
import socket
import threading
import time
import urllib.request

import pytest
from websockets.sync.client import connect

from rawws import frame, open_raw


def http(port, request):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(request)
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    return data


def test_healthz_answers_200(server):
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=5) as response:
        assert response.status == 200
        assert response.read() == b"ok\n"


def test_metrics_are_prometheus_text(server):
    with connect(f"{server.url}/echo") as ws:
        ws.send("count me")
        ws.recv()
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5) as response:
        body = response.read().decode()
    assert "# TYPE flowcoach_messages_received_total counter" in body
    total = sum(int(line.rsplit(" ", 1)[1]) for line in body.splitlines()
                if line.startswith("flowcoach_messages_received_total{"))
    assert total >= 1


def test_unknown_path_is_404(server):
    assert http(server.port, b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 404")


def test_echo_route_is_off_by_default(server_factory):
    server = server_factory(echo=False)
    key = base64.b64encode(os.urandom(16))
    reply = http(server.port, b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 404")


def test_wrong_version_gets_426_with_supported_version(server):
    # RFC 6455 §4.4: answer with the versions the server supports.
    key = base64.b64encode(os.urandom(16))
    reply = http(server.port, b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 8\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 426")
    assert b"sec-websocket-version: 13" in reply.lower()


def test_bad_key_gets_400(server):
    reply = http(server.port, b"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400")


def test_oversized_request_head_gets_431(server):
    reply = http(server.port, b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 431")


def test_garbage_request_gets_400_and_server_keeps_serving(server):
    reply = http(server.port, b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400")
    with connect(f"{server.url}/echo") as ws:
        ws.send("still here")
        assert ws.recv() == "still here"


def test_client_that_never_finishes_the_handshake_is_dropped(server_factory):
    server = server_factory(env={"FLOWCOACH_WEBSOCKET_HANDSHAKE_TIMEOUT_MS": "500"})
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"GET /echo HTTP/1.1\r\n")
    started = time.time()
    assert sock.recv(100) == b""
    assert time.time() - started < 3


def test_idle_connection_is_pinged_and_silent_peer_is_dropped(server_factory):
    server = server_factory(env={"FLOWCOACH_WEBSOCKET_PING_INTERVAL_MS": "1000"})
    conn = open_raw(server.port)
    fin, opcode, payload = conn.read_frame()
    assert opcode == 0x9  # the server pings an idle connection
    started = time.time()
    assert conn.expect_eof(timeout=10)  # two unanswered pings → closed
    assert time.time() - started < 6


def test_answered_pings_keep_the_connection_open(server_factory):
    server = server_factory(env={"FLOWCOACH_WEBSOCKET_PING_INTERVAL_MS": "1000"})
    with connect(f"{server.url}/echo") as ws:  # the client answers pings automatically
        time.sleep(4)
        ws.send("alive")
        assert ws.recv() == "alive"


def test_slow_reader_is_closed_while_others_keep_being_served(server_factory):
    server = server_factory(env={"FLOWCOACH_WEBSOCKET_MAX_OUTBOUND_BYTES": "262144"})
    slow = open_raw(server.port)
    slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    payload = frame(0x2, b"z" * 60000)
    stop = threading.Event()

    def flood():
        try:
            while not stop.is_set():
                slow.sock.sendall(payload)
        except OSError:
            pass  # the server closed us: expected

    flooder = threading.Thread(target=flood, daemon=True)
    flooder.start()
    with connect(f"{server.url}/echo") as ws:
        deadline = time.time() + 20
        while flooder.is_alive() and time.time() < deadline:
            ws.send("ping-pong")
            assert ws.recv(timeout=5) == "ping-pong"
            time.sleep(0.05)
    stop.set()
    flooder.join(5)
    assert not flooder.is_alive(), "the non-reading client was never closed"
    assert "stopped reading" in server.log()


def test_sigterm_closes_websockets_with_1001_and_exits_0(server_factory):
    server = server_factory()
    conn = open_raw(server.port)
    server.process.send_signal(signal.SIGTERM)
    code, _ = conn.read_close()
    assert code == 1001
    conn.send(frame(0x8, (1001).to_bytes(2, "big")))
    assert server.process.wait(timeout=15) == 0
