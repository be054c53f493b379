"""Helpers for the job tests: publish to a given broker, a redis-server of the test's own, a Celery worker
on it (tests/test_jobs.py, tests/test_jobs_faults.py)."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FAULT_PORTS = range(6390, 6400)  # the redis-servers the fault tests start themselves


def unused_port(candidates=None) -> int:
    for port in candidates or [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port among {candidates}")


def down_broker_url() -> str:
    """A broker URL nothing listens on: publishing to it fails at once (connection refused)."""
    return f"redis://127.0.0.1:{unused_port()}/0"


@contextmanager
def broker_at(url: str, queue: str | None = None):
    """Publish to a real broker URL (not in-process) for the duration, as a production request does."""
    from portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    if queue:
        app.conf.task_default_queue = queue
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue = saved


def require_fault_services():
    """PostgreSQL (a worker process shares the test database) and a redis-server binary: skip locally
    without them, fail in CI (CI=true), like the other worker tests."""
    from django.db import connection

    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL (DATABASE_URL)")
    if not shutil.which("redis-server"):
        missing.append("the redis-server binary")
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs {' and '.join(missing)} for the fault tests")
        pytest.skip(f"needs {' and '.join(missing)}")


class RedisServer:
    """A redis-server of the test's own on a port of 6390–6399, without persistence: stop() is an outage
    that loses what was in it, start() brings an empty one back on the same port."""

    def __init__(self, log_dir: Path):
        self.port = unused_port(FAULT_PORTS)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=open(self.log_path, "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not start; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Worker:
    """A Celery worker process on ``broker_url`` and the test database, consuming its own queue."""

    def __init__(self, *, broker_url: str, database_url: str, name: str, env: dict, log_dir: Path):
        self.broker_url, self.database_url, self.env = broker_url, database_url, env
        self.queue = f"portal-faults-{name}-{os.getpid()}"
        self.hostname = f"{self.queue}@localhost"
        self.log_path = log_dir / f"celery-{name}.log"
        self.process = None

    def start(self):
        env = {**os.environ, **self.env, "DATABASE_URL": self.database_url, "REDIS_URL": self.broker_url}
        from portal.celery import worker_command

        self.process = subprocess.Popen(
            worker_command(self.queue),
            cwd=ROOT,
            env=env,
            stdout=open(self.log_path, "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        with broker_at(self.broker_url) as app:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"worker exited with {self.process.returncode}; see {self.log_path}")
                if app.control.ping(destination=[self.hostname], timeout=0.5):
                    return
        raise RuntimeError(f"worker did not answer within 60 s; see {self.log_path}")

    def kill(self):
        """SIGKILL: no clean-up, no acknowledgement, the job row stays running."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
