"""Writes for people, units and notifications."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from slagelse_ou.models import Notification, OrgUnit, User

logger = logging.getLogger(__name__)


@transaction.atomic
def org_unit_create(*, name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    """Create a unit and its materialised path (needs the pk, hence two writes)."""
    unit = OrgUnit.objects.create(name=name, kind=kind, parent=parent)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def user_create(
    *, username: str, password: str | None, first_name: str = "", last_name: str = "",
    email: str = "", unit: OrgUnit | None = None, roles: Iterable[str] = (), job_title: str = "",
) -> User:  # fmt: skip
    user = User(username=username, first_name=first_name, last_name=last_name, email=email,
                unit=unit, job_title=job_title)  # fmt: skip
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    groups = [Group.objects.get_or_create(name=role)[0] for role in roles]
    user.groups.add(*groups)
    return user


def notifications_create(*, recipients: Iterable[User], subject: str, body: str, url: str = "") -> list[int]:
    """Write outbox rows in the caller's transaction and hand them to a worker on commit.

    If the broker is down at commit time the hand-off fails quietly (robust=True): the rows
    stay pending and `notifications_sweep` delivers them when the broker is back.
    """
    from slagelse_ou.tasks import notification_deliver

    rows = Notification.objects.bulk_create(
        [
            Notification(recipient=user, subject=subject, body=body, url=url)
            for user in {u.pk: u for u in recipients}.values()
        ]
    )
    ids = [row.pk for row in rows]

    def hand_off() -> None:
        for pk in ids:
            notification_deliver.apply_async(kwargs={"notification_id": pk}, retry=False)

    transaction.on_commit(hand_off, robust=True)
    return ids


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification's e-mail at most once.

    The conditional UPDATE claims the row; a second worker (or a sweep racing a normal
    delivery) updates zero rows and sends nothing. If sending fails the claim is released
    so a retry can take it again.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, email_claimed_at__isnull=True).update(
        email_claimed_at=now
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    if not recipient.email:
        Notification.objects.filter(pk=notification_id).update(emailed_at=now)
        return False
    context = {"notification": notification, "site_url": settings.SITE_URL, "user": recipient}
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=render_to_string("emails/notification.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk=notification_id).update(email_claimed_at=None)
        raise
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    return True


def notifications_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def notifications_pending_ids(*, older_than_seconds: int = 30, limit: int = 500) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Notification.objects.filter(email_claimed_at__isnull=True, created_at__lt=cutoff)
        .order_by(F("created_at").asc())
        .values_list("pk", flat=True)[:limit]
    )
