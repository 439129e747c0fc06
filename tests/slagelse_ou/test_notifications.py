"""Notification e-mails go through the outbox (slagelse_ou.models.Notification) and a real
Celery worker on the real Redis broker — never eager mode. The worker is a thread of this
process (tests/celery_worker.py), so Django's locmem `mail.outbox` shows what it sent.

Transactional tests: the worker has its own database connection and sees only committed rows.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from criteria import services as criteria_services
from initiatives import services
from initiatives.models import Initiative, Status
from slagelse_ou.models import Notification
from slagelse_ou.tasks import notification_deliver, notifications_sweep
from tests.celery_worker import broker_at, queue_purge, queued_tasks, running_worker

pytestmark = pytest.mark.django_db(transaction=True)

DELIVER = notification_deliver.name
SWEEP = notifications_sweep.name


def delivered_ids(log) -> list[int]:
    return [run.kwargs["notification_id"] for run in log.of(DELIVER)]


def sent() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def expected_mails(rows) -> list[tuple[str, str]]:
    return sorted((row.recipient.email, row.subject) for row in rows.select_related("recipient"))


def timed(call: Callable[[], object], *, limit: float) -> float:
    """Run `call` on its own thread and connection; fail (instead of hanging the suite) if it
    has not returned within `limit` seconds. Returns the seconds it took."""
    outcome: dict = {}

    def run() -> None:
        started = time.monotonic()
        try:
            call()
        except BaseException as error:  # noqa: BLE001 — re-raised below, in the test
            outcome["error"] = error
        finally:
            outcome["seconds"] = time.monotonic() - started
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"still waiting after {limit}s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["seconds"]


@contextmanager
def unresponsive_broker() -> Iterator[str]:
    """A TCP port that accepts connections (the kernel completes the handshake into the
    listen backlog) but never answers a byte — a frozen Redis or a half-open connection."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


@pytest.mark.celery
def test_a_transitions_email_is_sent_by_the_worker_once_even_when_its_task_runs_twice(
    initiative_in, coordinator, initiator, team_member
):
    initiative = initiative_in(Status.SUBMITTED)
    before = list(Notification.objects.values_list("pk", flat=True))

    with running_worker() as log:  # starts on an empty queue: the set-up's hand-offs are gone
        criteria_services.initiative_approve(initiative_id=initiative.pk, actor=coordinator, note="Et godt forsøg.")
        rows = Notification.objects.exclude(pk__in=before)
        ids = set(rows.values_list("pk", flat=True))
        assert {row.recipient for row in rows} >= {initiator, team_member}
        log.wait_for(lambda log: set(delivered_ids(log)) >= ids)

        assert sent() == expected_mails(rows)
        assert not rows.filter(emailed_at__isnull=True).exists()
        approval = next(m for m in mail.outbox if m.to == [initiator.email])
        assert approval.subject == f"“{initiative.title}” har nu status Godkendt"
        assert "Begrundelse: Et godt forsøg." in approval.body
        assert initiative.get_absolute_url() in approval.body

        # The same task delivered again (a retry, a redelivery after a lost ack): the
        # conditional UPDATE claims nothing, so nothing is sent twice.
        for pk in ids:
            notification_deliver.delay(notification_id=pk)
        log.wait_for(lambda log: len(delivered_ids(log)) >= 2 * len(ids))

    assert sorted(delivered_ids(log)) == sorted([*ids, *ids])
    assert [run.retval for run in log.of(DELIVER)][len(ids) :] == [False] * len(ids)
    assert sent() == expected_mails(rows)


@pytest.mark.celery
def test_the_sweeper_delivers_a_notification_that_was_never_handed_off_and_only_that(initiator, outsider):
    # Rows written directly, as if the on-commit hand-off had been lost (broker down).
    def row(subject: str, *, age: timedelta, emailed: bool = False) -> Notification:
        notification = Notification.objects.create(recipient=initiator, subject=subject, body="Tekst.", url="/")
        stamp = timezone.now() - age
        Notification.objects.filter(pk=notification.pk).update(
            created_at=stamp, email_claimed_at=stamp if emailed else None, emailed_at=stamp if emailed else None
        )
        return notification

    lost = row("Aldrig afleveret", age=timedelta(minutes=5))
    row("Lige skrevet", age=timedelta(seconds=0))  # its hand-off may still be on its way
    row("Allerede sendt", age=timedelta(minutes=5), emailed=True)

    with running_worker() as log:
        notifications_sweep.delay()
        notifications_sweep.delay()  # beat twice (or two beats): still one e-mail
        log.wait_for(lambda log: len(log.of(SWEEP)) == 2)
        log.wait_for(lambda log: len(log.of(DELIVER)) == sum(run.retval for run in log.of(SWEEP)))

    assert sent() == [(initiator.email, "Aldrig afleveret")]
    assert set(delivered_ids(log)) == {lost.pk}
    assert Notification.objects.filter(emailed_at__isnull=True).get().subject == "Lige skrevet"


@pytest.mark.celery
def test_a_transition_commits_within_seconds_when_the_broker_is_down_and_the_sweeper_sends_later(
    initiative_in, coordinator, initiator, caplog
):
    initiative = initiative_in(Status.SUBMITTED)
    before = list(Notification.objects.values_list("pk", flat=True))
    queue_purge()

    # Nothing listens on port 1: the connection is refused.
    with broker_at("redis://127.0.0.1:1/0"):
        refused = timed(
            lambda: criteria_services.initiative_approve(initiative_id=initiative.pk, actor=coordinator, note="Ja."),
            limit=15,
        )
    # Something listens but never answers: without socket timeouts this waited forever.
    with unresponsive_broker() as url, broker_at(url):
        silent = timed(lambda: services.initiative_start(initiative_id=initiative.pk, actor=initiator), limit=20)

    assert refused < 3, f"the hand-off waited {refused:.1f}s for a refused broker"
    assert silent < 8, f"the hand-off waited {silent:.1f}s for a silent broker"
    # Both hand-offs were tried and failed (logged by Django's robust on_commit), and nothing
    # slipped through to the real broker instead.
    failures = [r for r in caplog.records if "in on_commit()" in r.getMessage() and "hand_off" in r.getMessage()]
    assert len(failures) == 2
    assert queued_tasks() == []
    assert Initiative.objects.get(pk=initiative.pk).status == Status.RUNNING  # both committed
    pending = Notification.objects.exclude(pk__in=before)
    assert pending.count() >= 2
    assert not pending.exclude(email_claimed_at=None).exists(), "nothing could reach a worker"

    # The broker is back; beat's sweep finds the rows once they are older than its margin.
    pending.update(created_at=timezone.now() - timedelta(minutes=2))
    with running_worker() as log:
        notifications_sweep.delay()
        log.wait_for(lambda log: set(delivered_ids(log)) >= set(pending.values_list("pk", flat=True)))

    assert sent() == expected_mails(pending)
    assert not pending.filter(emailed_at=None).exists()
