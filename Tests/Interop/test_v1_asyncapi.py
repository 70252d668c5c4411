"""docs/asyncapi.yaml agrees with the server: every message the server sends during a
session that touches every message type validates against the document's schema for
that message, and the document's own examples validate too.

Needs PyYAML and jsonschema in the test environment (scripts/test.sh installs them)."""
import json
from pathlib import Path

import pytest

from flowv1 import (V1Client, flow_window, new_session, now_ms, seeded, send_active, small_window,
                    subscribe)

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"


@pytest.fixture(scope="module")
def spec():
    document = yaml.safe_load(DOCUMENT.read_text())
    schemas = document["components"]["schemas"]

    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(schemas[node["$ref"].rsplit("/", 1)[1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    messages = {name: resolve(m["payload"]) for name, m in document["components"]["messages"].items()}
    return document, messages


def schema_for(message, messages):
    """The document's message schema for one server message (events by payload shape)."""
    kind = message["type"]
    if kind == "event":
        channel, data = message["channel"], message["data"]
        if channel == "stats:me":
            return "StatsEvent"
        if channel.startswith("team:"):
            return "TeamEvent"
        return "LeaderboardEvent"
    names = {"welcome": "Welcome", "session.started": "SessionStarted", "flow": "Flow",
             "durable": "Durable", "break": "Break", "goal": "Goal", "session.summary": "SessionSummary",
             "subscribed": "Subscribed", "unsubscribed": "Unsubscribed", "ack": "Ack",
             "pong": "Pong", "error": "Error"}
    assert kind in names, f"the server sent a message type the document does not describe: {kind}"
    return names[kind]


def test_document_examples_validate(spec):
    document, messages = spec
    count = 0
    for name, message in document["components"]["messages"].items():
        for example in message.get("examples", []):
            jsonschema.validate(example["payload"], messages[name])
            count += 1
    assert count >= 20


def test_every_server_message_matches_the_document(v1_factory, spec):
    _, messages = spec
    world = v1_factory(users=("alice", "bob"), teams={"core": [("alice", True), ("bob", True)]})
    rng = seeded(3)
    seen = []
    with V1Client.authed(world, world.token("alice")) as editor, \
            V1Client.open(world) as dashboard:
        dashboard.send({"type": "hello", "id": "h", "token": world.token("bob", "read")})
        dashboard.expect("welcome")
        for channel in ("stats:me", "leaderboard:day:coding_time", "leaderboard:week:flow_time",
                        f"team:{world.team_ids['core']}"):
            subscribe(dashboard, channel)
        session = new_session()
        start = now_ms() - 12 * 25_000
        editor.start(session, start)
        for seq in range(1, 13):
            editor.activity(flow_window(rng, session, seq, start + seq * 25_000))
        editor.activity(flow_window(rng, session, 12, start + 12 * 25_000))  # a duplicate
        editor.expect("durable", seq=12, timeout=5)
        subscribe(editor, "leaderboard:day:coding_time")  # own rank
        editor.request({"type": "privacy.set", "share_project_names": True}, "ack")
        # A goal already reached: acknowledged, then pushed to alice's connection.
        editor.request({"type": "goal.set", "period": "day", "metric": "active", "target_ms": 60_000}, "ack")
        editor.expect("goal")
        editor.request({"type": "ping"}, "pong")
        editor.send("{bad")
        editor.expect("error")
        editor.end(session, 12, start + 12 * 25_000 + 1_000)
        dashboard.request({"type": "unsubscribe", "channel": "leaderboard:week:flow_time"}, "unsubscribed")
        other = new_session()
        send_active(editor, other, 20)
        dashboard.drain(2.0)
        editor.drain(0.5)
        seen = [m for _, m in editor.log] + [m for _, m in dashboard.log]

    kinds = set()
    for message in seen:
        name = schema_for(message, messages)
        kinds.add(name)
        try:
            jsonschema.validate(message, messages[name])
        except jsonschema.ValidationError as error:
            raise AssertionError(f"{name} does not match docs/asyncapi.yaml: {error.message}\n"
                                 f"{json.dumps(message)[:600]}") from None
    expected = {"Welcome", "SessionStarted", "Flow", "Durable", "SessionSummary", "Subscribed",
                "Unsubscribed", "LeaderboardEvent", "TeamEvent", "StatsEvent",
                "Ack", "Pong", "Error", "Goal"}
    assert expected <= kinds, f"not exercised: {expected - kinds}"
