"""The real Celery pieces for tests: the project's app, the Redis broker from REDIS_URL, and an
embedded worker thread. No eager mode — STYLE.md: eager mode is not a test of Celery.

The worker runs as a thread in the test process (celery.contrib.testing.worker), so it
shares settings and the locmem `mail.outbox` with the test, but it has its own database
connection: it sees only committed rows, hence `@pytest.mark.django_db(transaction=True)`
in every test that uses it.

Isolation: each test run points REDIS_URL at its own Redis database number
(HELPER_BRIEF.md), and the queue is purged before and after use, so nothing left over by
an earlier run or test is consumed here.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from kombu import pools as kombu_pools

from slagelse_ou.celery import app

QUEUE = app.conf.task_default_queue  # "celery": kombu's Redis transport keeps it as a list


def _broker() -> redis.Redis:
    return redis.Redis.from_url(app.conf.broker_url)


def queue_purge() -> None:
    with _broker() as client:
        client.delete(QUEUE)


def queued_tasks() -> list[tuple[str, dict]]:
    """(task name, kwargs) of every message waiting in the queue, oldest first."""
    with _broker() as client:
        raw = client.lrange(QUEUE, 0, -1)
    tasks = []
    for message in reversed(raw):  # kombu LPUSHes and BRPOPs: the list's tail is the oldest
        envelope = json.loads(message)
        body = envelope["body"]
        if envelope["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        _args, kwargs, _embed = json.loads(body)
        tasks.append((envelope["headers"]["task"], kwargs))
    return tasks


@dataclass(frozen=True)
class Run:
    task: str
    kwargs: dict
    state: str
    retval: object


class TaskLog:
    """Every task the embedded worker finished, recorded from Celery's task_postrun signal
    (sent in the worker thread), so a test can wait for "both deliveries ran" instead of
    sleeping."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self._changed = threading.Condition()

    def record(self, sender=None, kwargs=None, retval=None, state=None, **_) -> None:
        # The worker thread's own Django connection: close it after each task so no
        # connection outlives the worker thread (the next flush/DROP must not wait for it).
        connections.close_all()
        with self._changed:
            self.runs.append(Run(task=sender.name, kwargs=dict(kwargs or {}), state=state, retval=retval))
            self._changed.notify_all()

    def of(self, task: str) -> list[Run]:
        return [run for run in self.runs if run.task == task]

    def wait_for(self, condition: Callable[[TaskLog], bool], *, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"the worker did not get there in {timeout}s; it ran {self.runs}")
                self._changed.wait(remaining)


@contextmanager
def running_worker() -> Iterator[TaskLog]:
    """A real worker (solo pool, one thread) consuming the real broker until the block ends."""
    log = TaskLog()
    hijack = app.conf.worker_hijack_root_logger
    app.conf.worker_hijack_root_logger = False  # keep pytest's log capture working
    queue_purge()
    task_postrun.connect(log.record, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
            yield log
    finally:
        task_postrun.disconnect(log.record)
        app.conf.worker_hijack_root_logger = hijack
        queue_purge()


def _drop_producer_pools() -> None:
    # The app caches its connection and producer pools, built from the broker URL at first
    # use, and kombu keeps them in process-global registries; Celery itself resets only
    # after a fork (`Celery._after_fork`). Close and forget them all, so the next publish
    # builds fresh ones from the current `broker_url`. (Closing only the app's pool leaves a
    # closed pool in kombu's registry: "Acquire on closed pool" on the next publish.)
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's producers at another broker URL (e.g. a dead one) for the block."""
    original = app.conf.broker_url
    _drop_producer_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _drop_producer_pools()
        app.conf.broker_url = original
