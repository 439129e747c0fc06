"""Issue 14.1: a Celery worker recovers by itself when its PostgreSQL connection is dropped.

Before the fix the worker reused a dead connection for up to CELERY_DB_REUSE_MAX tasks:
every task after pg_terminate_backend failed until someone restarted the worker."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from slagelse_ou import services
from slagelse_ou.celery import app
from slagelse_ou.models import Notification
from tests.chaos.conftest import TcpGate, terminate_other_connections, worker_process
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _notify(users, subject):
    return services.notifications_create(recipients=users, subject=subject, body="Tekst")


def test_the_worker_delivers_every_notification_after_its_database_connection_is_terminated(smtp_sink):
    sink, port = smtp_sink
    users = UserFactory.create_batch(6)
    with worker_process(extra_env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}):
        first = _notify(users[:2], "Før afbrydelsen")
        sink.wait_for(2)

        assert terminate_other_connections() >= 1  # the worker's connection, at least

        second = _notify(users[2:], "Efter afbrydelsen")
        sink.wait_for(6)

    ids = first + second
    assert Notification.objects.filter(pk__in=ids, emailed_at__isnull=False).count() == 6
    assert sorted(sink.message_ids) == sorted({m for m in sink.message_ids})  # no duplicate
    assert len(sink.message_ids) == 6


def test_the_worker_health_check_asks_the_worker_to_reach_the_database():
    with worker_process(name="healthy") as node:
        call_command("healthcheck", worker=node)

    # The worker's database host goes away (a TCP gate in front of PostgreSQL is cut): the
    # worker still answers the broker's ping, but the health check reports it unhealthy.
    db = settings.DATABASES["default"]
    gate = TcpGate(int(db["PORT"] or 5432))
    through_gate = f"postgres://{db['USER']}@127.0.0.1:{gate.port}/{db['NAME']}"
    try:
        with worker_process(name="gated", extra_env={"DATABASE_URL": through_gate}) as node:
            call_command("healthcheck", worker=node)
            gate.cut()
            assert app.control.ping(destination=[node], timeout=2.0)  # the old check: green
            with pytest.raises(CommandError, match="database"):
                call_command("healthcheck", worker=node)
    finally:
        gate.close()
