"""Protocol v1 — channels and leaderboards (PROTOCOL.md "Channels"): snapshot on
subscribe, live events at most once a second and only on change, own rank, per-language
boards, stats:me, team channels and their permissions, unsubscribe, subscription limits.

Payload shapes beyond PROTOCOL.md follow what the server documents (docs/PROTOCOL.md):
a board event's `data` is `{"period", "top": [{rank, name, value_ms}]}` shared by all
subscribers, with the subscriber's `"own": {"rank", "value_ms", "visible"}` in the same
event when it changed (one event per publication)."""
import datetime
import re
import time

import pytest

from flowv1 import (V1Client, flow_window, is_board, is_own, new_session, now_ms, row_of, seeded,
                    send_active, small_window, subscribe, utc_day_safe)

DAY_CODING = "leaderboard:day:coding_time"
DAY_FLOW = "leaderboard:day:flow_time"


def test_subscribe_sends_the_snapshot_at_once(v1):
    utc_day_safe(60)
    with V1Client.authed(v1, v1.token("bob", "read")) as client:
        subscribe(client, DAY_CODING)
        snapshot = client.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", snapshot["data"]["period"]), snapshot
    assert snapshot["data"]["period"] == datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    assert snapshot["data"]["top"] == []  # nobody has worked today on a fresh store


def test_activity_appears_on_the_board_as_a_live_event(v1):
    utc_day_safe(60)
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher, \
            V1Client.authed(v1, v1.token("alice")) as alice:
        subscribe(watcher, DAY_CODING)
        watcher.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
        windows = send_active(alice, new_session(), 60)
        alice.expect("durable", seq=len(windows), timeout=5)
        board = watcher.expect(lambda m: is_board(m, DAY_CODING) and row_of(m, "alice"), timeout=5)
    assert row_of(board, "alice") == {"rank": 1, "name": "alice", "value_ms": 60_000}
    assert [row["rank"] for row in board["data"]["top"]] == list(range(1, len(board["data"]["top"]) + 1))


def test_board_orders_users_and_the_snapshot_reflects_the_store(v1):
    utc_day_safe(60)
    with V1Client.authed(v1, v1.token("alice")) as alice, V1Client.authed(v1, v1.token("carol")) as carol:
        a = send_active(alice, new_session(), 30)
        c = send_active(carol, new_session(), 60)
        alice.expect("durable", seq=len(a), timeout=5)
        carol.expect("durable", seq=len(c), timeout=5)
    time.sleep(1.2)  # one publish interval
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher:
        subscribe(watcher, DAY_CODING)
        board = watcher.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
    assert board["data"]["top"] == [
        {"rank": 1, "name": "carol", "value_ms": 60_000},
        {"rank": 2, "name": "alice", "value_ms": 30_000},
    ]


def test_leaderboard_is_rebuilt_from_the_store_at_start_up(v1):
    utc_day_safe(60)
    with V1Client.authed(v1, v1.token("alice")) as alice:
        windows = send_active(alice, new_session(), 40)
        alice.expect("durable", seq=len(windows), timeout=5)
    v1.restart()
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher:
        subscribe(watcher, DAY_CODING)
        board = watcher.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
    assert row_of(board, "alice") == {"rank": 1, "name": "alice", "value_ms": 40_000}


def test_live_events_come_at_most_once_a_second_and_only_on_change(v1):
    utc_day_safe(120)
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher, \
            V1Client.authed(v1, v1.token("alice")) as alice:
        subscribe(watcher, DAY_CODING)
        watcher.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
        session = new_session()
        start = now_ms() - 100_000
        alice.start(session, start)
        # 20 windows over ~4 s of wall time: the board changes far more often than 1/s.
        for seq in range(1, 21):
            alice.activity(small_window(session, seq, start + seq * 5_000))
            watcher.drain(0.2)  # keep reading, so arrival times are measured, not queued
        alice.expect("durable", seq=20, timeout=5)
        watcher.drain(2.5)
        times = [t for t, m in watcher.log if is_board(m, DAY_CODING)]
        boards = [m for _, m in watcher.log if is_board(m, DAY_CODING)]
        # Quiet now: nothing changes, so no more events.
        quiet = [m for m in watcher.drain(2.5) if is_board(m, DAY_CODING)]
    assert len(boards) >= 3, f"expected several live events over ~4 s, got {len(boards)}"
    gaps = [b - a for a, b in zip(times[1:], times[2:])]  # skip the snapshot
    assert all(gap >= 0.9 for gap in gaps), gaps
    assert row_of(boards[-1], "alice")["value_ms"] == 100_000
    assert quiet == []
    # Each event differs from the one before (only sent when changed).
    datas = [b["data"] for b in boards[1:]]
    assert all(x != y for x, y in zip(datas, datas[1:]))


