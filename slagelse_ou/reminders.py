"""Deadlines and reminders: every deadline lives in the database, a periodic scan finds the
due reminders with set-based SQL, and a unique delivery row makes each reminder exactly once.

How it fits together
- A *deadline kind* is one function returning a queryset of open deadlines with five
  columns (see `DeadlineKind`). Each app registers its own kinds when it is ready
  (`initiatives/deadlines.py`, `criteria/deadlines.py`, `results/deadlines.py`,
  `rounds/deadlines.py`); this module knows only the registry.
- `reminders_scan` runs one INSERT … SELECT per kind. The SELECT computes, for every open
  deadline at once, which step of the schedule is due today (an offset before the deadline,
  or the n-th overdue repeat), expands the recipients (a direct user, or the initiative's
  owner and team, plus the owner's nearest manager from the escalation step on) and inserts
  ReminderDelivery rows ON CONFLICT DO NOTHING. Only rows this transaction inserted come
  back (RETURNING), and only for those are notifications written — in the same
  transaction — and handed to the send task on commit. A second scan, a second beat, or
  the same scan retried claims nothing twice: the unique constraint decides.
- Escalation: the REMINDER_ESCALATE_MANAGER_AFTER-th overdue reminder also goes to the
  owner's manager; from the REMINDER_FLAG_OVERDUE_AFTER-th the deadline is flagged
  (OverdueFlag) for the coordinators' overdue page. Flags are resolved by the scan when the
  deadline is no longer open.
- No long countdowns or ETAs anywhere: a Redis visibility timeout would redeliver them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from slagelse_ou.models import Notification, OrgUnit, OverdueFlag, ReminderDelivery, User
from slagelse_ou.outbox import mail_domain
from slagelse_ou.services import NOTIFICATION_OUTBOX, notifications_hand_off

COLUMNS = ("deadline_object_id", "deadline_due_on", "deadline_initiative_id", "deadline_title", "deadline_user_id")


@dataclass(frozen=True)
class DeadlineKind:
    """One source of deadlines.

    `deadlines()` returns a queryset `.values(**{column: expression})` with exactly the
    COLUMNS: the object's id, the due date, the initiative it concerns (or NULL), a title
    for messages, and a direct recipient (or NULL: the initiative's owner and team).
    """

    name: str
    label: str
    deadlines: Callable[[], QuerySet]
    url: Callable[[int, int | None], str]
    overdue: bool = True  # repeat after the deadline and escalate
    escalate_to_manager: bool = True


_KINDS: dict[str, DeadlineKind] = {}


def deadline_kind(
    name: str, label, *, url: Callable[[int, int | None], str], overdue: bool = True, escalate_to_manager: bool = True
):
    def register(function: Callable[[], QuerySet]) -> Callable[[], QuerySet]:
        _KINDS[name] = DeadlineKind(
            name=name,
            label=label,
            deadlines=function,
            url=url,
            overdue=overdue,
            escalate_to_manager=escalate_to_manager,
        )
        return function

    return register


def kinds() -> dict[str, DeadlineKind]:
    return _KINDS


@dataclass(frozen=True)
class DeadlineSubject:
    """What `deadline_initiative_id` points at, registered by the app that owns it: a table with
    `id`, `owner_id` and `owning_unit_id`, and a team table with `user_id` and `team_column`.
    A deadline with no direct recipient reminds the owner and the team, and escalates to the
    nearest manager of the owning unit."""

    table: str
    team_table: str
    team_column: str


_SUBJECT: list[DeadlineSubject] = []


def deadline_subject_register(*, model: type[models.Model], team_model: type[models.Model], team_column: str) -> None:
    subject = DeadlineSubject(table=model._meta.db_table, team_table=team_model._meta.db_table, team_column=team_column)
    _SUBJECT[:] = [subject]


def _subject() -> DeadlineSubject:
    if not _SUBJECT:
        raise LookupError("No deadline subject is registered (initiatives registers it when it is ready).")
    return _SUBJECT[0]


def _kind_sql(kind: DeadlineKind) -> tuple[str, tuple]:
    qs = kind.deadlines().order_by()
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


# --- the scan --------------------------------------------------------------------------


def _tables() -> dict[str, str]:
    subject = _subject()
    return {
        "initiative": subject.table,
        "team": subject.team_table,
        "team_fk": subject.team_column,
        "unit": OrgUnit._meta.db_table,
        "managers": OrgUnit.managers.through._meta.db_table,
        "user": User._meta.db_table,
        "delivery": ReminderDelivery._meta.db_table,
        "flag": OverdueFlag._meta.db_table,
    }


# One statement per kind. `p` carries the parameters so the kind's own SQL keeps its
# placeholders in order. `s` computes the due step for every open deadline at once:
#   before/on the deadline → the smallest configured offset ≥ days left (if any);
#   after it, within the first overdue period → 0: the deadline day's reminder, caught up
#     when the scan missed that day (unique per offset, so never twice);
#   after it (overdue kinds) → −n·every for the n-th whole overdue period.
# The manager is told only once the owner has had MANAGER_AFTER − 1 overdue reminders before
# this one (delivery rows, not days): a manager's "reminded several times" must be true.
# The flag CTE runs to completion even though the outer INSERT does not read it.
SCAN_SQL = """
WITH p AS (
    SELECT %s::date AS today, %s::int[] AS offsets, %s::int AS max_offset, %s::int AS every,
           %s::boolean AS overdue, %s::boolean AS to_manager, %s::int AS manager_after,
           %s::int AS flag_after, %s::timestamptz AS now, %s::varchar AS kind
),
d AS (
    SELECT q.deadline_object_id::bigint AS object_id, q.deadline_due_on::date AS due_on,
           q.deadline_initiative_id::bigint AS initiative_id, q.deadline_title::varchar AS title,
           q.deadline_user_id::bigint AS user_id
    FROM ({kind_sql}) q
),
s AS MATERIALIZED (
    SELECT d.*, CASE
        WHEN d.due_on >= p.today THEN
            (SELECT min(o) FROM unnest(p.offsets) AS o WHERE o >= d.due_on - p.today)
        WHEN p.today - d.due_on < p.every AND 0 = ANY(p.offsets) THEN 0
        WHEN p.overdue AND p.today - d.due_on >= p.every THEN
            -(((p.today - d.due_on) / p.every) * p.every)
    END AS offset_days
    FROM d CROSS JOIN p
    WHERE d.due_on <= p.today + p.max_offset
),
due AS (SELECT * FROM s WHERE s.offset_days IS NOT NULL),
r AS (
    SELECT due.*, due.user_id AS recipient_id, 'direct' AS audience, 0 AS rank
    FROM due WHERE due.user_id IS NOT NULL
    UNION ALL
    SELECT due.*, i.owner_id, 'owner', 1
    FROM due JOIN {initiative} i ON i.id = due.initiative_id WHERE due.user_id IS NULL
    UNION ALL
    SELECT due.*, t.user_id, 'team', 2
    FROM due JOIN {team} t ON t.{team_fk} = due.initiative_id WHERE due.user_id IS NULL
    UNION ALL
    -- Escalation: the nearest unit on the owning unit's path that has a manager other than
    -- the owner (a manager who owns a trial escalates to their own manager).
    SELECT due.*, mm.user_id, 'manager', 3
    FROM due CROSS JOIN p
    JOIN {initiative} i ON i.id = due.initiative_id
    JOIN {unit} u ON u.id = i.owning_unit_id
    JOIN LATERAL (
        SELECT a.id FROM {unit} a
        WHERE starts_with(u.path, a.path)
          AND EXISTS (SELECT 1 FROM {managers} x WHERE x.orgunit_id = a.id AND x.user_id <> i.owner_id)
        ORDER BY length(a.path) DESC LIMIT 1
    ) nearest ON true
    JOIN {managers} mm ON mm.orgunit_id = nearest.id AND mm.user_id <> i.owner_id
    WHERE p.overdue AND p.to_manager AND due.offset_days <= -(p.manager_after * p.every)
      AND (
        SELECT count(*) FROM {delivery} x
        WHERE x.kind = p.kind AND x.object_id = due.object_id AND x.due_on = due.due_on
          AND x.audience IN ('owner', 'direct') AND x.offset_days < 0 AND x.offset_days > due.offset_days
      ) >= p.manager_after - 1
),
flags AS (
    INSERT INTO {flag} (kind, object_id, due_on, initiative_id, title, flagged_at)
    SELECT DISTINCT ON (due.object_id, due.due_on) p.kind, due.object_id, due.due_on, due.initiative_id,
           due.title, p.now
    FROM due CROSS JOIN p
    WHERE p.overdue AND due.offset_days <= -(p.flag_after * p.every)
    ON CONFLICT (kind, object_id, due_on) DO NOTHING
    RETURNING 1
)
INSERT INTO {delivery} (kind, object_id, due_on, offset_days, recipient_id, audience, initiative_id, title, created_at)
SELECT DISTINCT ON (r.object_id, r.due_on, r.offset_days, r.recipient_id)
       p.kind, r.object_id, r.due_on, r.offset_days, r.recipient_id, r.audience, r.initiative_id, r.title, p.now
FROM r CROSS JOIN p
JOIN {user} usr ON usr.id = r.recipient_id AND usr.is_active
ORDER BY r.object_id, r.due_on, r.offset_days, r.recipient_id, r.rank
ON CONFLICT (kind, object_id, due_on, offset_days, recipient_id) DO NOTHING
RETURNING id, object_id, due_on, offset_days, recipient_id, audience, initiative_id, title
"""

RESOLVE_SQL = """
WITH d AS ({kind_sql})
UPDATE {flag} f SET resolved_at = %s
WHERE f.kind = %s AND f.resolved_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM d WHERE d.deadline_object_id = f.object_id AND d.deadline_due_on = f.due_on)
"""


@dataclass(frozen=True)
class ScanResult:
    deliveries: int
    notification_ids: tuple[int, ...]


def reminders_scan(*, today: dt.date | None = None) -> ScanResult:
    """Write every reminder due today, each exactly once, and queue its e-mail on commit.

    Invariants: a (kind, object, due date, offset, recipient) is reminded at most once ever
    (unique constraint, claimed inside this transaction); notifications exist exactly when
    their delivery row committed; the number of queries does not grow with the number of
    deadlines (two per kind, plus one to write the notifications and one to link them).

    Concurrency: a second scan running at the same time blocks in its INSERT on the first
    one's uncommitted unique-index entries, and once the first commits it skips them (ON
    CONFLICT DO NOTHING) — so it writes neither deliveries nor notifications for them.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    offsets = list(settings.REMINDER_OFFSETS_DAYS)
    tables = _tables()
    created: list[tuple] = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE), connection.cursor() as cursor:
        for kind in kinds().values():
            kind_sql, kind_params = _kind_sql(kind)
            params = (
                today,
                offsets,
                max(offsets, default=0),
                settings.REMINDER_OVERDUE_EVERY_DAYS,
                kind.overdue,
                kind.escalate_to_manager,
                settings.REMINDER_ESCALATE_MANAGER_AFTER,
                settings.REMINDER_FLAG_OVERDUE_AFTER,
                now,
                kind.name,
            )
            cursor.execute(SCAN_SQL.format(kind_sql=kind_sql, **tables), params + kind_params)
            created += [(kind, *row) for row in cursor.fetchall()]
            cursor.execute(RESOLVE_SQL.format(kind_sql=kind_sql, **tables), kind_params + (now, kind.name))
        notifications = [_reminder_notification(today=today, kind=kind, row=tuple(row)) for kind, *row in created]
        Notification.objects.bulk_create(notifications)
        if notifications:
            # Link each delivery to its notification: one UPDATE … FROM unnest(…).
            cursor.execute(
                f"UPDATE {tables['delivery']} r SET notification_id = v.nid "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(did, nid) WHERE r.id = v.did",
                ([row[0] for _kind, *row in created], [n.pk for n in notifications]),
            )
        ids = [n.pk for n in notifications]
        notifications_hand_off(notification_ids=ids)
    return ScanResult(deliveries=len(created), notification_ids=tuple(ids))


