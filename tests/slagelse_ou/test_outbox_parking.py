"""Issue 13.6: a line break in a subject no longer makes an e-mail fail forever, and a row
that fails OUTBOX_MAX_FAILURES times is parked and shown to the secretariat (written first:
the subject raised on every attempt and the row stayed first in the sweeper's queue)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from slagelse_ou import services
from slagelse_ou.models import Notification
from tests.faults import free_port

pytestmark = pytest.mark.django_db


def test_a_subject_with_line_breaks_is_sent_on_one_line(initiator):
    [pk] = services.notifications_create(
        recipients=[initiator], subject="Ny titel:\r\nBcc: alle@example.dk\tslut", body="Tekst"
    )

    assert services.notification_deliver(notification_id=pk) is True
    assert mail.outbox[-1].subject == "Ny titel: Bcc: alle@example.dk slut"
    assert Notification.objects.get(pk=pk).emailed_at is not None


def test_a_row_that_keeps_failing_is_parked_and_shown_to_the_secretariat(
    settings, client, initiator, coordinator, outsider
):
    settings.OUTBOX_MAX_FAILURES = 3
    # A real SMTP connection to a port where nothing listens: refused on every attempt.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    [pk] = services.notifications_create(recipients=[initiator], subject="Frist i morgen", body="Tekst")

    for _ in range(3):
        with pytest.raises(OSError):
            services.notification_deliver(notification_id=pk)

    row = Notification.objects.get(pk=pk)
    assert row.email_failures == 3 and "ConnectionRefused" in row.email_error and row.emailed_at is None
    assert services.notification_deliver(notification_id=pk) is False  # parked: not claimed again
    assert pk not in services.notifications_pending_ids(older_than_seconds=-60)

    client.force_login(coordinator)
    page = client.get(reverse("failed_mails"))
    assert page.status_code == 200 and "Frist i morgen" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    client.force_login(outsider)
    assert client.get(reverse("failed_mails")).status_code == 403
