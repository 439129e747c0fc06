"""The outbox loop, written once (slagelse_ou/outbox.py): claim, send, release on failure,
mark sent — for notifications, the digest and the idea mails alike.

Transactional: the SKIP LOCKED test holds a row lock from a second connection (a thread)."""

from __future__ import annotations

import ast
import smtplib
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, connections, transaction
from django.utils import timezone

from ideas.services import IDEA_MAIL_OUTBOX
from slagelse_ou.models import Notification
from slagelse_ou.outbox import Outbox
from slagelse_ou.services import NOTIFICATION_OUTBOX
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rows() -> list[Notification]:
    user = UserFactory()
    return [Notification.objects.create(recipient=user, subject=f"Emne {n}", body="Tekst") for n in range(3)]


def message() -> EmailMessage:
    return EmailMessage(subject="Emne", body="Tekst", to=["modtager@example.dk"])


def test_a_row_is_claimed_once_until_its_lease_runs_out(rows, settings):
    row = rows[0]
    first = NOTIFICATION_OUTBOX.claim(row.pk)
    assert first is not None
    assert NOTIFICATION_OUTBOX.claim(row.pk) is None  # a second worker, a sweep
    # The worker that claimed it died: after the lease another may take it over.
    Notification.objects.filter(pk=row.pk).update(
        email_claimed_at=first - timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS + 1)
    )
    assert NOTIFICATION_OUTBOX.claim(row.pk) is not None


def test_a_sent_row_is_never_claimed_again(rows):
    row = rows[0]
    claimed_at = NOTIFICATION_OUTBOX.claim(row.pk)
    NOTIFICATION_OUTBOX.send(message(), pks=[row.pk], claimed_at=claimed_at)
    row.refresh_from_db()
    assert row.emailed_at is not None
    assert len(mail.outbox) == 1
    Notification.objects.filter(pk=row.pk).update(email_claimed_at=None)
    assert NOTIFICATION_OUTBOX.claim(row.pk) is None
    assert row.pk not in NOTIFICATION_OUTBOX.claimable().values_list("pk", flat=True)


def test_a_failed_send_releases_the_claim_for_the_retry(rows, settings):
    from tests.reminders.mailbackend import FlakyBackend

    settings.MAILERS = {"default": {"BACKEND": "tests.reminders.mailbackend.FlakyBackend"}}
    FlakyBackend.failures = 1
    row = rows[0]
    claimed_at = NOTIFICATION_OUTBOX.claim(row.pk)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        NOTIFICATION_OUTBOX.send(message(), pks=[row.pk], claimed_at=claimed_at)
    row.refresh_from_db()
    assert (row.email_claimed_at, row.emailed_at) == (None, None)
    assert NOTIFICATION_OUTBOX.claim(row.pk) is not None  # the retry


def test_a_worker_whose_lease_ran_out_does_not_release_the_claim_of_the_one_that_took_over(rows, settings):
    from tests.reminders.mailbackend import FlakyBackend

    settings.MAILERS = {"default": {"BACKEND": "tests.reminders.mailbackend.FlakyBackend"}}
    FlakyBackend.failures = 1
    row = rows[0]
    stale = timezone.now() - timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS + 1)
    Notification.objects.filter(pk=row.pk).update(email_claimed_at=stale)
    taken_over = NOTIFICATION_OUTBOX.claim(row.pk)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        NOTIFICATION_OUTBOX.send(message(), pks=[row.pk], claimed_at=stale)
    row.refresh_from_db()
    assert row.email_claimed_at == taken_over


def test_claiming_many_skips_rows_another_worker_holds_instead_of_waiting(rows):
    locked, held = threading.Event(), threading.Event()

    def hold_the_first_row() -> None:
        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update().filter(pk=rows[0].pk))
                locked.set()
                held.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_first_row)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # waiting instead of skipping fails the test
        try:
            ids, _claimed_at = NOTIFICATION_OUTBOX.claim_all(Notification.objects.all())
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        held.set()
        holder.join()
    assert ids == [rows[1].pk, rows[2].pk]
    assert NOTIFICATION_OUTBOX.claim_all(Notification.objects.all())[0] == [rows[0].pk]  # free again
    assert NOTIFICATION_OUTBOX.claim_all(Notification.objects.all())[0] == []


def test_every_e_mail_outbox_is_an_outbox():
    assert isinstance(NOTIFICATION_OUTBOX, Outbox)
    assert (IDEA_MAIL_OUTBOX.sent_field, IDEA_MAIL_OUTBOX.claimed_field) == ("sent_at", "claimed_at")


OUTBOX_MODULES = {"slagelse_ou.services", "slagelse_ou.outbox", "ideas.services", "results.services"}


def test_no_module_imports_a_private_helper_of_the_outbox_modules():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module in OUTBOX_MODULES:
                offenders += [
                    f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert offenders == []
