"""People and organisation: users, the unit tree, and the notification outbox."""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from slagelse_ou import roles


class OrgUnit(models.Model):
    """A unit in the municipal tree (kommune → område → center → enhed).

    `path` is a materialised path ("/1/4/9/") kept by `org_unit_create`, so "this unit and
    everything below it" is one indexed `startswith` filter instead of a recursive query.
    """

    class Kind(models.TextChoices):
        KOMMUNE = "kommune", _("Kommune")
        OMRAADE = "omraade", _("Område")
        CENTER = "center", _("Center")
        ENHED = "enhed", _("Enhed")

    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet enhed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("ledere"), blank=True, related_name="managed_units"
    )

    class Meta:
        verbose_name = _("organisatorisk enhed")
        verbose_name_plural = _("organisatoriske enheder")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="orgunit_path_like", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class OrgUnitEvent(models.Model):
    """Append-only history of the unit tree: who moved which unit from where to where.
    Written only by the services (`org_unit_move`)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("enhed"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("udført af"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("handling"), max_length=40)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("hændelse for enhed")
        verbose_name_plural = _("hændelser for enheder")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.unit_id}"


class PortalUserManager(UserManager["User"]):
    def request_annotations(self) -> dict:
        """What every page asks of the signed-in user, as expressions on the user's row: role
        names, paths of managed units, unread notifications (slagelse_ou/backends.py)."""
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return {
            "_role_names": ArraySubquery(Group.objects.filter(user=OuterRef("pk")).order_by().values("name")),
            "_managed_paths": ArraySubquery(OrgUnit.objects.filter(managers=OuterRef("pk")).order_by().values("path")),
            "_unread": Coalesce(Subquery(unread), 0),
        }


class User(AbstractUser):
    class DigestPreference(models.TextChoices):
        IMMEDIATE = "immediate", _("Straks")
        DAILY = "daily", _("Dagligt sammendrag")

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("enhed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    job_title = models.CharField(_("stilling"), max_length=200, blank=True)
    notification_preference = models.CharField(
        _("notifikationer"),
        max_length=20,
        choices=DigestPreference.choices,
        default=DigestPreference.IMMEDIATE,
    )
    email_non_essential = models.BooleanField(
        _("e-mail om ikke-væsentlige notifikationer"),
        default=True,
        help_text=_("Fx tidlige påmindelser. Væsentlige frister og eskaleringer sendes altid."),
    )

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")
        ordering = ["first_name", "last_name"]

    objects: ClassVar[PortalUserManager] = PortalUserManager()

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    # The three below are read once per request; `slagelse_ou.backends.request_user` reads them
    # with the user (the `_…` annotations), so a signed-in page spends no query on them.
    @cached_property
    def role_names(self) -> frozenset[str]:
        if "_role_names" in self.__dict__:
            return frozenset(self.__dict__.pop("_role_names"))
        if not self.is_authenticated or not self.pk:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    @cached_property
    def managed_unit_paths(self) -> list[str]:
        """Paths of the units this user manages."""
        if "_managed_paths" in self.__dict__:
            return list(self.__dict__.pop("_managed_paths"))
        if not self.is_authenticated or not self.pk:
            return []
        return list(self.managed_units.values_list("path", flat=True))

    @cached_property
    def unread_notification_count(self) -> int:
        if "_unread" in self.__dict__:
            return self.__dict__.pop("_unread")
        return self.notifications.filter(read_at__isnull=True).count()

    def forget_request_data(self) -> None:
        """After a change to roles, managed units or notifications in this request."""
        for name in (
            "role_names",
            "managed_unit_paths",
            "unread_notification_count",
            "_role_names",
            "_managed_paths",
            "_unread",
        ):
            self.__dict__.pop(name, None)

    def has_role(self, *names: str) -> bool:
        return self.is_superuser and roles.ADMINISTRATOR in names or bool(self.role_names & set(names))

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(roles.SEKRETARIAT, roles.ADMINISTRATOR)

    @property
    def is_committee_member(self) -> bool:
        return self.has_role(roles.UDVALGSMEDLEM)

    @property
    def is_staff_member(self) -> bool:
        return self.is_superuser or bool(self.role_names & roles.STAFF_ROLES)

    @property
    def role_badge(self) -> str:
        for name in (
            roles.UDVALGSMEDLEM,
            roles.SEKRETARIAT,
            roles.LEDER,
            roles.MEDARBEJDER,
            roles.BORGER,
        ):
            if name in self.role_names:
                return str(roles.ROLE_LABELS[name])
        return ""


class Notification(models.Model):
    """A transactional outbox row and the in-portal notification in one.

    Written in the same transaction as the event that causes it, so a notification exists
    exactly when its event committed. `emailed_at` is set by a conditional UPDATE when a
    worker claims the e-mail, which makes delivery idempotent under retries and sweeps.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(max_length=255)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Failed sending attempts and the last error; parked at OUTBOX_MAX_FAILURES (outbox.py).
    email_failures = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=255, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Not essential (e.g. an early reminder): shown in the portal, e-mailed only to users who
    # have not opted out (User.email_non_essential).
    essential = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_pending_email",
                condition=models.Q(emailed_at__isnull=True),
            ),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def email_suppressed(self) -> bool:
        """Shown in the portal only, never e-mailed: the recipient has no address, or this
        is not essential and she opted out of non-essential e-mails."""
        recipient = self.recipient
        return not recipient.email or (not self.essential and not recipient.email_non_essential)


class ReminderDelivery(models.Model):
    """One reminder to one person about one deadline at one step of the schedule.

    The unique constraint is the exactly-once guarantee: the scan inserts these rows with
    ON CONFLICT DO NOTHING inside the transaction that writes the notifications, so a
    second scan (or a second beat, or a retry) claims nothing it has already sent. `due_on`
    is part of the key because a deadline identity repeats for recurring kinds (a status
    report every N weeks) and a moved deadline deserves its own reminders. Offsets: positive
    = days before the deadline, 0 = on the day, negative = days overdue.
    """

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    due_on = models.DateField()
    offset_days = models.SmallIntegerField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=20)  # owner, team, manager, direct
    # A plain id, not a foreign key: the reminder machinery is generic (kinds live in their apps).
    initiative_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500)
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminder"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_on", "offset_days", "recipient"], name="reminder_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["initiative_id", "created_at"], name="reminder_initiative")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.due_on} {self.offset_days:+d} → {self.recipient_id}"


class OverdueFlag(models.Model):
    """Escalation's last step: a deadline reminded about N times shows on the coordinators'
    overdue page. Written by the scan (ON CONFLICT DO NOTHING); resolved by the scan when the
    deadline is no longer open (report posted, milestone reached, trial moved on)."""

    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    due_on = models.DateField()
    initiative_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500)
    flagged_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "due_on"], name="overdue_flag_once")]
        indexes = [
            models.Index(fields=["due_on"], name="overdue_flag_open", condition=models.Q(resolved_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.due_on}"
