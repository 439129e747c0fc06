"""Reminders delivered by a real Celery worker on real Redis (not eager mode): at each
offset with time frozen, never twice — scan twice, two workers, the same task twice."""

from __future__ import annotations

import datetime as dt

import pytest
import redis
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from slagelse_ou.celery import app
from slagelse_ou.models import Notification, ReminderDelivery
from slagelse_ou.tasks import notification_deliver, reminders_scan
from tests.reminders.conftest import at, mails, wait_for
from tests.reminders.factories import trial

START = dt.date(2027, 3, 1)
DUE = START + dt.timedelta(weeks=4)

pytestmark = pytest.mark.django_db(transaction=True)


def drained() -> bool:
    """Nothing queued and nothing unacknowledged (acks_late) in our broker database."""
    client = redis.Redis.from_url(app.conf.broker_url)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def settle() -> None:
    wait_for(drained, message="the queue to drain")
    wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), message="e-mails")
    wait_for(drained, message="the queue to drain")


def fresh_outbox() -> None:
    """Let the set-up's own notifications ("added to the team") go out, then forget them."""
    settle()
    mail.outbox.clear()


def subjects() -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mail.outbox)


def test_each_offset_is_mailed_once_by_the_worker_even_when_the_scan_and_the_sends_repeat(
    celery_worker, initiator, team_member, manager
):
    initiative = trial(owner=initiator, team=[team_member], day=START)
    fresh_outbox()
    expected = []
    steps = [
        (-14, "Frist om 14 dage"),
        (-3, "Frist om 3 dage"),
        (0, "Frist i dag"),
        (7, "Fristen er overskredet"),
        (14, "Fristen er overskredet"),
    ]
    for days, prefix in steps:
        with time_machine.travel(at(DUE + dt.timedelta(days=days)), tick=True):
            reminders_scan.delay()
            reminders_scan.delay()  # the same scan twice (two beats, a retry)
            settle()
            for notification in Notification.objects.filter(reminder__due_on=DUE, emailed_at__isnull=False):
                notification_deliver.delay(notification_id=notification.pk)  # the same task again
            settle()
        expected += [
            ("initiator@example.dk", f"{prefix}: statusrapport – {initiative.title}"),
            ("teammedlem@example.dk", f"{prefix}: statusrapport – {initiative.title}"),
        ]
        if days == 14:
            expected.append(
                ("leder@example.dk", f"Til orientering: statusrapport for “{initiative.title}” er overskredet")
            )
        assert subjects() == sorted(expected), f"day {days}"
    assert ReminderDelivery.objects.count() == len(expected)


def test_the_reminder_email_is_danish_html_and_text_with_a_direct_link(celery_worker, initiator):
    initiative = trial(owner=initiator, day=START)
    fresh_outbox()
    with time_machine.travel(at(DUE), tick=True):
        reminders_scan.delay()
        settle()
    [message] = mail.outbox
    link = f"{settings.SITE_URL}/proevehandlinger/{initiative.pk}/"
    assert message.subject == f"Frist i dag: statusrapport – {initiative.title}"
    assert "Fristen for statusrapport" in message.body and link in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and f'href="{link}"' in html and 'lang="da"' in html
    notification = Notification.objects.get()
    assert message.extra_headers["Message-ID"] == f"<notifikation-{notification.pk}@127.0.0.1>"


def test_two_worker_processes_and_four_scans_send_each_reminder_exactly_once(
    subprocess_workers, initiator, team_member
):
    # Two real `celery worker` processes (not threads: embedded workers share one event
    # loop per process). Real time: the trials' first status report is due today.
    today = timezone.localdate()
    for _ in range(10):
        trial(owner=initiator, team=[team_member], day=today - dt.timedelta(weeks=4))
    workers = [subprocess_workers().start("a"), subprocess_workers().start("b")]
    for _ in range(4):
        reminders_scan.delay()
    settle()
    for notification in Notification.objects.filter(reminder__isnull=False):
        notification_deliver.delay(notification_id=notification.pk)
        notification_deliver.delay(notification_id=notification.pk)
    settle()
    sent = [m for m in mails(subprocess_workers.mail_dir) if m["Subject"].startswith("Frist i dag")]
    assert len(sent) == 20
    assert len({(m["To"], m["Message-ID"]) for m in sent}) == 20
    assert ReminderDelivery.objects.count() == 20
    for worker in workers:  # both took part
        assert b"succeeded" in worker.log.read_bytes()


def test_a_mail_failure_releases_the_claim_and_the_retry_with_backoff_sends_it_once(celery_worker, initiator, settings):
    from tests.reminders.mailbackend import FlakyBackend

    trial(owner=initiator, day=START)
    fresh_outbox()
    settings.MAILERS = {"default": {"BACKEND": "tests.reminders.mailbackend.FlakyBackend"}}
    FlakyBackend.failures = 2
    with time_machine.travel(at(DUE), tick=True):
        reminders_scan.delay()
        wait_for(lambda: len(mail.outbox) == 1, timeout=30, message="the retried e-mail")
        settle()
    assert FlakyBackend.failures == 0  # it failed twice, and the third attempt went out
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Frist i dag"]
    assert Notification.objects.get(reminder__isnull=False).emailed_at is not None
