"""Goals: set from the dashboard (`goal.set` over the page's own connection) or the CLI,
stored, progress on `stats:me`, a `goal` push to the user's editors and dashboards when it
is reached — once per period, also across a restart — and the streak of days meeting it
computed from the store."""
import pytest

from cdp import Browser
from conftest import admin
from dashboard_fixture import FIXTURE_ENV, seed_day
from flowv1 import V1Client, flow_window, new_session, now_ms, seeded, subscribe, utc_day_safe, wait_for
from test_dashboard import chromium


def stats_with(client, predicate, timeout=10):
    return client.expect(lambda m: m["type"] == "event" and m["channel"] == "stats:me" and predicate(m["data"]),
                         timeout=timeout)["data"]


def flush(client):
    """Everything the server sent before its answer to a ping has arrived."""
    client.request({"type": "ping"}, "pong")


def test_a_goal_set_from_the_dashboard_is_pushed_once_when_reached(v1_factory):
    world = v1_factory(env=FIXTURE_ENV)
    binary = chromium()
    utc_day_safe(900)
    browser = Browser(binary)
    try:
        browser.goto(f"http://127.0.0.1:{world.port}/#token={world.token('alice', 'read')}")
        browser.wait_for("document.getElementById('status').dataset.state === 'live'")
        # Set from the page: 3 minutes of active time per day.
        browser.evaluate("document.getElementById('goal-period').value = 'day';"
                         "document.getElementById('goal-metric').value = 'active';"
                         "document.getElementById('goal-minutes').value = '3';"
                         "document.getElementById('goal-form').requestSubmit(); true")
        browser.wait_for("document.getElementById('goal-reached').textContent === 'Goal saved.'")
        # Stored by the writer shortly after the ack.
        wait_for(lambda: "3 minutes of active time per day" in admin(world.database, "goal", "show", "alice"),
                 timeout=10, what="the goal stored")

        rng = seeded(3)
        session = new_session()
        start = now_ms() - 10 * 60_000
        with V1Client.authed(world, world.token("alice")) as editor:
            editor.start(session, start, project="goals")
            for seq in range(1, 3):   # 2 minutes: not yet
                editor.activity(flow_window(rng, session, seq, start + seq * 60_000, window_ms=60_000))
            flush(editor)
            assert not editor.seen("goal")
            browser.wait_for("(document.getElementById('goal-summary') || {}).textContent"
                             " && document.getElementById('goal-summary').textContent.startsWith('2 min of 3 min active time today')")
            editor.activity(flow_window(rng, session, 3, start + 3 * 60_000, window_ms=60_000))
            push = editor.expect("goal", timeout=5)
            assert push["period"] == "day" and push["metric"] == "active" and push["target_ms"] == 180_000
            assert push["progress_ms"] >= 180_000 and push["key"] == push["key"][:10]
            # The dashboard got the same push.
            browser.wait_for("document.getElementById('goal-reached').textContent.startsWith('Goal reached')")
            # Once per period: more activity, no second push.
            editor.activity(flow_window(rng, session, 4, start + 4 * 60_000, window_ms=60_000))
            flush(editor)
            assert len(editor.seen("goal")) == 1
            editor.expect("durable", timeout=10)
        browser.close()
        browser = None

        # After a restart the period's push is not repeated.
        world.restart()
        with V1Client.authed(world, world.token("alice")) as editor:
            session2 = new_session()
            begin = now_ms() - 2 * 60_000
            editor.start(session2, begin, project="goals")
            editor.activity(flow_window(rng, session2, 1, begin + 60_000, window_ms=60_000))
            subscribe(editor, "stats:me")
            data = stats_with(editor, lambda d: d.get("goal") and d["goal"]["progress_ms"] >= 240_000)
            assert data["goal"]["reached"] is True and data["goal"]["target_ms"] == 180_000
            flush(editor)
            assert editor.seen("goal") == []
    finally:
        if browser:
            browser.close()


