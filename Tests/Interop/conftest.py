"""Fixtures for interop tests: start a real `flowcoach serve` and talk to it over sockets.

The server binary is taken from FLOWCOACH_BIN (default: .build/debug/flowcoach). Each
server runs on a free port on 127.0.0.1 and is stopped (SIGTERM) after the test.
"""
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("FLOWCOACH_BIN", str(ROOT / ".build" / "debug" / "flowcoach"))


class RunningServer:
    def __init__(self, process, ports, log_path, pki=None):
        self.process = process
        self.plain_port = ports[0]
        self.tls_port = ports[1] if len(ports) > 1 else None
        self.log_path = log_path
        self.pki = pki
        self.transport = "plain"

    def over(self, transport):
        """This server seen through `transport` ('plain' or 'tls')."""
        view = RunningServer.__new__(RunningServer)
        view.__dict__.update(self.__dict__)
        view.transport = transport
        return view

    @property
    def port(self):
        return self.tls_port if self.transport == "tls" else self.plain_port

    @property
    def url(self):
        scheme = "wss" if self.transport == "tls" else "ws"
        host = "localhost" if self.transport == "tls" else "127.0.0.1"
        return f"{scheme}://{host}:{self.port}"

    def client_ssl(self):
        """A client context verifying our test CA and the hostname, or None on plaintext."""
        if self.transport != "tls":
            return None
        context = ssl.create_default_context(cafile=self.pki.path("ca.pem"))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def log(self):
        return Path(self.log_path).read_text(errors="replace")

    def stop(self, timeout=15):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(extra_args=(), env=None, echo=True, pki=None, cert="server.pem", key="server.key"):
    tmp = tempfile.mkdtemp(prefix="flowcoach-test-")
    port_file = os.path.join(tmp, "port")
    log_path = os.path.join(tmp, "server.log")
    args = [BIN, "serve", "--host", "127.0.0.1", "--port", "0", "--loops", "2",
            "--port-file", port_file, "--log-level", "debug",
            "--database", os.path.join(tmp, "flowcoach.sqlite")]
    if echo:
        args.append("--echo")
    if pki is not None:
        args += ["--tls-port", "0", "--tls-cert", pki.path(cert), "--tls-key", pki.path(key)]
    args.extend(extra_args)
    full_env = dict(os.environ)
    full_env.update(env or {})
    log = open(log_path, "wb")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=full_env)
    deadline = time.time() + 20
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {Path(log_path).read_text()}")
        if os.path.exists(port_file) and Path(port_file).read_text().strip():
            ports = [int(p) for p in Path(port_file).read_text().split()]
            return RunningServer(process, ports, log_path, pki)
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start in 20 s")


@pytest.fixture(scope="session")
def pki():
    from pki import PKI
    return PKI()


@pytest.fixture
def server():
    """A plaintext server with /echo."""
    running = start_server()
    yield running
    running.stop()


@pytest.fixture(params=["plain", "tls"])
def echo_server(request, pki):
    """The same server reached over ws:// and over wss:// (both listeners of one process)."""
    running = start_server(pki=pki)
    yield running.over(request.param)
    running.stop()


@pytest.fixture
def server_factory():
    started = []

    def make(**kwargs):
        running = start_server(**kwargs)
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()


# -- protocol v1 (/v1/ws) ---------------------------------------------------------------

V1_ENV = {
    # Short intervals so durability and resume are observable in a test's lifetime.
    "FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS": "300",
    "FLOWCOACH_SESSIONS_RESUME_WINDOW_MS": "3000",
}


def admin(database, *args):
    """Runs `flowcoach <args> --database <database>` (no server needed); returns stdout."""
    result = subprocess.run([BIN, *args, "--database", str(database)], capture_output=True,
                            text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"flowcoach {' '.join(args)} failed: {result.stderr}{result.stdout}")
    return result.stdout


def start_v1_server(database, env=None, extra_args=(), loops=2):
    """`flowcoach serve --database <database>` on a free port with V1_ENV (plus `env`)."""
    tmp = tempfile.mkdtemp(prefix="flowcoach-v1-")
    port_file = os.path.join(tmp, "port")
    log_path = os.path.join(tmp, "server.log")
    args = [BIN, "serve", "--host", "127.0.0.1", "--port", "0", "--loops", str(loops),
            "--port-file", port_file, "--log-level", "debug", "--database", str(database),
            *extra_args]
    full_env = dict(os.environ)
    full_env.update(V1_ENV)
    full_env.update(env or {})
    log = open(log_path, "wb")
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=full_env)
    deadline = time.time() + 20
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {Path(log_path).read_text()}")
        if os.path.exists(port_file) and Path(port_file).read_text().strip():
            ports = [int(p) for p in Path(port_file).read_text().split()]
            return RunningServer(process, ports, log_path)
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start in 20 s")


class V1World:
    """A temp SQLite store with users, tokens (both scopes) and teams made by the admin CLI,
    and the server running on it. `restart()` keeps the store; `kill9()` is a crash."""

    def __init__(self, users=("alice", "bob", "carol"), env=None, teams=None, loops=2):
        self.dir = Path(tempfile.mkdtemp(prefix="flowcoach-v1-store-"))
        self.database = self.dir / "flowcoach.sqlite"
        self.env = dict(env or {})
        self.loops = loops
        self.tokens = {}
        self.team_ids = {}
        for name in users:
            admin(self.database, "user", "add", name)
            for scope in ("ingest", "read"):
                self.tokens[(name, scope)] = admin(self.database, "token", "create", name,
                                                   "--scope", scope).strip()
        for team, members in (teams or {}).items():
            out = admin(self.database, "team", "create", team)
            self.team_ids[team] = out.split("channel team:")[1].split(")")[0].strip()
            for member, consent in members:
                admin(self.database, "team", "add", team, member, *(["--consent"] if consent else []))
        self.server = start_v1_server(self.database, self.env, loops=self.loops)

    @property
    def port(self):
        return self.server.port

    def token(self, user, scope="ingest"):
        return self.tokens[(user, scope)]

    def restart(self, env=None):
        self.server.stop()
        self.env.update(env or {})
        self.server = start_v1_server(self.database, self.env, loops=self.loops)

    def kill9(self):
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait(timeout=10)

    def start_again(self):
        self.server = start_v1_server(self.database, self.env, loops=self.loops)

    def log(self):
        return self.server.log()

    def stop(self):
        if self.server.process.poll() is None:
            self.server.stop()


@pytest.fixture
def v1():
    """A v1 server on a fresh store with users alice, bob, carol (ingest and read tokens)."""
    world = V1World()
    yield world
    world.stop()


@pytest.fixture
def v1_factory():
    """Builds V1Worlds with other users, teams or configuration (env); stops them all."""
    worlds = []

    def make(**kwargs):
        world = V1World(**kwargs)
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        world.stop()


@pytest.fixture(scope="module")
def v1_module():
    """One v1 server (users alice, bob, carol) shared by a module's tests that only read or
    use their own sessions: saves a server start per test."""
    world = V1World()
    yield world
    world.stop()
