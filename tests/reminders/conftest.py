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
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis

from slagelse_ou.celery import app
from tests.celery_worker import running_worker
from tests.faults import PrivateRedis, SubprocessWorker, free_port, test_database_url, wait_for  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
CPH = ZoneInfo("Europe/Copenhagen")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on `day`, Danish time (where the scan's "today" is decided)."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CPH)


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


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()
