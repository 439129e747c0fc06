"""A worker SIGKILLed in the middle of sending: after a restart the reminder still arrives,
exactly once. Both are real `celery worker` processes (prefork) on real Redis."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import redis
from django.utils import timezone

from slagelse_ou.celery import app
from slagelse_ou.models import Notification, ReminderDelivery
from slagelse_ou.reminders import reminders_scan
from tests.reminders.conftest import mails, wait_for
from tests.reminders.factories import trial

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_killed_mid_send_is_replaced_and_the_reminder_arrives_exactly_once(subprocess_workers, initiator):
    today = timezone.localdate()
    initiative = trial(owner=initiator, day=today - dt.timedelta(weeks=4))  # its status report is due today
    mail_dir = subprocess_workers.mail_dir
    first = subprocess_workers().start("first")
    # Let the set-up's own notifications go out before the interesting one.
    wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(), message="set-up mails")
    before = len(mails(mail_dir))

    (mail_dir / "SLOW").write_text("")  # the next send hangs, like a slow SMTP server
    result = reminders_scan()  # commits, then hands the notification to the broker
    [notification_id] = result.notification_ids
    wait_for(lambda: (mail_dir / "SENDING").exists(), message="the worker to start sending")
    assert Notification.objects.get(pk=notification_id).email_claimed_at is not None
    first.kill()  # SIGKILL to the whole process group: no warm shutdown, no ack, no release

    client = redis.Redis.from_url(app.conf.broker_url)
    assert client.hlen("unacked") == 1  # acks_late: the broker still holds the message
    (mail_dir / "SLOW").unlink()
    assert len(mails(mail_dir)) == before  # nothing was sent

    # The replacement restores the unacknowledged message after the visibility timeout and
    # re-claims the row once the dead worker's lease has expired.
    subprocess_workers(
        CELERY_VISIBILITY_TIMEOUT="3",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        CELERY_UNACKED_RESTORE_THROTTLE="1",
        NOTIFICATION_CLAIM_LEASE_SECONDS="1",  # below the visibility timeout, as in production
    ).start("second")
    wait_for(lambda: Notification.objects.get(pk=notification_id).emailed_at, timeout=60, message="the reminder")
    time.sleep(3)  # time for a duplicate to show up, if there were one
    sent = mails(mail_dir)[before:]
    assert [m["Subject"] for m in sent] == [f"Frist i dag: statusrapport – {initiative.title}"]
    assert sent[0]["Message-ID"] == f"<notifikation-{notification_id}@127.0.0.1>"
    assert ReminderDelivery.objects.get().notification_id == notification_id
    wait_for(lambda: client.hlen("unacked") == 0 and client.llen("celery") == 0, message="the message acked")
