#!/usr/bin/env python3
"""Live heap bytes per call site at chosen moments, from heaptrack's data on stdin.

    zstdcat heaptrack.flowcoach.PID.zst | scripts/heap-timeline.py 300 600 1200

heaptrack_print reports peaks and what was never freed; a slow growth needs the live bytes
of each call site at several times. This replays the allocation stream (`+`/`-` events by
allocation index, `c` timestamps in ms), takes a snapshot at each time given (seconds from
the start) and at the end of the data, and names each site by its first two frames from
our modules (the allocator's own frames say nothing). Prints the sites that grew most
between the first and the last time given, and the largest at that last time.
"""
import collections
import re
import sys

OURS = re.compile(r"(CoachingCore|RealtimeServer|Persistence|FlowEngine|WireJSON|LoopKit|WSProtocol|sqlite3|SSL_|flowcoach)")


def main() -> None:
    targets = sorted(float(arg) * 1000 for arg in sys.argv[1:])
    if not targets:
        sys.exit("usage: heap-timeline.py SECONDS... < heaptrack data")
    strings, ips, traces = [""], [0], [(0, 0)]
    allocations, live, snapshots = [], [], []
    for line in sys.stdin:
        kind = line[0]
        if kind == "+":
            live[int(line[2:], 16)] += 1
        elif kind == "-":
            live[int(line[2:], 16)] -= 1
        elif kind == "c":
            now = int(line[2:], 16)
            while len(snapshots) < len(targets) and now >= targets[len(snapshots)]:
                snapshots.append((now, list(live)))
        elif kind == "a":
            _, size, trace = line.split()
            allocations.append((int(size, 16), int(trace, 16)))
            live.append(0)
        elif kind == "t":
            _, ip, parent = line.split()[:3]
            traces.append((int(ip, 16), int(parent, 16)))
        elif kind == "i":
            fields = line.split()
            ips.append(int(fields[3], 16) if len(fields) > 3 else 0)
        elif kind == "s":
            strings.append(line.rstrip("\n").split(" ", 2)[2] if line.count(" ") >= 2 else "")
    snapshots.append((-1, list(live)))

    names: dict[int, str] = {}

    def site(trace: int) -> str:
        if trace not in names:
            found, node = [], trace
            while node and len(found) < 2:
                ip, parent = traces[node]
                function = strings[ips[ip]] if ip < len(ips) and ips[ip] < len(strings) else ""
                if OURS.search(function):
                    found.append(function[:110])
                node = parent
            names[trace] = " <- ".join(found) or "(outside our modules)"
        return names[trace]

    totals = []
    for _, counts in snapshots:
        bytes_by_site: collections.Counter[str] = collections.Counter()
        for index, count in enumerate(counts):
            if count:
                size, trace = allocations[index]
                bytes_by_site[site(trace)] += count * size
        totals.append(bytes_by_site)
    labels = [f"{at / 1000:.0f}s" for at, _ in snapshots[:-1]] + ["end"]
    print("KiB at " + " ".join(f"{label:>8}" for label in labels) + "   growth  site")
    print("total  " + " ".join(f"{sum(t.values()) / 1024:8.0f}" for t in totals))
    first, last = totals[0], totals[-2]
    sites = set().union(*totals)
    for title, order in (("grew most", lambda s: first[s] - last[s]), ("largest", lambda s: -last[s])):
        print(f"-- {title} (from {labels[0]} to {labels[-2]})")
        for name in sorted(sites, key=order)[:25]:
            print("       " + " ".join(f"{t[name] / 1024:8.0f}" for t in totals) + f" {(last[name] - first[name]) / 1024:+8.0f}  {name}")


if __name__ == "__main__":
    main()
