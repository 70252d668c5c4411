"""wss:// specifics: verification, bad input on the TLS port, reload on SIGHUP (RFC 8446/5246
via OpenSSL; the WebSocket suites run over TLS too, see the `echo_server` fixture)."""
import shutil
import signal
import socket
import ssl
import subprocess
import time

import pytest
from websockets.sync.client import connect

from conftest import BIN, start_server


@pytest.fixture
def tls_server(pki):
    running = start_server(pki=pki)
    yield running.over("tls")
    running.stop()


def test_client_verifies_chain_and_hostname_and_negotiates_http11(tls_server):
    context = tls_server.client_ssl()
    context.set_alpn_protocols(["http/1.1"])
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
            assert tls.selected_alpn_protocol() == "http/1.1"


def test_client_trusting_another_ca_fails_verification(tls_server, pki):
    context = ssl.create_default_context(cafile=pki.path("other-ca.pem"))
    with pytest.raises(ssl.SSLCertVerificationError):
        with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as raw:
            context.wrap_socket(raw, server_hostname="localhost")


# The server encrypts these with libcrypto's built-in AEADs (tls.builtin_record_ciphers); a
# client in another process, on OpenSSL's providers, must read and write the same records.
AEAD_SUITES = [
    (["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"], "TLS_AES_128_GCM_SHA256"),
    (["-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"], "TLS_AES_256_GCM_SHA384"),
    (["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"], "TLS_CHACHA20_POLY1305_SHA256"),
    (["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"], "AES128-GCM"),
    (["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"], "AES256-GCM"),
    (["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"], "CHACHA20-POLY1305"),
]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
@pytest.mark.parametrize("options, suite", AEAD_SUITES, ids=[suite for _, suite in AEAD_SUITES])
def test_each_aead_suite_interoperates_with_openssl_s_client(tls_server, pki, options, suite):
    request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    result = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{tls_server.port}", "-servername", "localhost",
         "-CAfile", pki.path("ca.pem"), "-verify_return_error", "-brief", "-ign_eof", *options],
        input=request, capture_output=True, timeout=30)
    details = result.stderr.decode(errors="replace")
    assert suite in details, details
    assert result.stdout.startswith(b"HTTP/1.1 200"), (result.stdout[:200], details)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
@pytest.mark.parametrize("command", ["k", "K"], ids=["update-ours", "update-both"])
def test_openssl_s_client_key_update_mid_connection_keeps_the_connection(tls_server, pki, command):
    # After the handshake TLS 1.3 records are the server's own (tls.own_record_layer): a
    # KeyUpdate from another implementation (s_client's interactive "k": update its keys;
    # "K": and ask for ours) must be applied, answered when asked, and data must flow after.
    process = subprocess.Popen(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{tls_server.port}", "-servername", "localhost",
         "-CAfile", pki.path("ca.pem"), "-verify_return_error", "-tls1_3"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        def read_until(marker, deadline):
            seen = b""
            while marker not in seen:
                assert time.monotonic() < deadline, seen[-400:]
                chunk = process.stdout.read1(4096)
                assert chunk, seen[-400:]
                seen += chunk
            return seen

        deadline = time.monotonic() + 20
        read_until(b"Verify return code: 0", deadline)
        process.stdin.write(command.encode() + b"\n")
        process.stdin.flush()
        read_until(b"KEYUPDATE", deadline)
        process.stdin.write(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        process.stdin.flush()
        seen = read_until(b"HTTP/1.1 200", deadline)
        assert b"alert" not in seen.lower(), seen[-400:]
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("ciphers, name", [("ECDHE+AESGCM", "GCM"), ("ECDHE+CHACHA20", "CHACHA20")])
def test_tls12_echo_of_large_messages_in_each_aead(tls_server, ciphers, name):
    context = tls_server.client_ssl()
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers(ciphers)
    payloads = ["x", "é" * 700, bytes(range(256)) * 300]  # the last spans several records
    with connect(tls_server.url + "/echo", ssl=context, max_size=None) as ws:
        assert ws.socket.version() == "TLSv1.2"
        assert name in ws.socket.cipher()[0]
        for payload in payloads:
            ws.send(payload)
            assert ws.recv(timeout=10) == payload


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls11_client_is_refused(tls_server, pki):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(pki.path("ca.pem"))
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as raw:
            context.wrap_socket(raw, server_hostname="localhost")


def read_all(sock, timeout=5):
    sock.settimeout(timeout)
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk


def assert_still_serving(server):
    with connect(f"{server.url}/echo", ssl=server.client_ssl()) as ws:
        ws.send("still serving")
        assert ws.recv() == "still serving"


def test_plaintext_http_on_the_tls_port_gets_a_cleartext_400(tls_server):
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as sock:
        sock.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_all(sock).startswith(b"HTTP/1.1 400")
    assert_still_serving(tls_server)
    assert "plaintext" in tls_server.log().lower()


def test_garbage_and_truncated_client_hello_are_closed_cleanly(tls_server):
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as sock:
        sock.sendall(b"\x16\x03\x01\x00\xff\x01\x00\x00\xfb\x03\x03")  # a ClientHello cut short
        sock.shutdown(socket.SHUT_WR)
        read_all(sock)
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as sock:
        sock.sendall(b"\x17\x03\x03\x00\x05garbagegarbage")
        read_all(sock)
    assert_still_serving(tls_server)


def test_client_stalling_mid_handshake_is_dropped_after_the_timeout(pki, server_factory):
    server = server_factory(pki=pki, env={"FLOWCOACH_WEBSOCKET_HANDSHAKE_TIMEOUT_MS": "500"}).over("tls")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"\x16\x03\x01\x00\xff\x01")  # the first bytes of a ClientHello, then nothing
        started = time.time()
        read_all(sock)
        assert time.time() - started < 3
    assert_still_serving(server)


def test_expired_certificate_is_refused_at_start_with_a_clear_error(pki):
    result = subprocess.run(
        [BIN, "serve", "--port", "0", "--tls-port", "0", "--tls-cert", pki.path("expired.pem"),
         "--tls-key", pki.path("server.key")], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "expired" in output and "expired.pem" in output


def test_sighup_reloads_the_certificate_without_dropping_live_connections(pki, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    shutil.copy(pki.path("server.pem"), cert)
    shutil.copy(pki.path("server.key"), key)
    # The server reads copies of the files, which the test then replaces.
    running = start_server(extra_args=["--tls-port", "0", "--tls-cert", str(cert), "--tls-key", str(key)])
    running.pki = pki
    try:
        server = running.over("tls")

        def peer_common_name():
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
                with server.client_ssl().wrap_socket(raw, server_hostname="localhost") as tls:
                    return dict(x[0] for x in tls.getpeercert()["subject"])["commonName"]

        assert peer_common_name() == "localhost"
        live = connect(f"{server.url}/echo", ssl=server.client_ssl())
        shutil.copy(pki.path("renewed.pem"), cert)
        shutil.copy(pki.path("renewed.key"), key)
        running.process.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while peer_common_name() != "renewed":
            assert time.time() < deadline, "the new certificate was never served"
            time.sleep(0.1)
        live.send("old connection")
        assert live.recv() == "old connection"
        live.close()
    finally:
        running.stop()
