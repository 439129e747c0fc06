"""Ideas from citizens, businesses and associations, submitted without an account.

Personal data is kept apart and kept short: the submitter's name and e-mail are the only
personal fields, they are never shown on a public page or exported, and they are blanked
(`anonymised_at`) a fixed time after the idea is closed. The submitter follows the idea by
an unguessable status link; only a hash of its token is stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from initiatives.search import idea_search_vector

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Area(models.TextChoices):
    ELDERLY = "aeldre_sundhed", _("Ældre og sundhed")
    CHILDREN = "boern_unge", _("Børn, unge og familie")
    SCHOOL = "skole_uddannelse", _("Skole og uddannelse")
    JOBS = "job_erhverv", _("Job og erhverv")
    SOCIAL = "social_handicap", _("Socialt område og handicap")
    CULTURE = "kultur_fritid", _("Kultur, fritid og foreningsliv")
    NATURE = "natur_klima", _("Natur, miljø og klima")
    CITY = "by_trafik", _("By, land og trafik")
    SERVICE = "service_digital", _("Borgerservice og digitalisering")
    OTHER = "andet", _("Andet")


class SubmitterKind(models.TextChoices):
    CITIZEN = "borger", _("Borger")
    BUSINESS = "virksomhed", _("Virksomhed")
    ASSOCIATION = "forening", _("Forening")
    OTHER = "andet", _("Andet")


class IdeaStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "afventer_bekraeftelse", _("Afventer bekræftelse af e-mail")
    RECEIVED = "modtaget", _("Modtaget")
    PUBLISHED = "offentliggjort", _("Offentliggjort")
    CONVERTED = "omdannet", _("Blevet til en prøvehandling")
    MERGED = "sammenlagt", _("Lagt sammen med en lignende idé")
    DECLINED = "afvist", _("Afvist")


OPEN_STATUSES = (IdeaStatus.RECEIVED, IdeaStatus.PUBLISHED)
CLOSED_STATUSES = (IdeaStatus.CONVERTED, IdeaStatus.MERGED, IdeaStatus.DECLINED)
# A published idea stays public when it later becomes a trial or is merged; a declined one
# is taken down (its reason is written to the submitter, not to the public).
PUBLIC_STATUSES = (IdeaStatus.PUBLISHED, IdeaStatus.CONVERTED, IdeaStatus.MERGED)


def normalise_email(email: str) -> str:
    """Addresses are stored and compared lower-cased (the whole address: in practice no
    mail system treats the local part as case-sensitive)."""
    return email.strip().lower()


class IdeaQuerySet(models.QuerySet):
    def public(self) -> IdeaQuerySet:
        return self.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)

    def for_triage(self) -> IdeaQuerySet:
        """Everything a coordinator handles: not those still waiting for their e-mail."""
        return self.exclude(status=IdeaStatus.AWAITING_CONFIRMATION)

    def with_email(self, email: str) -> IdeaQuerySet:
        return self.filter(email=normalise_email(email)) if email.strip() else self.none()


class Idea(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"))
    area = models.CharField(_("område"), max_length=30, choices=Area.choices)
    submitter_kind = models.CharField(_("indsendt af"), max_length=20, choices=SubmitterKind.choices)
    # --- personal data: private, blanked by `idea_anonymise_expired` and erased on request ---
    submitter_name = models.CharField(_("navn"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail bekræftet"), null=True, blank=True)
    # --- end of personal data ---
    consent_at = models.DateTimeField(_("samtykke givet"))
    status = models.CharField(_("status"), max_length=30, choices=IdeaStatus.choices, default=IdeaStatus.RECEIVED)
    # SHA-256 of the status link's token. The token itself is shown once (receipt page and
    # e-mail) and never stored, so a database leak yields no working links.
    status_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The random part of the form's signed start-time token (ideas/spam.py): unique, so one
    # shown form can make one idea, not one per post for 24 hours (issue 13.12).
    form_nonce = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    decline_reason = models.TextField(_("begrundelse for afvisning"), blank=True)
    initiative = models.OneToOneField(
        "initiatives.Initiative",
        verbose_name=_("prøvehandling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_idea",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("lagt sammen med"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_ideas",
    )
    created_at = models.DateTimeField(_("indsendt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("opdateret"), auto_now=True)
    published_at = models.DateTimeField(_("offentliggjort"), null=True, blank=True)
    closed_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymiseret"), null=True, blank=True)
    search_vector = models.GeneratedField(
        expression=idea_search_vector(), output_field=SearchVectorField(), db_persist=True
    )

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idé")
        verbose_name_plural = _("idéer")
        ordering = ["-created_at", "-pk"]
        indexes = [
            GinIndex(fields=["search_vector"], name="idea_search"),
            models.Index(fields=["status", "-created_at"], name="idea_status_created"),
            models.Index(
                fields=["-published_at", "-id"], name="idea_published", condition=Q(published_at__isnull=False)
            ),
            # The retention scan reads closed ideas that still hold contact details.
            models.Index(
                fields=["closed_at"],
                name="idea_retention",
                condition=Q(closed_at__isnull=False, anonymised_at__isnull=True),
            ),
            # GDPR requests look up an address; addresses are stored lower-cased.
            models.Index(fields=["email"], name="idea_email", condition=~Q(email="")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=IdeaStatus.AWAITING_CONFIRMATION) | ~Q(email=""),
                name="idea_awaiting_needs_email",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.status in PUBLIC_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class IdeaEvent(models.Model):
    """Append-only audit trail of an idea. Holds no contact details (so anonymising the idea
    leaves none behind); erasing the idea deletes its history with it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "created_at"], name="idea_event_idea")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("IdeaEvent is append-only")
        super().save(*args, **kwargs)

    @property
    def to_label(self) -> StrOrPromise:
        return IdeaStatus(self.to_status).label if self.to_status else ""


class IdeaMail(models.Model):
    """Outbox of e-mails to a submitter, written in the transaction that causes them.

    Holds no address and no text: both are read from the idea when the mail is sent, so
    anonymisation or erasure in between sends nothing. `claimed_at`/`sent_at` are set by
    conditional UPDATEs, which makes delivery idempotent under retries, sweeps and two
    workers (as slagelse_ou.models.Notification)."""

    class Kind(models.TextChoices):
        CONFIRM = "bekraeft", _("Bekræft din e-mail")
        RECEIVED = "modtaget", _("Idéen er modtaget")
        PUBLISHED = "offentliggjort", _("Idéen er offentliggjort")
        CONVERTED = "omdannet", _("Idéen er blevet til en prøvehandling")
        MERGED = "sammenlagt", _("Idéen er lagt sammen med en anden")
        DECLINED = "afvist", _("Idéen er afvist")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Failed sending attempts and the last error; parked at OUTBOX_MAX_FAILURES (slagelse_ou/outbox.py).
    failures = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["created_at"], name="idea_mail_pending", condition=Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → idé {self.idea_id}"


class PersonalDataRequest(models.Model):
    """Accountability for GDPR requests (art. 15 export, art. 17 erasure) without keeping the
    address: `email_digest` is an HMAC of the lower-cased address under SECRET_KEY, so a later
    request about the same address can be matched, but the address cannot be read back."""

    class Kind(models.TextChoices):
        EXPORT = "indsigt", _("Indsigt (eksport)")
        ERASE = "sletning", _("Sletning")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    email_digest = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ideas_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("anmodning om persondata")
        verbose_name_plural = _("anmodninger om persondata")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
