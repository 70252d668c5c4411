"""A fixture generator for the dashboard: weeks of sessions written through the protocol
(backdated `at_ms`, which the server accepts back to 2020), so the store, the daily
aggregates and the flow periods are exactly what real editors would have produced.

`seed_history(world, user, days)` writes one session per past day (project and language
alternating, a flow stretch then a burst of context switches) and returns what it sent per
UTC day; the caller compares the dashboard's text alternatives with the server's answers
for the same days. Run as a script to seed a store for a manual look:

    python Tests/Interop/dashboard_fixture.py PORT INGEST_TOKEN [DAYS]
"""
import datetime
import sys

from flowv1 import V1Client, flow_window, new_session, seeded, storm_window

WINDOW_MS = 60_000
# A server seeded this fast needs a larger per-connection rate limit than an editor does.
FIXTURE_ENV = {"FLOWCOACH_LIMITS_MESSAGES_PER_SECOND": "100000", "FLOWCOACH_LIMITS_MESSAGE_BURST": "100000"}
PROJECTS = ("atlas", "beacon", "comet")
LANGUAGES = ("swift", "python")


def utc_midnight_ms(days_back):
    today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((today - datetime.timedelta(days=days_back)).timestamp() * 1000)


def day_label(days_back):
    return (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=days_back)).isoformat()


def seed_day(editor, rng, days_back, flow_windows, storm_windows=2, start=None):
    """One ended session on the UTC day `days_back` days ago (from `start` when given, else
    between 08:00 and 12:00); returns (session, windows sent)."""
    index = days_back % len(PROJECTS)
    if start is None:
        start = utc_midnight_ms(days_back) + (8 + days_back % 5) * 3_600_000
    session = new_session()
    editor.start(session, start, project=PROJECTS[index], language=LANGUAGES[days_back % 2])
    seq = 0
    for _ in range(flow_windows):
        seq += 1
        editor.activity(flow_window(rng, session, seq, start + seq * WINDOW_MS, window_ms=WINDOW_MS,
                                    language=LANGUAGES[days_back % 2]))
    for _ in range(storm_windows):
        seq += 1
        editor.activity(storm_window(rng, session, seq, start + seq * WINDOW_MS, window_ms=WINDOW_MS))
    editor.end(session, seq, start + (seq + 1) * WINDOW_MS)
    # Stored before the next step reads the store.
    editor.expect(lambda m: m["type"] == "durable" and m["session"] == session and m["seq"] >= seq, timeout=15)
    return session, seq


def seed_history(world, user, days=14, first_back=1, seed=7):
    """Sessions on the `days` UTC days from `first_back` days ago backwards (day d gets
    30 + 8·(d mod 7) flow windows of a minute, so some days reach the 1 h goal); returns
    {day label: windows sent}."""
    rng = seeded(seed)
    sent = {}
    with V1Client.authed(world, world.token(user)) as editor:
        for back in range(first_back, first_back + days):
            _, windows = seed_day(editor, rng, back, 30 + 8 * (back % 7))
            sent[day_label(back)] = windows
    return sent


if __name__ == "__main__":
    class _Server:
        def __init__(self, port, token):
            self.port, self.url, self._token = int(port), f"ws://127.0.0.1:{port}", token

        def token(self, _user):
            return self._token

        def client_ssl(self):
            return None

    server = _Server(sys.argv[1], sys.argv[2])
    print(seed_history(server, "me", days=int(sys.argv[3]) if len(sys.argv) > 3 else 14))
