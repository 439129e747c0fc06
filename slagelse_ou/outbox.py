"""The e-mail outbox, written once: claim rows, send, release the claim on failure, mark sent.

An outbox row is written in the transaction of the event that causes it and e-mailed later
by a worker (handed over on commit, or found by a sweep when the broker was down). Every
outbox in the portal — notifications and the daily digest (`slagelse_ou`), the mails to
idea submitters (`ideas`) — uses the two columns an `Outbox` names: when the e-mail was
sent, and when a worker claimed it.

- A claim is a lease: a worker SIGKILLed between claiming and sending leaves a claim that
  expires after NOTIFICATION_CLAIM_LEASE_SECONDS, so the redelivered task (acks_late) or
  the sweeper can take the row again. Without the lease a killed worker loses the e-mail.
- `claim` takes one row with a conditional UPDATE: a second worker, or a sweep racing a
  normal delivery, updates zero rows and sends nothing.
- `claim_all` takes many rows with SELECT … FOR UPDATE SKIP LOCKED and writes the claim in
  the same transaction, so a second run racing this one skips the locked rows instead of
  waiting for them and then finds them claimed.
- `send` releases the claim when sending fails (so the retry can take the row again) and
  marks the rows sent when it succeeds. The release is conditional on our own claim: a
  worker whose lease ran out must not release the claim of the worker that took over.

- A row whose sending fails OUTBOX_MAX_FAILURES times (a refused address, a subject the
  mail library rejects) is *parked*: it counts its failures and keeps the last error, and
  no sweep takes it again, so a few bad rows cannot block the sweeper forever. Parked rows
  are listed for the secretariat (portal's "Fejlede e-mails" page).
- Every subject is made one line here, the one place all mail passes: a line break in a
  trial's title had made Django refuse the header on every attempt.

The one window no database can close (killed after the SMTP server accepted the mail,
before the sent column was written) is left to the receiving server: callers derive the
Message-ID from the rows (`mail_domain`), so it can drop the second copy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone


def mail_domain() -> str:
    """The right-hand side of the portal's Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(subject: object) -> str:
    """A subject with every control character and line break folded into one space."""
    return " ".join(_CONTROL.sub(" ", str(subject)).split())


def lease_expired(*, claimed_field: str, lease_seconds: int | None = None) -> Q:
    """Rows whose claim is older than the lease (default NOTIFICATION_CLAIM_LEASE_SECONDS):
    the worker that took them died, so another may take them over."""
    seconds = settings.NOTIFICATION_CLAIM_LEASE_SECONDS if lease_seconds is None else lease_seconds
    return Q(**{f"{claimed_field}__lt": timezone.now() - dt.timedelta(seconds=seconds)})


@dataclass(frozen=True)
class Outbox:
    """One outbox table: `model` with its `sent_field` and `claimed_field` (nullable datetimes)."""

    model: type[models.Model]
    sent_field: str
    claimed_field: str
    failures_field: str
    error_field: str

    def claimable(self, qs: QuerySet | None = None) -> QuerySet:
        """Rows whose e-mail nobody has sent, nobody holds a live claim on, and that are not
        parked after OUTBOX_MAX_FAILURES failed attempts."""
        qs = self.model._default_manager.all() if qs is None else qs
        free = Q(**{f"{self.claimed_field}__isnull": True}) | lease_expired(claimed_field=self.claimed_field)
        live = Q(**{f"{self.failures_field}__lt": settings.OUTBOX_MAX_FAILURES})
        return qs.filter(**{f"{self.sent_field}__isnull": True}).filter(free & live)

    def parked(self, qs: QuerySet | None = None) -> QuerySet:
        """Rows given up on: never sent, failed OUTBOX_MAX_FAILURES times."""
        qs = self.model._default_manager.all() if qs is None else qs
        return qs.filter(
            **{f"{self.sent_field}__isnull": True, f"{self.failures_field}__gte": settings.OUTBOX_MAX_FAILURES}
        )

    def claim(self, pk: int) -> dt.datetime | None:
        """Claim one row; the claim's time (pass it to `send`), or None if it is not ours.

        Only the row's own columns in the WHERE: PostgreSQL re-checks them on the locked
        row, so of two workers racing here exactly one updates a row (a join would defeat
        that)."""
        now = timezone.now()
        if not self.claimable(self.model._default_manager.filter(pk=pk)).update(**{self.claimed_field: now}):
            return None
        return now

    def claim_all(self, qs: QuerySet) -> tuple[list[int], dt.datetime]:
        """Claim every claimable row of `qs`; their ids (oldest first) and the claim's time.
        SKIP LOCKED: rows another run is claiming right now are left to it, and it finds
        them claimed once it commits."""
        now = timezone.now()
        with transaction.atomic():
            ids = list(
                self.claimable(qs)
                .select_for_update(skip_locked=True)
                .order_by("created_at", "pk")
                .values_list("pk", flat=True)
            )
            self.model._default_manager.filter(pk__in=ids).update(**{self.claimed_field: now})
        return ids, now

    def mark_sent(self, pks: Iterable[int], *, at: dt.datetime | None = None) -> None:
        """The e-mail is dealt with (sent, or not to be sent): no sweep takes the rows again."""
        self.model._default_manager.filter(pk__in=list(pks)).update(**{self.sent_field: at or timezone.now()})

    def send(self, message: EmailMessage, *, pks: Iterable[int], claimed_at: dt.datetime) -> None:
        """Send `message` for the claimed rows `pks`, then mark them sent. On failure the
        claim is released for the retry and the error re-raised."""
        pks = list(pks)
        try:
            message.subject = one_line(message.subject)
            message.send()
        except Exception as error:
            self.model._default_manager.filter(pk__in=pks, **{self.claimed_field: claimed_at}).update(
                **{
                    self.claimed_field: None,
                    self.failures_field: F(self.failures_field) + 1,
                    self.error_field: f"{type(error).__name__}: {error}"[:255],
                }
            )
            raise
        self.mark_sent(pks)
