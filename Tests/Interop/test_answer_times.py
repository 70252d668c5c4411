"""The server's own answer times on `/metrics` (docs/OPERATIONS.md, "Probes and metrics"):
`flowcoach_activity_answer_seconds` counts every `activity` answered with a `flow`, timed
from the loop's wake-up (`since="wake"`) and from its read (`since="read"`) to the write."""
import re
import urllib.request

from flowv1 import V1Client, new_session, now_ms, small_window, wait_for

METRIC = "flowcoach_activity_answer_seconds"


def answer_times(port):
    """{since: (cumulative buckets [(le, count)], count, sum in seconds)} as scraped now."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    series = {}
    for since in ("wake", "read"):
        buckets = [(le, int(count)) for le, count in
                   re.findall(rf'^{METRIC}_bucket{{since="{since}",le="([^"]+)"}} (\d+)$', text, re.M)]
        count = re.search(rf'^{METRIC}_count{{since="{since}"}} (\d+)$', text, re.M)
        total = re.search(rf'^{METRIC}_sum{{since="{since}"}} ([0-9.]+)$', text, re.M)
        assert buckets and count and total, f"no {METRIC}{{since={since}}} on /metrics"
        series[since] = (buckets, int(count.group(1)), float(total.group(1)))
    return series


def test_an_activity_round_trip_is_counted_in_the_answer_times(v1):
    before = answer_times(v1.port)
    session = new_session()
    start = now_ms() - 60_000
    with V1Client.authed(v1, v1.token("alice")) as client:
        client.start(session, start)
        client.activity(small_window(session, 1, start + 5_000))
        # A replayed seq is answered again (a `flow` marked duplicate): it is counted too.
        duplicate = client.activity(small_window(session, 1, start + 5_000))
        assert duplicate.get("duplicate") is True, duplicate

    def counted():
        now = answer_times(v1.port)
        done = all(now[since][1] - before[since][1] >= 2 for since in ("wake", "read"))
        return now if done else None

    # Recorded after the write that carried the answer: the client can read it first.
    after = wait_for(counted, what="both answers in the histogram")
    for since in ("wake", "read"):
        buckets, count, total = after[since]
        assert count - before[since][1] == 2, (since, count, before[since][1])
        assert total > before[since][2], since
        counts = [value for _, value in buckets]
        assert counts == sorted(counts), buckets  # cumulative
        assert buckets[-1] == ("+Inf", count), buckets
        assert buckets[0][0] == "0.00005" and buckets[-2][0] == "1", buckets
    # From the read is never longer than from the wake-up that preceded it.
    assert after["read"][2] - before["read"][2] <= after["wake"][2] - before["wake"][2] + 1e-9