def _days(n: int) -> str:
    return ngettext("%(n)d dag", "%(n)d dage", n) % {"n": n}


def _reminder_notification(*, today: dt.date, kind: DeadlineKind, row: tuple) -> Notification:
    _pk, object_id, due_on, offset_days, recipient_id, audience, initiative_id, title = row
    names = {"label": kind.label, "title": title, "date": formats.date_format(due_on, "j. F Y")}
    if audience == "manager":
        names["days"] = _days((today - due_on).days)
        subject = _("Til orientering: %(label)s for “%(title)s” er overskredet") % names
        body = (
            _(
                "Fristen for %(label)s for “%(title)s” var %(date)s og er nu overskredet med %(days)s. "
                "Ejeren er mindet om det flere gange. Du får besked, fordi du er leder for enheden."
            )
            % names
        )
    elif offset_days > 0:
        names["days"] = _days((due_on - today).days)
        subject = _("Frist om %(days)s: %(label)s – %(title)s") % names
        body = _("Fristen for %(label)s for “%(title)s” er %(date)s – om %(days)s.") % names
    elif offset_days == 0:
        subject = _("Frist i dag: %(label)s – %(title)s") % names
        body = _("Fristen for %(label)s for “%(title)s” er i dag, %(date)s.") % names
    else:
        names["days"] = _days((today - due_on).days)
        subject = _("Fristen er overskredet: %(label)s – %(title)s") % names
        body = _("Fristen for %(label)s for “%(title)s” var %(date)s og er overskredet med %(days)s.") % names
    return Notification(
        recipient_id=recipient_id,
        subject=subject[:255],
        body=body,
        url=kind.url(object_id, initiative_id),
        # Early heads-ups may be opted out of by e-mail; the deadline day, overdue and
        # escalations are essential.
        essential=offset_days <= 0 or audience == "manager",
    )