def test_subscriber_gets_its_own_rank(v1):
    utc_day_safe(60)
    with V1Client.authed(v1, v1.token("alice")) as alice, V1Client.authed(v1, v1.token("carol")) as carol:
        c = send_active(carol, new_session(), 60)
        carol.expect("durable", seq=len(c), timeout=5)
        a = send_active(alice, new_session(), 20)
        alice.expect("durable", seq=len(a), timeout=5)
        time.sleep(1.2)
        subscribe(alice, DAY_CODING)
        own = alice.expect(lambda m: is_own(m, DAY_CODING), timeout=3)
    assert own["data"]["own"] == {"rank": 2, "value_ms": 20_000, "visible": True}


def test_flow_time_board_counts_flow_time(v1):
    utc_day_safe(400)
    rng = seeded(11)
    session = new_session()
    start = now_ms() - 12 * 25_000
    with V1Client.authed(v1, v1.token("carol")) as carol, \
            V1Client.authed(v1, v1.token("bob", "read")) as watcher:
        subscribe(watcher, DAY_FLOW)
        watcher.expect(lambda m: is_board(m, DAY_FLOW), timeout=2)
        carol.start(session, start)
        last = None
        for seq in range(1, 13):
            last = carol.activity(flow_window(rng, session, seq, start + seq * 25_000))
        assert last["state"] == "flow" and last["session_flow_ms"] > 0, last
        carol.expect("durable", seq=12, timeout=5)
        board = watcher.expect(lambda m: is_board(m, DAY_FLOW) and row_of(m, "carol"), timeout=5)
    assert row_of(board, "carol") == {"rank": 1, "name": "carol", "value_ms": last["session_flow_ms"]}


def test_language_board_only_counts_that_language(v1):
    utc_day_safe(60)
    channel = "leaderboard:day:coding_time:lang:rust"
    with V1Client.authed(v1, v1.token("alice")) as alice, V1Client.authed(v1, v1.token("carol")) as carol, \
            V1Client.authed(v1, v1.token("bob", "read")) as watcher:
        subscribe(watcher, channel)
        assert watcher.expect(lambda m: is_board(m, channel), timeout=2)["data"]["top"] == []
        a = send_active(alice, new_session(), 30, language="rust")
        c = send_active(carol, new_session(), 60, language="python")
        alice.expect("durable", seq=len(a), timeout=5)
        carol.expect("durable", seq=len(c), timeout=5)
        board = watcher.expect(lambda m: is_board(m, channel) and row_of(m, "alice"), timeout=5)
        watcher.drain(1.5)
    latest = [m for _, m in watcher.log if is_board(m, channel)][-1]
    assert latest["data"]["top"] == [{"rank": 1, "name": "alice", "value_ms": 30_000}]
    assert board["data"]["top"][0]["name"] == "alice"


def test_language_channel_name_is_case_insensitive(v1):
    """The server keeps languages lowercase: `lang:Rust` is accepted (it is the `lang:rust`
    board)."""
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher:
        answer = watcher.request({"type": "subscribe", "channel": "leaderboard:week:flow_time:lang:Rust"},
                                 "subscribed")
        assert answer["type"] == "subscribed", answer


@pytest.mark.parametrize("period", ["day", "week", "month"])
@pytest.mark.parametrize("metric", ["coding_time", "flow_time"])
def test_every_period_and_metric_is_a_channel(v1, period, metric):
    channel = f"leaderboard:{period}:{metric}"
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher:
        subscribe(watcher, channel)
        snapshot = watcher.expect(lambda m: is_board(m, channel), timeout=2)
    patterns = {"day": r"\d{4}-\d{2}-\d{2}", "week": r"\d{4}-W\d{2}", "month": r"\d{4}-\d{2}"}
    assert re.fullmatch(patterns[period], snapshot["data"]["period"]), snapshot


def test_unsubscribe_stops_events(v1):
    utc_day_safe(60)
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher, \
            V1Client.authed(v1, v1.token("alice")) as alice:
        subscribe(watcher, DAY_CODING)
        watcher.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
        answer = watcher.request({"type": "unsubscribe", "channel": DAY_CODING}, "unsubscribed")
        assert answer["type"] == "unsubscribed" and answer["channel"] == DAY_CODING, answer
        windows = send_active(alice, new_session(), 30)
        alice.expect("durable", seq=len(windows), timeout=5)
        later = watcher.drain(2.0)
    assert [m for m in later if m["type"] == "event"] == []


