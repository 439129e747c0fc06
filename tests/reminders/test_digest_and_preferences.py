"""Per-user e-mail preference: immediately or a daily digest (one mail, idempotent), and
opting out of non-essential mails. Real worker, real Redis."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from slagelse_ou import reminders
from slagelse_ou.models import Notification, User
from slagelse_ou.services import notifications_pending_ids
from slagelse_ou.tasks import notifications_digest, reminders_scan
from tests.reminders.conftest import at, wait_for
from tests.reminders.factories import trial
from tests.reminders.test_delivery_by_worker import drained

START = dt.date(2027, 3, 1)
DUE = START + dt.timedelta(weeks=4)

pytestmark = pytest.mark.django_db(transaction=True)


def quiet() -> None:
    wait_for(drained, message="the queue to drain")
    wait_for(
        lambda: (
            not Notification.objects.filter(
                emailed_at__isnull=True, recipient__notification_preference=User.DigestPreference.IMMEDIATE
            ).exists()
        ),
        message="immediate e-mails",
    )
    wait_for(drained, message="the queue to drain")


def test_a_digest_user_gets_one_mail_listing_everything_and_a_second_digest_sends_nothing(
    celery_worker, initiator, team_member
):
    User.objects.filter(pk=team_member.pk).update(notification_preference=User.DigestPreference.DAILY)
    initiative = trial(owner=initiator, team=[team_member], day=START)  # "added to the team" waits
    with time_machine.travel(at(DUE), tick=True):
        reminders_scan.delay()
        quiet()
        assert [m.to for m in mail.outbox if "teammedlem@example.dk" in m.to] == []
        waiting = list(Notification.objects.filter(recipient=team_member).values_list("subject", flat=True))
        assert len(waiting) == 2

        notifications_digest.delay()
        wait_for(lambda: [m for m in mail.outbox if m.to == ["teammedlem@example.dk"]], message="the digest")
        notifications_digest.delay()  # the beat fires twice, or a retry: nothing new to send
        quiet()
    [digest] = [m for m in mail.outbox if m.to == ["teammedlem@example.dk"]]
    assert digest.subject == "Dagligt sammendrag: 2 notifikationer fra Prøvehandlingsportalen"
    for subject in waiting:
        assert subject in digest.body and subject in digest.alternatives[0][0]
    assert f"/proevehandlinger/{initiative.pk}/" in digest.body
    assert not Notification.objects.filter(recipient=team_member, emailed_at__isnull=True).exists()


def test_the_sweeper_leaves_digest_users_notifications_to_the_digest(db, initiator, team_member):
    User.objects.filter(pk=team_member.pk).update(notification_preference=User.DigestPreference.DAILY)
    trial(owner=initiator, team=[team_member], day=START)
    with time_machine.travel(at(DUE), tick=False):
        reminders.reminders_scan()
    with time_machine.travel(at(DUE, hour=11), tick=False):
        pending = Notification.objects.filter(pk__in=notifications_pending_ids())
    assert set(pending.values_list("recipient__username", flat=True)) == {"initiator"}


def test_an_opted_out_user_gets_no_mail_for_an_early_reminder_but_does_on_the_deadline_day(celery_worker, initiator):
    User.objects.filter(pk=initiator.pk).update(email_non_essential=False)
    trial(owner=initiator, day=START)
    with time_machine.travel(at(DUE - dt.timedelta(days=3)), tick=True):
        reminders_scan.delay()
        quiet()
    early = Notification.objects.get(reminder__offset_days=3)
    assert early.read_at is None and early.emailed_at is not None  # in the portal, not mailed
    assert mail.outbox == []
    with time_machine.travel(at(DUE), tick=True):
        reminders_scan.delay()
        quiet()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Frist i dag"]
