#!/usr/bin/env python3
"""RSS per idle compressed connection: opens 1,000 permessage-deflate connections to /echo
(Python websockets, its default offer), one 1 KiB round trip each, then reads the server's
VmRSS. Usage: rss-compressed.py PORT SERVER_PID (loopback; the connections are closed at the end)."""
import asyncio, os, sys, time
from websockets.asyncio.client import connect
PORT=int(sys.argv[1]); PID=int(sys.argv[2]); N=1000
def rss():
    for line in open(f"/proc/{PID}/status"):
        if line.startswith("VmRSS"): return int(line.split()[1])
async def main():
    before = rss()
    conns = []
    for i in range(N):
        ws = await connect(f"ws://127.0.0.1:{PORT}/echo", max_size=None)
        assert ws.protocol.extensions, "no permessage-deflate"
        msg = '{"type":"event","channel":"leaderboard:day:flow_time","data":' + '[{"rank":1,"name":"dev","value_ms":1234}]' * 20 + "}"
        await ws.send(msg); assert await ws.recv() == msg
        conns.append(ws)
    await asyncio.sleep(1)
    after = rss()
    print(f"{N} compressed idle connections (each after one 1 KiB compressed round trip): RSS {before} kB -> {after} kB = {(after-before)*1024/N:.0f} B per connection")
    for ws in conns: await ws.close()
asyncio.run(main())