def test_stats_me_sends_a_snapshot_and_live_updates(v1):
    """PROTOCOL.md: live personal stats (today's and this week's active, flow and coding
    time, streak, live session states). Reading: the snapshot is an object; after activity
    a newer event differs from it."""
    utc_day_safe(60)
    with V1Client.authed(v1, v1.token("alice", "read")) as dashboard, \
            V1Client.authed(v1, v1.token("alice")) as editor:
        subscribe(dashboard, "stats:me")
        first = dashboard.expect(lambda m: m["type"] == "event" and m["channel"] == "stats:me", timeout=2)
        assert isinstance(first["data"], dict)
        windows = send_active(editor, new_session(), 30)
        editor.expect("durable", seq=len(windows), timeout=5)
        update = dashboard.expect(lambda m: m["type"] == "event" and m["channel"] == "stats:me", timeout=5)
    assert isinstance(update["data"], dict) and update["data"] != first["data"]


def test_stats_me_is_only_the_subscribers_own(v1):
    """Reading: there is no way to name another user's stats: `stats:<anything but me>` is
    an unknown channel (`invalid_field` naming `channel`)."""
    with V1Client.authed(v1, v1.token("bob", "read")) as client:
        answer = client.request({"type": "subscribe", "channel": "stats:alice"}, "subscribed")
        assert answer["type"] == "error" and answer["code"] == "invalid_field", answer
        assert "channel" in answer["message"]


def test_team_channel_needs_membership(v1_factory):
    world = v1_factory(users=("alice", "bob", "carol"),
                       teams={"core": [("alice", True), ("carol", False)]})
    channel = f"team:{world.team_ids['core']}"
    with V1Client.authed(world, world.token("bob", "read")) as outsider:
        answer = outsider.request({"type": "subscribe", "channel": channel}, "subscribed")
        assert answer["type"] == "error" and answer["code"] == "forbidden", answer
        assert outsider.ping_ok()
    with V1Client.authed(world, world.token("carol", "read")) as member:
        subscribe(member, channel)


def test_unknown_team_is_forbidden_not_revealed(v1):
    """Reading: a well-formed team id the user does not belong to is `forbidden` whether
    or not the team exists (no probing for team ids)."""
    with V1Client.authed(v1, v1.token("bob", "read")) as client:
        answer = client.request({"type": "subscribe", "channel": "team:00000000-0000-4000-8000-000000000000"},
                                "subscribed")
        assert answer["type"] == "error" and answer["code"] == "forbidden", answer


def test_team_channel_shows_only_consenting_members(v1_factory):
    utc_day_safe(60)
    world = v1_factory(users=("alice", "bob", "carol"),
                       teams={"core": [("alice", True), ("carol", False)]})
    channel = f"team:{world.team_ids['core']}"

    def team_event(m):
        return m["type"] == "event" and m["channel"] == channel and "periods" in m["data"]

    with V1Client.authed(world, world.token("alice")) as alice, V1Client.authed(world, world.token("carol")) as carol, \
            V1Client.authed(world, world.token("carol", "read")) as member:
        subscribe(member, channel)
        snapshot = member.expect(team_event, timeout=2)
        assert set(snapshot["data"]["periods"]) == {"day", "week", "month"}
        a = send_active(alice, new_session(), 30)
        c = send_active(carol, new_session(), 60)
        alice.expect("durable", seq=len(a), timeout=5)
        carol.expect("durable", seq=len(c), timeout=5)
        member.expect(lambda m: team_event(m) and m["data"]["day"]["coding_time"], timeout=5)
        member.drain(1.5)
    latest = [m for _, m in member.log if team_event(m)][-1]
    assert latest["data"]["day"]["coding_time"] == [{"rank": 1, "name": "alice", "value_ms": 30_000}]
    names = {row["name"] for period in ("day", "week", "month")
             for metric in ("coding_time", "flow_time") for row in latest["data"][period][metric]}
    assert "carol" not in names


def test_subscriptions_beyond_the_limit_are_too_large(v1_factory):
    world = v1_factory(users=("bob",), env={"FLOWCOACH_LIMITS_SUBSCRIPTIONS_PER_CONNECTION": "3"})
    with V1Client.authed(world, world.token("bob", "read")) as client:
        for channel in ("leaderboard:day:coding_time", "leaderboard:week:coding_time", "stats:me"):
            subscribe(client, channel)
        answer = client.request({"type": "subscribe", "channel": "leaderboard:month:flow_time"}, "subscribed")
        assert answer["type"] == "error" and answer["code"] == "too_large", answer
        assert "3" in answer["message"]
        client.request({"type": "unsubscribe", "channel": "stats:me"}, "unsubscribed")
        subscribe(client, "leaderboard:month:flow_time")
