#!/usr/bin/env python3
"""TLS smoke check against a running `flowcoach serve` TLS listener.

Usage: tls_smoke.py HOST PORT CA_PEM [--path /echo]

Checks, with the standard `ssl` module (no third-party packages):
  1. a client that verifies the chain against CA_PEM and the hostname completes a
     TLS 1.2+ handshake and negotiates ALPN http/1.1;
  2. a WebSocket upgrade request over that connection gets `101 Switching Protocols`;
  3. a client that trusts only the system CAs fails verification (wrong CA);
  4. a TLS 1.1-only client is refused;
  5. a plaintext HTTP request on the TLS port gets a cleartext `400`.
If the `websockets` package is installed, it also runs one wss:// echo round trip.
Exit status 0 when every check passed. The lead wires it into the interop CI step.
"""
import base64
import os
import socket
import ssl
import sys


def check(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + (f": {detail}" if detail else ""))
    return ok


def verified_context(ca):
    context = ssl.create_default_context(cafile=ca)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    return context


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    host, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    path = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--path" else "/echo"
    results = []

    with socket.create_connection((host, port), timeout=5) as raw:
        with verified_context(ca).wrap_socket(raw, server_hostname=host) as tls:
            results.append(check("handshake verifies chain and hostname", True, tls.version()))
            results.append(check("ALPN http/1.1", tls.selected_alpn_protocol() == "http/1.1",
                                 str(tls.selected_alpn_protocol())))
            key = base64.b64encode(os.urandom(16)).decode()
            tls.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n").encode())
            head = tls.recv(4096).decode(errors="replace")
            results.append(check("upgrade over TLS", head.startswith("HTTP/1.1 101"), head.split("\r\n")[0]))

    try:
        with socket.create_connection((host, port), timeout=5) as raw:
            ssl.create_default_context().wrap_socket(raw, server_hostname=host).close()
        results.append(check("wrong-CA client fails verification", False, "handshake succeeded"))
    except ssl.SSLCertVerificationError as error:
        results.append(check("wrong-CA client fails verification", True, error.verify_message))

    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.check_hostname = False
    old.verify_mode = ssl.CERT_NONE
    try:
        old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
        old.set_ciphers("DEFAULT:@SECLEVEL=0")
        with socket.create_connection((host, port), timeout=5) as raw:
            old.wrap_socket(raw, server_hostname=host).close()
        results.append(check("TLS 1.1 client refused", False, "handshake succeeded"))
    except (ssl.SSLError, OSError) as error:
        results.append(check("TLS 1.1 client refused", True, str(error)))

    with socket.create_connection((host, port), timeout=5) as raw:
        raw.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        reply = raw.recv(4096).decode(errors="replace")
        results.append(check("plaintext HTTP gets a cleartext 400", reply.startswith("HTTP/1.1 400"),
                             reply.split("\r\n")[0]))

    try:
        import asyncio
        import websockets  # optional
    except ImportError:
        print("SKIP wss:// echo: the websockets package is not installed")
    else:
        async def echo():
            async with websockets.connect(f"wss://{host}:{port}{path}", ssl=verified_context(ca)) as ws:
                await ws.send("hello over wss")
                return await ws.recv()
        answer = asyncio.run(echo())
        results.append(check("wss:// echo", answer == "hello over wss", repr(answer)))

    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
