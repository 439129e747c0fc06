"""Issue 14.1: a Celery worker recovers by itself when its PostgreSQL connection is dropped.

Before the fix the worker reused a dead connection for up to CELERY_DB_REUSE_MAX tasks:
every task after pg_terminate_backend failed until someone restarted the worker (seen
failing: 2 of 6 e-mails, the other four "the connection is closed")."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from slagelse_ou import services
from slagelse_ou.celery import app
from slagelse_ou.models import Notification
from tests.factories import UserFactory
from tests.faults import SubprocessWorker, TcpGate, terminate_other_connections, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def _worker(tmp_path, name: str, **env: str) -> SubprocessWorker:
    return SubprocessWorker(
        mail_dir=tmp_path, broker_url=app.conf.broker_url, log=tmp_path / f"{name}.log", **env
    ).start(name)


def test_the_worker_delivers_every_notification_after_its_database_connection_is_terminated(smtp_sink, tmp_path):
    sink, port = smtp_sink
    users = UserFactory.create_batch(6)
    worker = _worker(tmp_path, "dbdrop", EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port))
    try:
        first = services.notifications_create(recipients=users[:2], subject="Før afbrydelsen", body="Tekst")
        sink.wait_for(2)

        assert terminate_other_connections() >= 1  # the worker's connection, at least

        second = services.notifications_create(recipients=users[2:], subject="Efter afbrydelsen", body="Tekst")
        sink.wait_for(6)
        sent = Notification.objects.filter(pk__in=first + second, emailed_at__isnull=False)
        wait_for(lambda: sent.count() == 6, message="every row marked sent")
    finally:
        worker.stop()

    assert len(sink.message_ids) == len(set(sink.message_ids)) == 6


def test_the_worker_health_check_fails_when_the_worker_cannot_reach_its_database(tmp_path):
    # The worker's database host goes away (a TCP gate in front of PostgreSQL is cut): the
    # worker still answers the broker's ping (the old check stayed green), but the health
    # check, which asks the worker itself to run SELECT 1, reports it unhealthy.
    db = settings.DATABASES["default"]
    gate = TcpGate(int(db["PORT"] or 5432), db["HOST"] or "127.0.0.1")
    through_gate = f"postgres://{db['USER']}@127.0.0.1:{gate.port}/{db['NAME']}"
    worker = _worker(tmp_path, "gated", DATABASE_URL=through_gate)
    try:
        call_command("healthcheck", worker=worker.node)
        gate.cut()
        assert app.control.ping(destination=[worker.node], timeout=2.0)
        with pytest.raises(CommandError, match="database"):
            call_command("healthcheck", worker=worker.node)
    finally:
        worker.stop()
        gate.close()
