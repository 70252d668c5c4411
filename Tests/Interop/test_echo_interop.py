"""Interop: the independent Python `websockets` client against /echo (RFC 6455)."""
import asyncio
import os
import struct

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from rawws import frame, open_raw


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 1 << 20])
def test_text_and_binary_messages_of_every_length_class_echo_back(echo_server, size):
    # RFC 6455 §5.2: 7-bit, 16-bit and 64-bit payload lengths.
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl(), max_size=None) as ws:
        text = ("x" * size)
        ws.send(text)
        assert ws.recv() == text
        data = os.urandom(size)
        ws.send(data)
        assert ws.recv() == data


def test_unicode_text_round_trips(echo_server):
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl()) as ws:
        for text in ["héllo", "日本語テキスト", "emoji 🎉🚀", "\u0000nul"]:
            ws.send(text)
            assert ws.recv() == text


def test_fragmented_message_from_client_is_reassembled(echo_server):
    # RFC 6455 §5.4: a fragmented message is delivered as one message.
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl()) as ws:
        ws.send(["frag", "ment", "ed ", "🎉"])
        assert ws.recv() == "fragmented 🎉"
        ws.send([b"\x00\x01", b"\x02"])
        assert ws.recv() == b"\x00\x01\x02"


def test_ping_is_answered_with_pong(echo_server):
    # RFC 6455 §5.5.2: a Pong with the Ping's application data.
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl()) as ws:
        pong = ws.ping(b"are you there")
        assert pong.wait(5)


def test_many_pipelined_messages_arrive_in_order(echo_server):
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl()) as ws:
        for i in range(500):
            ws.send(f"message {i}")
        for i in range(500):
            assert ws.recv() == f"message {i}"


def test_client_close_is_answered_with_the_same_code(echo_server):
    # RFC 6455 §5.5.1: the endpoint echoes the status code it received.
    ws = connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl())
    ws.close(code=4000, reason="bye")
    assert ws.protocol.close_rcvd is not None
    assert ws.protocol.close_rcvd.code == 4000


def test_async_client_with_many_concurrent_connections(echo_server):
    from websockets.asyncio.client import connect as aconnect

    async def one(i):
        async with aconnect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl()) as ws:
            for j in range(20):
                await ws.send(f"{i}:{j}")
                assert await ws.recv() == f"{i}:{j}"

    async def main():
        await asyncio.gather(*(one(i) for i in range(100)))

    asyncio.run(main())


def test_subprotocol_offer_is_not_required_on_echo(echo_server):
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl(), subprotocols=["chat"]) as ws:
        assert ws.subprotocol is None
        ws.send("ok")
        assert ws.recv() == "ok"
