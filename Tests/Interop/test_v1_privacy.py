"""Protocol v1 — privacy (PROTOCOL.md `privacy.set`, "Channels"): a user who opts out of
leaderboards is invisible to everyone else, still sees their own rank, and the setting is
stored and survives a restart."""
import time

from flowv1 import (V1Client, is_board, is_own, new_session, query, row_of, send_active, subscribe,
                    utc_day_safe, wait_for)

DAY_CODING = "leaderboard:day:coding_time"


def names(board):
    return [row["name"] for row in board["data"]["top"]]


def work(world, user, seconds):
    with V1Client.authed(world, world.token(user)) as client:
        windows = send_active(client, new_session(), seconds)
        client.expect("durable", seq=len(windows), timeout=5)


def test_opted_out_user_is_invisible_to_others_but_sees_own_rank(v1):
    utc_day_safe(60)
    work(v1, "alice", 60)
    work(v1, "carol", 30)
    time.sleep(1.2)
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher, \
            V1Client.authed(v1, v1.token("alice")) as alice:
        subscribe(watcher, DAY_CODING)
        before = watcher.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
        assert names(before) == ["alice", "carol"]

        ack = alice.request({"type": "privacy.set", "leaderboard_visible": False}, "ack")
        assert ack["type"] == "ack", ack

        # The watcher's board loses alice within a publish interval or two.
        after = watcher.expect(lambda m: is_board(m, DAY_CODING) and "alice" not in names(m), timeout=4)
        assert after["data"]["top"] == [{"rank": 1, "name": "carol", "value_ms": 30_000}]

        # A fresh subscriber never sees her.
        with V1Client.authed(v1, v1.token("carol", "read")) as other:
            subscribe(other, DAY_CODING)
            snapshot = other.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
            assert names(snapshot) == ["carol"]

        # She still sees where she stands: rank 1 among the visible (60 s > carol's 30 s).
        subscribe(alice, DAY_CODING)
        # One snapshot event: the shared board (without her) and her own place.
        snapshot = alice.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
        assert "alice" not in names(snapshot)
        assert snapshot["data"]["own"] == {"rank": 1, "value_ms": 60_000, "visible": False}


def test_opting_out_is_stored_and_survives_a_restart(v1):
    utc_day_safe(60)
    work(v1, "alice", 20)
    with V1Client.authed(v1, v1.token("alice")) as alice:
        ack = alice.request({"type": "privacy.set", "leaderboard_visible": False,
                             "share_project_names": False}, "ack")
        assert ack["type"] == "ack", ack
    # `ack` means applied (live boards at once); the store write is asynchronous.
    rows = wait_for(lambda: query(v1.database, "SELECT p.leaderboard_visible, p.share_project_names "
                                               "FROM privacy_settings p JOIN users u ON u.id = p.user_id "
                                               "WHERE u.name = 'alice'"), what="stored privacy settings")
    assert rows == [(0, 0)]
    v1.restart()
    with V1Client.authed(v1, v1.token("bob", "read")) as watcher:
        subscribe(watcher, DAY_CODING)
        board = watcher.expect(lambda m: is_board(m, DAY_CODING), timeout=2)
    assert "alice" not in names(board)


def test_opting_back_in_makes_the_user_visible_again(v1):
    utc_day_safe(60)
    work(v1, "alice", 20)
    with V1Client.authed(v1, v1.token("alice")) as alice, \
            V1Client.authed(v1, v1.token("bob", "read")) as watcher:
        alice.request({"type": "privacy.set", "leaderboard_visible": False}, "ack")
        time.sleep(1.2)
        subscribe(watcher, DAY_CODING)
        assert "alice" not in names(watcher.expect(lambda m: is_board(m, DAY_CODING), timeout=2))
        alice.request({"type": "privacy.set", "leaderboard_visible": True}, "ack")
        back = watcher.expect(lambda m: is_board(m, DAY_CODING) and "alice" in names(m), timeout=4)
    assert row_of(back, "alice") == {"rank": 1, "name": "alice", "value_ms": 20_000}


def test_privacy_set_with_only_share_project_names_is_acknowledged(v1):
    with V1Client.authed(v1, v1.token("carol")) as client:
        ack = client.request({"type": "privacy.set", "share_project_names": True}, "ack")
        assert ack["type"] == "ack", ack


def test_privacy_set_without_a_flag_is_invalid_field(v1):
    with V1Client.authed(v1, v1.token("carol")) as client:
        answer = client.request({"type": "privacy.set"}, "ack")
        assert answer["type"] == "error" and answer["code"] == "invalid_field", answer
        assert "leaderboard_visible" in answer["message"]
        assert client.ping_ok()


def test_opted_out_activity_still_counts_for_the_user(v1):
    """Opting out hides, it does not stop counting: the own rank's value keeps growing."""
    utc_day_safe(60)
    with V1Client.authed(v1, v1.token("alice")) as alice:
        alice.request({"type": "privacy.set", "leaderboard_visible": False}, "ack")
        windows = send_active(alice, new_session(), 25)
        alice.expect("durable", seq=len(windows), timeout=5)
        time.sleep(1.2)
        subscribe(alice, DAY_CODING)
        own = alice.expect(lambda m: is_own(m, DAY_CODING), timeout=3)
    assert own["data"]["own"] == {"rank": 1, "value_ms": 25_000, "visible": False}
