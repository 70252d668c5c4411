"""Fixtures for interop tests: start a real `flowcoach serve` and talk to it over sockets.

The server binary is taken from FLOWCOACH_BIN (default: .build/debug/flowcoach). Each
server runs on a free port on 127.0.0.1 and is stopped (SIGTERM) after the test.
"""
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("FLOWCOACH_BIN", str(ROOT / ".build" / "debug" / "flowcoach"))


class RunningServer:
    def __init__(self, process, port, log_path):
        self.process = process
        self.port = port
        self.log_path = log_path

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}"

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


def start_server(extra_args=(), env=None, echo=True):
    tmp = tempfile.mkdtemp(prefix="flowcoach-test-")
    port_file = os.path.join(tmp, "port")
    log_path = os.path.join(tmp, "server.log")
    args = [BIN, "serve", "--host", "127.0.0.1", "--port", "0", "--loops", "2",
            "--port-file", port_file, "--log-level", "debug"]
    if echo:
        args.append("--echo")
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
            port = int(Path(port_file).read_text().strip())
            return RunningServer(process, port, log_path)
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start in 20 s")


@pytest.fixture
def server():
    running = start_server()
    yield running
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
