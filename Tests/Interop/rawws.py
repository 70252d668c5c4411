"""A deliberately minimal raw WebSocket client for sending frames that real clients refuse
to produce (unmasked frames, bad opcodes, invalid UTF-8, …). Used only by the tests."""
import base64
import os
import socket
import ssl
import struct


def open_raw(port, path="/echo", extra_headers="", timeout=5.0, ssl_context=None):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if ssl_context is not None:
        sock = ssl_context.wrap_socket(sock, server_hostname="localhost")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"{extra_headers}\r\n"
    )
    sock.sendall(request.encode())
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"closed during handshake: {response!r}")
        response += chunk
    head, _, rest = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101"), head
    return RawConnection(sock, rest)


def frame(opcode, payload=b"", fin=True, mask=True, rsv=0, length_override=None):
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    length = len(payload) if length_override is None else length_override
    mask_bit = 0x80 if mask else 0
    if length < 126:
        header = struct.pack("!BB", first, mask_bit | length)
    elif length < 65536:
        header = struct.pack("!BBH", first, mask_bit | 126, length)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, length)
    if not mask:
        return header + payload
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return header + key + masked


class RawConnection:
    def __init__(self, sock, buffered=b""):
        self.sock = sock
        self.buffer = buffered

    def send(self, data):
        self.sock.sendall(data)

    def _read_exact(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("EOF")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_frame(self):
        """Returns (fin, opcode, payload) of the next server frame (servers never mask)."""
        first, second = self._read_exact(2)
        assert second & 0x80 == 0, "server frames must not be masked (RFC 6455 §5.1)"
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read_exact(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read_exact(8))
        return bool(first & 0x80), first & 0x0F, self._read_exact(length)

    def read_close(self):
        """Reads frames until a close frame; returns (code or None, reason bytes)."""
        while True:
            _, opcode, payload = self.read_frame()
            if opcode == 0x8:
                if len(payload) >= 2:
                    return struct.unpack("!H", payload[:2])[0], payload[2:]
                return None, b""

    def expect_eof(self, timeout=5.0):
        self.sock.settimeout(timeout)
        while True:
            try:
                chunk = self.sock.recv(65536)
            except ssl.SSLZeroReturnError:
                return True  # close_notify, then EOF
            if not chunk:
                return True

    def close(self):
        self.sock.close()