# --- reads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    object_id: int
    due_on: dt.date
    initiative_id: int | None
    title: str
    url: str
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today


def deadlines_for_user(*, user: User, today: dt.date | None = None, limit: int = 200) -> list[Deadline]:
    """Every open deadline `user` is reminded of (directly, or as owner or team member),
    soonest first, in one query whatever the number of kinds' rows."""
    subject = _subject()
    today = today or timezone.localdate()
    parts, params = [], []
    for kind in kinds().values():
        kind_sql, kind_params = _kind_sql(kind)
        parts.append(
            "SELECT %s::varchar AS kind, q.deadline_object_id::bigint, q.deadline_due_on::date, "
            "q.deadline_initiative_id::bigint, q.deadline_title::varchar, q.deadline_user_id::bigint "
            f"FROM ({kind_sql}) q WHERE q.deadline_user_id::bigint = %s "
            "OR (q.deadline_user_id IS NULL AND q.deadline_initiative_id::bigint IN ("
            f"SELECT id FROM {subject.table} WHERE owner_id = %s "
            f"UNION ALL SELECT {subject.team_column} FROM {subject.team_table} WHERE user_id = %s))"
        )
        params += [kind.name, *kind_params, user.pk, user.pk, user.pk]
    if not parts:
        return []
    sql = " UNION ALL ".join(f"({part})" for part in parts)
    sql = f"SELECT * FROM ({sql}) x ORDER BY 3, 1, 2 LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    registry = kinds()
    return [
        Deadline(
            kind=name,
            label=str(registry[name].label),
            object_id=object_id,
            due_on=due_on,
            initiative_id=initiative_id,
            title=title,
            url=registry[name].url(object_id, initiative_id),
            today=today,
        )
        for name, object_id, due_on, initiative_id, title, _user in rows
    ]


