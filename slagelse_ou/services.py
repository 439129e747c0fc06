"""Writes for people, units and notifications."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from slagelse_ou.exceptions import UnitMoveRefused
from slagelse_ou.models import Notification, OrgUnit, OrgUnitEvent, User
from slagelse_ou.outbox import Outbox, mail_domain

logger = logging.getLogger(__name__)


@transaction.atomic
def org_unit_create(*, name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    """Create a unit and its materialised path (needs the pk, hence two writes)."""
    unit = OrgUnit.objects.create(name=name, kind=kind, parent=parent)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit


def org_unit_move_check(*, unit: OrgUnit, new_parent: OrgUnit | None) -> None:
    """UnitMoveRefused if `new_parent` is `unit` itself or a unit below it, by the paths the
    two objects carry (`org_unit_move` passes the rows it has locked; a form may check early)."""
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise UnitMoveRefused(_("En enhed kan ikke flyttes ind under sig selv eller en af sine underenheder."))


# Any constant shared by every move: pg_advisory_xact_lock takes a bigint.
_MOVE_LOCK = 0x4F524755  # "ORGU"


@transaction.atomic
def org_unit_move(*, unit: OrgUnit, new_parent: OrgUnit | None, actor: User) -> OrgUnit:
    """Put `unit` and everything below it under `new_parent` (None: the top of the tree).

    Always: the tree stays a tree — a unit is never put under itself or a unit below it
    (UnitMoveRefused, nothing changes); every path below the unit is rewritten with it, so
    "this unit and everything below it" stays one `startswith`. Side effects: an
    OrgUnitEvent ("move", old and new parent and path); `unit` is saved (post_save), which
    makes the cached unit tree of the list filters forget itself. Moving a unit to the
    parent it has is a no-op. `unit` is updated in memory.
    """
    # Moves queue on one transaction-level advisory lock: two moves at once (A under B, B
    # under A) would each lock one subtree and wait for the other's — a deadlock — and the
    # second must check for a cycle against the tree the first committed.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_MOVE_LOCK])
    # The paths are read again under the lock (the caller's objects may be stale): only a
    # move changes an existing path, so the unit's path read now is the committed one. The
    # subtree and the new parent are then locked in pk order, so a write to one of them (a
    # child added, an edit in the admin) waits for the move and then sees the new paths.
    old_path = OrgUnit.objects.values_list("path", flat=True).get(pk=unit.pk)
    affected = Q(path__startswith=old_path) | (Q(pk=new_parent.pk) if new_parent else Q())
    locked = {row.pk: row for row in OrgUnit.objects.select_for_update().filter(affected).order_by("pk")}
    current = locked[unit.pk]
    target = locked[new_parent.pk] if new_parent else None
    org_unit_move_check(unit=current, new_parent=target)
    new_path = f"{target.path if target else '/'}{unit.pk}/"
    old_parent_id = current.parent_id
    if old_parent_id == (new_parent.pk if new_parent else None) and new_path == old_path:
        unit.parent, unit.path = new_parent, old_path
        return unit
    # One UPDATE for the subtree below: the new prefix and the rest of each path.
    OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )
    current.parent, current.path = new_parent, new_path
    current.save(update_fields=["parent", "path"])  # post_save: the cached tree forgets itself
    OrgUnitEvent.objects.create(
        unit=current,
        actor=actor,
        action="move",
        data={"from_parent": old_parent_id, "to_parent": current.parent_id, "from_path": old_path, "to_path": new_path},
    )
    unit.parent, unit.path = new_parent, new_path
    return unit


def user_create(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    unit: OrgUnit | None = None,
    roles: Iterable[str] = (),
    job_title: str = "",
) -> User:
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, unit=unit, job_title=job_title
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    groups = [Group.objects.get_or_create(name=role)[0] for role in roles]
    user.groups.add(*groups)
    return user


def notifications_create(
    *, recipients: Iterable[User], subject: str, body: str, url: str = "", essential: bool = True
) -> list[int]:
    """Write outbox rows in the caller's transaction and hand them to a worker on commit.

    If the broker is down at commit time the hand-off fails quietly (robust=True): the rows
    stay pending and `notifications_sweep` delivers them when the broker is back.
    """
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient=user, subject=subject, body=body, url=url, essential=essential)
            for user in {u.pk: u for u in recipients}.values()
        ]
    )
    ids = [row.pk for row in rows]
    notifications_hand_off(notification_ids=ids)
    return ids


def notifications_hand_off(*, notification_ids: list[int]) -> None:
    """Queue delivery of committed outbox rows once the caller's transaction commits.

    retry=False and robust=True: a dead broker must not fail or slow the web request; the
    rows stay pending and the sweeper hands them over later.
    """
    from slagelse_ou.tasks import notification_deliver

    def hand_off() -> None:
        for pk in notification_ids:
            notification_deliver.apply_async(kwargs={"notification_id": pk}, retry=False)

    if notification_ids:
        transaction.on_commit(hand_off, robust=True)


# The notification outbox: e-mail sent at `emailed_at`, claimed at `email_claimed_at`
# (slagelse_ou/outbox.py has the claim, the lease and the release on failure).
NOTIFICATION_OUTBOX = Outbox(
    Notification,
    sent_field="emailed_at",
    claimed_field="email_claimed_at",
    failures_field="email_failures",
    error_field="email_error",
)


def notification_deliver(*, notification_id: int) -> bool:
    """Send one notification's e-mail at most once.

    The conditional UPDATE claims the row; a second worker (or a sweep racing a normal
    delivery) updates zero rows and sends nothing. If sending fails the claim is released
    so a retry can take it again. Recipients who chose the daily digest are left to
    `notification_digest_send`. The Message-ID is derived from the row, so a receiving
    server can drop the copy in the one window no database can close (killed after the
    SMTP server accepted the mail, before `emailed_at` was written).
    """
    preference = User.objects.filter(notifications=notification_id).values_list("notification_preference", flat=True)
    if preference.first() != User.DigestPreference.IMMEDIATE:
        return False
    # The claim is a conditional UPDATE on the row's own columns (see Outbox.claim).
    claimed_at = NOTIFICATION_OUTBOX.claim(notification_id)
    if claimed_at is None:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    if notification.email_suppressed:
        # Shown in the portal only; mark the e-mail as dealt with so no sweep takes it again.
        NOTIFICATION_OUTBOX.mark_sent([notification_id], at=claimed_at)
        return False
    context = {"notification": notification, "site_url": settings.SITE_URL, "user": recipient}
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=render_to_string("emails/notification.txt", context),
        to=[recipient.email],
        headers={"Message-ID": f"<notifikation-{notification.pk}@{mail_domain()}>"},
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    NOTIFICATION_OUTBOX.send(message, pks=[notification_id], claimed_at=claimed_at)
    return True


def notifications_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    count = qs.update(read_at=timezone.now())
    user.forget_request_data()  # the page rendered next shows the new count
    return count


def notifications_pending_ids(*, older_than_seconds: int = 30, limit: int = 500) -> list[int]:
    """Immediate-mail rows nobody has sent: never handed over (broker down) or claimed by
    a worker that died (lease expired). Digest users' rows wait for the digest."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = Notification.objects.filter(
        created_at__lt=cutoff, recipient__notification_preference=User.DigestPreference.IMMEDIATE
    )
    return list(
        NOTIFICATION_OUTBOX.claimable(pending).order_by(F("created_at").asc()).values_list("pk", flat=True)[:limit]
    )
