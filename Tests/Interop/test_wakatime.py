"""The WakaTime-compatible API driven by independent clients: the real Python WakaTime
command-line client (wakatime==13.1.0, run through wakatime_cli.py as a plugin runs it,
offline queue included) and raw requests in the Go client's documented shapes. Totals are
checked over the HTTP API and on `stats:me`."""

import base64
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import admin, start_v1_server, V1_ENV  # noqa: F401
from flowv1 import V1Client, subscribe, wait_for, send_active, new_session, session_row

CLI = str(Path(__file__).with_name("wakatime_cli.py"))
GO_AGENT = "wakatime/v1.90.0 (linux-6.1.0-x86_64) go1.21.5 vscode/1.85.0 vscode-wakatime/24.4.0"


def calm_time_zone():
    """A fixed-offset zone whose local time is between 02:00 and 22:00 now, so a test's
    last hour and next minutes lie in one local day."""
    now = time.time()
    for zone, offset_h in (("UTC", 0), ("Etc/GMT-6", 6), ("Etc/GMT+6", -6), ("Etc/GMT-12", 12)):
        hour = ((now + offset_h * 3600) % 86400) / 3600
        if 2 <= hour <= 22:
            return zone
    return "UTC"


class WakaWorld:
    """A store with user alice (a Flowcoach ingest token and a WakaTime key), a server on
    it, and a HOME for the WakaTime client (its config, log and offline queue)."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="flowcoach-waka-"))
        self.database = self.dir / "flowcoach.sqlite"
        admin(self.database, "user", "add", "alice", "--tz", calm_time_zone())
        self.token = admin(self.database, "token", "create", "alice", "--scope", "ingest").strip()
        self.key = admin(self.database, "token", "create", "alice", "--scope", "ingest", "--wakatime").strip()
        assert self.key.startswith("waka_") and len(self.key) == 41, self.key
        self.home = self.dir / "home"
        self.home.mkdir()
        self.project = self.dir / "project"
        self.project.mkdir()
        for name in ("main.py", "App.swift"):
            (self.project / name).write_text("x\n")
        self.config = self.home / ".wakatime.cfg"
        self.server = start_v1_server(self.database)
        self.port = self.server.port
        self.config.write_text("[settings]\napi_url = http://127.0.0.1:%d/api/heartbeat\n" % self.port)

    def cli(self, *args, port=None):
        """Runs the WakaTime client as a plugin does; returns its exit code."""
        env = dict(os.environ, HOME=str(self.home))
        command = [sys.executable, CLI, "--key", self.key[len("waka_"):], "--config", str(self.config),
                   "--api-url", "http://127.0.0.1:%d/api/heartbeat" % (port or self.port),
                   "--plugin", "vim/9.0.0 vim-wakatime/11.1.1", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60).returncode

    def beat(self, name, at, language):
        return self.cli("--entity", str(self.project / name), "--time", "%.3f" % at, "--write",
                        "--project", "flow", "--language", language)

    def queued(self):
        path = self.home / ".wakatime.db"
        if not path.exists():
            return 0
        connection = sqlite3.connect(str(path))
        try:
            return connection.execute("SELECT COUNT(*) FROM heartbeat_2").fetchone()[0]
        finally:
            connection.close()

    def http(self, method, path, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method,
                                         headers=dict(headers or {}))
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def basic(self):
        return {"Authorization": "Basic " + base64.b64encode(self.key.encode()).decode()}

    def today_seconds(self):
        status, body = self.http("GET", "/api/v1/users/current/statusbar/today", headers=self.basic())
        assert status == 200, body
        return body["data"]["grand_total"]["total_seconds"]

    def stop(self):
        if self.server.process.poll() is None:
            self.server.stop()


@pytest.fixture
def waka():
    world = WakaWorld()
    yield world
    world.stop()


def stats_today(client, expected_ms, timeout=10):
    """Waits for a `stats:me` event whose today.active_ms is `expected_ms`."""
    def seen():
        client.drain(0.2)
        return any(m.get("channel") == "stats:me" and m["data"]["today"]["active_ms"] == expected_ms
                   for _, m in client.log if m.get("type") == "event")
    wait_for(seen, timeout=timeout, what=f"stats:me today.active_ms == {expected_ms}")


def test_python_client_online_offline_and_sync(waka):
    t0 = time.time() - 1800
    # Python 0…180 s (three gaps of 60 s), Swift 180…240 s; a re-sent heartbeat counts once.
    for offset, name, language in ((0, "main.py", "Python"), (60, "main.py", "Python"), (120, "main.py", "Python"),
                                   (120, "main.py", "Python"), (180, "App.swift", "Swift"), (240, "App.swift", "Swift")):
        assert waka.beat(name, t0 + offset, language) == 0
    assert waka.queued() == 0
    assert waka.today_seconds() == 240

    # Server down: the client queues; nothing is lost.
    waka.server.stop()
    for offset in (300, 360):
        assert waka.beat("App.swift", t0 + offset, "Swift") != 0
    assert waka.queued() == 2
    waka.server = start_v1_server(waka.database)
    waka.port = waka.server.port
    assert waka.cli("--sync-offline-activity", "100", port=waka.port) == 0
    wait_for(lambda: waka.queued() == 0, what="offline queue drained")
    assert waka.today_seconds() == 360

    status, body = waka.http("GET", "/api/v1/users/current/summaries?range=today", headers=waka.basic())
    assert status == 200, body
    day = body["data"][0]
    languages = {entry["name"]: entry["total_seconds"] for entry in day["languages"]}
    assert languages == {"Python": 180, "Swift": 180}
    assert {entry["name"] for entry in day["editors"]} == {"vim"}
    assert day["flowcoach"]["flow_ms"] == 0 and "Flowcoach extension" in day["flowcoach"]["note"]
    assert body["cumulative_total"]["seconds"] == 360

    # The same time on stats:me (a protocol-v1 client), and live: a new heartbeat adds to it.
    with V1Client.authed(waka.server, waka.token) as client:
        subscribe(client, "stats:me")
        stats_today(client, 360_000)
        assert waka.beat("App.swift", t0 + 420, "Swift") == 0
        stats_today(client, 420_000)
    # The Flowcoach API agrees.
    status, insights = waka.http("GET", "/v1/insights?days=1", headers={"Authorization": "Bearer " + waka.token})
    assert status == 200, insights


def test_go_client_shapes_and_item_errors(waka):
    now = time.time()
    beat = {"entity": "/src/main.go", "type": "file", "category": "coding", "time": now - 600, "project": "api",
            "project_root_count": 3, "branch": "main", "language": "Go", "dependencies": ["fmt"], "lines": 120,
            "line_additions": 2, "line_deletions": 0, "lineno": 14, "cursorpos": 3, "is_write": True,
            "user_agent": GO_AGENT}
    later = dict(beat, time=now - 540)
    headers = dict(waka.basic(), **{"User-Agent": GO_AGENT, "X-Machine-Name": "laptop"})
    # One poison item never sinks the batch: each item has its own answer, in order.
    status, body = waka.http("POST", "/api/v1/users/current/heartbeats.bulk",
                             [beat, {"entity": "x", "time": "yesterday"}, later, beat], headers)
    assert status == 202, body
    assert [item[1] for item in body["responses"]] == [201, 400, 201, 201]
    assert "time" in body["responses"][1][0]["error"]
    assert body["responses"][3][0]["data"]["duplicate"] is True
    # The other prefixes and credential forms reach the same account.
    status, body = waka.http("POST", "/api/compat/wakatime/v1/users/current/heartbeats.bulk?api_key=" + waka.key,
                             [dict(beat, time=now - 480)], {"User-Agent": GO_AGENT})
    assert status == 201, body
    status, body = waka.http("POST", "/api/heartbeats", dict(beat, time=now - 420),
                             {"Authorization": "Bearer " + waka.key})
    assert status == 201 and body["data"]["entity"] == "/src/main.go", body
    status, body = waka.http("GET", "/api/v1/users/current/statusbar/today", headers=waka.basic())
    assert body["data"]["grand_total"]["total_seconds"] == 180
    assert [entry["name"] for entry in body["data"]["editors"]] == ["vscode"]
    # Only the first request named its machine.
    assert sorted(entry["name"] for entry in body["data"]["machines"]) == ["Unknown Machine", "laptop"]
    # Refusals in WakaTime's shape.
    assert waka.http("POST", "/api/heartbeats", [beat], {"Authorization": "Basic " + base64.b64encode(b"nope").decode()})[0] == 401
    assert waka.http("GET", "/api/v1/users/someone-else/statusbar/today", headers=waka.basic())[0] == 403
    status, body = waka.http("POST", "/api/heartbeats", None, dict(waka.basic(), **{"Content-Type": "application/json"}))
    assert status == 400 and "error" in body
    assert waka.http("POST", "/api/v1/plugins/errors", {"message": "boom"}, waka.basic())[0] == 201


def test_live_session_minutes_are_not_counted_twice(waka):
    session = new_session()
    start = int(time.time() * 1000) - 600_000
    with V1Client.authed(waka.server, waka.token) as client:
        send_active(client, session, 60, start=start)
        client.end(session, 13, start + 65_000)
    row = wait_for(lambda: (lambda r: r if r and r["ended"] else None)(session_row(waka.database, session)),
                   what="session stored")
    session_seconds = wait_for(lambda: waka.today_seconds(), what="session time in the day")
    assert session_seconds == row["active_ms"] / 1000
    # Heartbeats inside the session's span add nothing; the minute after it counts.
    first, last = row["started_at_ms"] / 1000, row["last_at_ms"] / 1000
    for at in (first, first + 30, last, last + 60):
        assert waka.beat("main.py", at, "Python") == 0
    assert waka.today_seconds() == session_seconds + 60