def test_a_cli_goal_counts_the_streak_from_stored_days(v1_factory):
    world = v1_factory(env=FIXTURE_ENV)
    # 20 flow minutes on each of the last three days, 5 on the day before.
    rng = seeded(4)
    with V1Client.authed(world, world.token("bob")) as editor:
        seed_day(editor, rng, 4, 5, storm_windows=0)
        for back in (3, 2, 1):
            seed_day(editor, rng, back, 22, storm_windows=0)
    out = admin(world.database, "goal", "set", "bob", "--period", "day", "--metric", "flow", "--minutes", "10")
    assert "10 minutes of flow time per day" in out
    # A server reads a user's goal when it loads the user: a fresh process has no state.
    world.restart()
    with V1Client.authed(world, world.token("bob", "read")) as reader:
        subscribe(reader, "stats:me")
        data = stats_with(reader, lambda d: "streak_days" in d)
        assert data["streak_days"] == 3, data
        assert data["goal"] == {"period": "day", "metric": "flow", "target_ms": 600_000, "key": data["goal"]["key"],
                                "progress_ms": 0, "reached": False}
    # A goal of 30 flow minutes: no stored day met it.
    admin(world.database, "goal", "set", "bob", "--period", "day", "--metric", "flow", "--minutes", "30")
    world.restart()
    with V1Client.authed(world, world.token("bob", "read")) as reader:
        subscribe(reader, "stats:me")
        assert stats_with(reader, lambda d: "streak_days" in d)["streak_days"] == 0
    with pytest.raises(RuntimeError):
        admin(world.database, "goal", "set", "bob", "--metric", "joy", "--minutes", "10")


def test_a_cli_goal_reaches_a_running_server(v1_factory):
    """`flowcoach goal set` writes the store from another process: the server's store poll
    (`auth.revocation_check_ms`) brings it to the user's open connections within a bounded
    time, with fresh progress on `stats:me` and the `goal` push when it is already reached —
    once, however often the poll reports the change."""
    world = v1_factory(env=dict(FIXTURE_ENV, FLOWCOACH_AUTH_REVOCATION_CHECK_MS="500"))
    utc_day_safe(600)
    rng = seeded(5)
    session = new_session()
    start = now_ms() - 5 * 60_000
    with V1Client.authed(world, world.token("carol", "read")) as dashboard, \
            V1Client.authed(world, world.token("carol")) as editor:
        subscribe(dashboard, "stats:me")
        stats_with(dashboard, lambda d: d.get("goal") is None)
        editor.start(session, start, project="cli-goal")
        for seq in range(1, 3):
            editor.activity(flow_window(rng, session, seq, start + seq * 60_000, window_ms=60_000))
        flush(editor)
        out = admin(world.database, "goal", "set", "carol", "--period", "day", "--metric", "active", "--minutes", "1")
        assert "1 minutes of active time per day" in out, out
        # The poll runs every 0.5 s; allow for a slow machine.
        data = stats_with(dashboard, lambda d: d.get("goal") is not None, timeout=10)
        assert data["goal"]["target_ms"] == 60_000 and data["goal"]["progress_ms"] >= 120_000 and data["goal"]["reached"]
        push = editor.expect("goal", timeout=10)
        assert push["target_ms"] == 60_000 and push["metric"] == "active"
        dashboard.expect("goal", timeout=10)
        # More activity (the shard looks again) and more polls: no second push.
        editor.activity(flow_window(rng, session, 3, start + 3 * 60_000, window_ms=60_000))
        flush(editor)
        assert len(editor.seen("goal")) == 1


def test_a_weekly_goal_counts_a_streak_of_weeks_from_stored_days(v1_factory):
    """A weekly goal set with the CLI while the server runs: `stats:me` shows the streak of
    complete ISO weeks that met it, read from the store (20 minutes in each of the last two
    weeks, 5 in the week before, which breaks it)."""
    world = v1_factory(env=dict(FIXTURE_ENV, FLOWCOACH_AUTH_REVOCATION_CHECK_MS="500"))
    rng = seeded(6)
    with V1Client.authed(world, world.token("bob")) as editor:
        seed_day(editor, rng, 21, 5, storm_windows=0)
        for back in (14, 7):   # the same weekday one and two weeks back: the two weeks before this one
            seed_day(editor, rng, back, 20, storm_windows=0)
    with V1Client.authed(world, world.token("bob", "read")) as reader:
        subscribe(reader, "stats:me")
        assert stats_with(reader, lambda d: "streak_weeks" in d)["streak_weeks"] == 0
        admin(world.database, "goal", "set", "bob", "--period", "week", "--metric", "active", "--minutes", "10")
        data = stats_with(reader, lambda d: d.get("goal") is not None and d["streak_weeks"] > 0, timeout=10)
        assert data["streak_weeks"] == 2, data
    # The same from a fresh process (the token check reads it).
    world.restart()
    with V1Client.authed(world, world.token("bob", "read")) as reader:
        subscribe(reader, "stats:me")
        assert stats_with(reader, lambda d: "streak_weeks" in d)["streak_weeks"] == 2
