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
            "--port-file", port_file, "--log-level", "debug"]
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