def overdue_flags_open() -> list[dict]:
    """The coordinators' overdue list: flagged deadlines still open, oldest first."""
    registry = kinds()
    today = timezone.localdate()
    rows = []
    for flag in OverdueFlag.objects.filter(resolved_at__isnull=True).order_by("due_on", "pk"):
        kind = registry.get(flag.kind)
        rows.append(
            {
                "flag": flag,
                "label": kind.label if kind else flag.kind,
                "url": kind.url(flag.object_id, flag.initiative_id) if kind else "",
                "days_overdue": (today - flag.due_on).days,
            }
        )
    return rows


# --- the daily digest ------------------------------------------------------------------


def digest_recipient_ids() -> list[int]:
    """Users who chose the daily digest and have notifications not yet e-mailed."""
    pending = NOTIFICATION_OUTBOX.claimable(
        Notification.objects.filter(recipient__notification_preference=User.DigestPreference.DAILY)
    )
    return list(pending.order_by().values_list("recipient_id", flat=True).distinct())


def notification_digest_send(*, user_id: int) -> int:
    """One e-mail with every notification of a daily-digest user not yet e-mailed.

    Idempotent: the rows are claimed (SELECT … FOR UPDATE SKIP LOCKED, then the claim
    written) in one transaction, so a second digest run — or one racing this — finds
    nothing to claim. On a mail failure the claims are released for the retry.
    Returns the number of notifications the e-mail listed.
    """
    ids, claimed_at = NOTIFICATION_OUTBOX.claim_all(Notification.objects.filter(recipient_id=user_id))
    if not ids:
        return 0
    notifications = list(Notification.objects.filter(pk__in=ids).select_related("recipient").order_by("created_at"))
    user = notifications[0].recipient
    listed = [n for n in notifications if not n.email_suppressed]
    if listed:
        context = {"notifications": listed, "user": user, "site_url": settings.SITE_URL}
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "Dagligt sammendrag: %(n)d notifikation fra Prøvehandlingsportalen",
                "Dagligt sammendrag: %(n)d notifikationer fra Prøvehandlingsportalen",
                len(listed),
            ) % {"n": len(listed)}
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("emails/digest.txt", context),
                to=[user.email],
                headers={"Message-ID": f"<sammendrag-{user.pk}-{listed[0].pk}-{listed[-1].pk}@{mail_domain()}>"},
            )
            message.attach_alternative(render_to_string("emails/digest.html", context), "text/html")
        NOTIFICATION_OUTBOX.send(message, pks=ids, claimed_at=claimed_at)
    else:
        NOTIFICATION_OUTBOX.mark_sent(ids)
    return len(listed)


def user_notification_preferences_set(*, user: User, preference: str, email_non_essential: bool) -> User:
    """Immediate mails or a daily digest; and whether non-essential ones are e-mailed at all.
    Switching to immediate lets the sweeper send what waited for the digest."""
    if preference not in User.DigestPreference.values:
        raise ValueError(preference)
    user.notification_preference = preference
    user.email_non_essential = email_non_essential
    user.save(update_fields=["notification_preference", "email_non_essential"])
    return user
