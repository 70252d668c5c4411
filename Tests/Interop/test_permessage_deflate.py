"""permessage-deflate (RFC 7692) against /echo, with the websockets client and raw frames."""
import os
import zlib

import pytest
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.sync.client import connect

from rawws import frame, open_raw

DEFLATE_OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"


def raw_deflate(data):
    compressor = zlib.compressobj(wbits=-15)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]  # RFC 7692 §7.2.1: remove the tail


def test_client_offer_is_accepted_and_messages_round_trip(echo_server):
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl()) as ws:
        assert [e.name for e in ws.protocol.extensions] == ["permessage-deflate"]
        json_like = '{"type":"event","channel":"leaderboard:day:flow_time","data":' + '[{"rank":1}]' * 300 + "}"
        for message in [json_like, "tiny", os.urandom(70000), "é" * 10000]:
            ws.send(message)
            assert ws.recv() == message


@pytest.mark.parametrize("no_context_takeover", [False, True])
def test_client_context_takeover_choices_round_trip(echo_server, no_context_takeover):
    factory = ClientPerMessageDeflateFactory(
        client_no_context_takeover=no_context_takeover, server_no_context_takeover=no_context_takeover,
        client_max_window_bits=15)
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl(), extensions=[factory],
                 compression=None) as ws:
        for i in range(50):
            message = f'{{"seq":{i},"state":"flow","intensity":0.8}}' * 10
            ws.send(message)
            assert ws.recv() == message


def test_client_without_compression_is_served_uncompressed(echo_server):
    with connect(f"{echo_server.url}/echo", ssl=echo_server.client_ssl(), compression=None) as ws:
        assert ws.protocol.extensions == []
        ws.send("plain " * 100)
        assert ws.recv() == "plain " * 100


def test_rfc7692_hello_example_is_inflated(server):
    # RFC 7692 §7.2.3.1: "Hello" compressed is f2 48 cd c9 c9 07 00.
    conn = open_raw(server.port, extra_headers=DEFLATE_OFFER)
    conn.send(frame(0x1, bytes.fromhex("f248cdc9c90700"), rsv=0b100))
    fin, opcode, payload = conn.read_frame()
    assert (fin, opcode, payload) == (True, 0x1, b"Hello")  # below the threshold: sent uncompressed


def test_compressed_message_split_across_fragments_is_inflated(server):
    # RFC 7692 §6.1: RSV1 on the first frame only; the payload spans the fragments.
    conn = open_raw(server.port, extra_headers=DEFLATE_OFFER)
    data = raw_deflate(b"fragmented and compressed " * 20)
    conn.send(frame(0x1, data[:5], fin=False, rsv=0b100))
    conn.send(frame(0x0, data[5:11], fin=False))
    conn.send(frame(0x0, data[11:], fin=True))
    _, opcode, payload = conn.read_frame()
    assert opcode == 0x1
    # the echo may come back compressed (it is above the threshold): inflate if RSV1 was set
    assert payload == b"fragmented and compressed " * 20 or \
        zlib.decompressobj(wbits=-15).decompress(payload + b"\x00\x00\xff\xff") == b"fragmented and compressed " * 20


def test_decompression_bomb_is_stopped_with_1009(server_factory):
    server = server_factory(env={"FLOWCOACH_WEBSOCKET_MAX_MESSAGE_BYTES": "1048576"})
    conn = open_raw(server.port, extra_headers=DEFLATE_OFFER)
    bomb = raw_deflate(b"\x00" * (64 << 20))  # 64 MiB of zeros in ~64 KiB
    assert len(bomb) < 100_000
    conn.send(frame(0x2, bomb, rsv=0b100))
    assert conn.read_close()[0] == 1009
    log = server.log()
    assert "messageTooBig" in log or "1009" in log


def test_corrupt_deflate_stream_fails_the_connection(server):
    conn = open_raw(server.port, extra_headers=DEFLATE_OFFER)
    conn.send(frame(0x1, b"\xff\xff\xff\xff\xff", rsv=0b100))
    assert conn.read_close()[0] == 1007


def test_rsv1_on_a_control_frame_fails_with_1002(server):
    # RFC 7692 §6.1: "An endpoint MUST NOT set the RSV1 bit on control frames" (RFC 6455 §5.2 then applies).
    conn = open_raw(server.port, extra_headers=DEFLATE_OFFER)
    conn.send(frame(0x9, b"", rsv=0b100))
    assert conn.read_close()[0] == 1002


def test_rsv1_on_a_continuation_frame_fails_with_1002(server):
    conn = open_raw(server.port, extra_headers=DEFLATE_OFFER)
    conn.send(frame(0x1, raw_deflate(b"abc"), fin=False, rsv=0b100))
    conn.send(frame(0x0, b"", fin=True, rsv=0b100))
    assert conn.read_close()[0] == 1002


def test_compression_off_in_configuration_declines_offers(server_factory):
    server = server_factory(env={"FLOWCOACH_COMPRESSION_ENABLED": "false"})
    with connect(f"{server.url}/echo") as ws:
        assert ws.protocol.extensions == []
        ws.send("x" * 1000)
        assert ws.recv() == "x" * 1000
