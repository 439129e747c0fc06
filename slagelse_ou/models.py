"""People and organisation: users, the unit tree, and the notification outbox."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
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
        "self", verbose_name=_("overordnet enhed"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )  # fmt: skip
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


class User(AbstractUser):
    class DigestPreference(models.TextChoices):
        IMMEDIATE = "immediate", _("Straks")
        DAILY = "daily", _("Dagligt sammendrag")

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("enhed"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="members",
    )  # fmt: skip
    job_title = models.CharField(_("stilling"), max_length=200, blank=True)
    notification_preference = models.CharField(
        _("notifikationer"), max_length=20, choices=DigestPreference.choices,
        default=DigestPreference.IMMEDIATE,
    )  # fmt: skip

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

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
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"], name="notification_pending_email",
                condition=models.Q(emailed_at__isnull=True),
            ),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.subject
