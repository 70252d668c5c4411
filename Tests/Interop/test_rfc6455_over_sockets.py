"""RFC 6455 rules checked over a real socket with hand-made frames."""
import socket
import struct
import time

from rawws import frame, open_raw


def test_unmasked_client_frame_fails_with_1002(echo_server):
    # RFC 6455 §5.1: a server MUST close the connection upon receiving an unmasked frame.
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x1, b"hi", mask=False))
    code, _ = conn.read_close()
    assert code == 1002
    assert conn.expect_eof()


def test_invalid_utf8_text_fails_with_1007(echo_server):
    # RFC 6455 §8.1: invalid UTF-8 in a text message → fail the connection (1007).
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x1, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"))
    code, _ = conn.read_close()
    assert code == 1007


def test_invalid_utf8_split_across_fragments_fails_fast(echo_server):
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x1, b"\xce\xba\xe1", fin=False))
    conn.send(frame(0x0, b"\xbd", fin=False))
    conn.send(frame(0x0, b"\xff", fin=False))  # invalid before the message ends
    code, _ = conn.read_close()
    assert code == 1007


def test_reserved_opcode_fails_with_1002(echo_server):
    # RFC 6455 §5.2: reserved opcodes → fail the connection.
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x3, b""))
    assert conn.read_close()[0] == 1002


def test_rsv_bits_without_extension_fail_with_1002(echo_server):
    # RFC 6455 §5.2: RSV bits MUST be 0 unless an extension defines them.
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x1, b"x", rsv=0b010))
    assert conn.read_close()[0] == 1002


def test_fragmented_ping_fails_with_1002(echo_server):
    # RFC 6455 §5.5: control frames MUST NOT be fragmented.
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x9, b"x", fin=False))
    assert conn.read_close()[0] == 1002


def test_control_frame_over_125_bytes_fails_with_1002(echo_server):
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x9, b"x" * 126))
    assert conn.read_close()[0] == 1002


def test_ping_between_fragments_is_answered_and_message_completes(echo_server):
    # RFC 6455 §5.4: control frames MAY be injected in the middle of a fragmented message.
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x1, b"Hel", fin=False))
    conn.send(frame(0x9, b"p"))
    conn.send(frame(0x0, b"lo", fin=True))
    fin, opcode, payload = conn.read_frame()
    assert (opcode, payload) == (0xA, b"p")
    fin, opcode, payload = conn.read_frame()
    assert (fin, opcode, payload) == (True, 0x1, b"Hello")


def test_continuation_without_start_fails_with_1002(echo_server):
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x0, b"x"))
    assert conn.read_close()[0] == 1002


def test_new_message_inside_fragmented_message_fails_with_1002(echo_server):
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x1, b"a", fin=False))
    conn.send(frame(0x1, b"b"))
    assert conn.read_close()[0] == 1002


def test_close_with_one_byte_payload_fails_with_1002(echo_server):
    # RFC 6455 §5.5.1: a close body, if present, starts with a 2-byte code.
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x8, b"\x03"))
    assert conn.read_close()[0] == 1002


def test_close_with_reserved_code_fails_with_1002(echo_server):
    # RFC 6455 §7.4.1: 1005/1006/1015 MUST NOT be sent in a close frame.
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x8, struct.pack("!H", 1005)))
    assert conn.read_close()[0] == 1002


def test_close_with_invalid_utf8_reason_fails_with_1007(echo_server):
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x8, struct.pack("!H", 1000) + b"\xff"))
    assert conn.read_close()[0] == 1007


def test_empty_close_is_answered_and_tcp_closed_by_server(echo_server):
    # RFC 6455 §7.1.1: the server closes the TCP connection first after the exchange.
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    conn.send(frame(0x8, b""))
    code, _ = conn.read_close()
    assert code in (None, 1000)
    assert conn.expect_eof()


def test_64bit_length_with_top_bit_fails_with_1002(echo_server):
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    header = struct.pack("!BBQ", 0x82, 0x80 | 127, 1 << 63) + b"\x00\x00\x00\x00"
    conn.send(header)
    assert conn.read_close()[0] == 1002


def test_message_over_the_limit_fails_with_1009(server_factory):
    server = server_factory(env={"FLOWCOACH_WEBSOCKET_MAX_MESSAGE_BYTES": "1024",
                                 "FLOWCOACH_WEBSOCKET_MAX_FRAME_BYTES": "1024"})
    conn = open_raw(server.port)
    conn.send(frame(0x2, b"x" * 2048))
    assert conn.read_close()[0] == 1009


def test_frames_split_byte_by_byte_still_decode(echo_server):
    conn = open_raw(echo_server.port, ssl_context=echo_server.client_ssl())
    data = frame(0x1, "split 🎉".encode())
    for byte in data:
        conn.send(bytes([byte]))
        time.sleep(0.001)
    assert conn.read_frame() == (True, 0x1, "split 🎉".encode())


def test_frame_sent_together_with_the_upgrade_request_is_processed(echo_server):
    # Bytes after the request head belong to the WebSocket (trailing data).
    import base64, os
    sock = socket.create_connection(("127.0.0.1", echo_server.port), timeout=5)
    if echo_server.client_ssl() is not None:
        sock = echo_server.client_ssl().wrap_socket(sock, server_hostname="localhost")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
    sock.sendall(request + frame(0x1, b"early"))
    data = b""
    while b"early" not in data:
        chunk = sock.recv(4096)
        assert chunk
        data += chunk
    assert data.startswith(b"HTTP/1.1 101")
