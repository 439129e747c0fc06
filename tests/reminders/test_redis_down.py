"""The transactional outbox: with the broker down a submission still succeeds, and its
notifications are delivered by the sweeper once Redis is back. Real redis-server (our own,
so it can be stopped), real worker, real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative, Status
from slagelse_ou.models import Notification
from slagelse_ou.tasks import notifications_sweep
from tests.celery_worker import broker_at, running_worker
from tests.factories import make_initiative
from tests.reminders.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.celery
def test_a_submission_succeeds_with_redis_down_and_its_notifications_arrive_when_redis_returns(
    private_redis, client, initiator, team_member, coordinator
):
    with broker_at(private_redis.url):
        draft = make_initiative(owner=initiator)
        client.force_login(initiator)
        before = set(Notification.objects.values_list("pk", flat=True))
        private_redis.stop()

        started = time.monotonic()
        response = client.post(reverse("initiatives:transition", args=[draft.pk, "submit"]))
        elapsed = time.monotonic() - started

        assert response.status_code == 302 and response.url == reverse("initiatives:detail", args=[draft.pk])
        assert elapsed < 2, f"the request waited {elapsed:.1f}s for a dead broker"
        assert Initiative.objects.get(pk=draft.pk).status == Status.SUBMITTED
        created = Notification.objects.exclude(pk__in=before)
        recipients = sorted(created.values_list("recipient__username", flat=True))
        assert "sekretariat" in recipients
        assert not created.filter(emailed_at__isnull=False).exists()  # nothing could be sent

        private_redis.start()  # the broker is back (empty: the hand-off never reached it)
        with (
            running_worker(),
            time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=True),
        ):
            notifications_sweep.delay()  # what beat runs every minute
            wait_for(lambda: not created.filter(emailed_at__isnull=True).exists(), message="the sweep's deliveries")
            time.sleep(1)
        subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
        assert subjects == sorted((f"{n.recipient.username}@example.dk", n.subject) for n in created)
