"""The trial's parts: indicators, team, partners, challenged rules, attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from initiatives.models.trial import Initiative


class Indicator(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indikator"), max_length=200)
    unit = models.CharField(_("måleenhed"), max_length=50)
    baseline = models.DecimalField(_("udgangspunkt"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("mål"), max_digits=14, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A colleague from any unit ("opgaven sætter holdet"). Rows are written by
    `team_member_add`/`team_member_remove`, which also grant/revoke the object permissions."""

    class Role(models.TextChoices):
        CO_OWNER = "medansvarlig", _("Medansvarlig")
        MEMBER = "deltager", _("Deltager")
        SPECIALIST = "fagperson", _("Fagperson")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "user"], name="team_member_unique")]
        ordering = ["added_at"]
        verbose_name = _("teammedlem")
        verbose_name_plural = _("teammedlemmer")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ExternalPartner(models.Model):
    class Kind(models.TextChoices):
        CITIZEN = "borger", _("Borger")
        BUSINESS = "virksomhed", _("Virksomhed")
        EDUCATION = "uddannelse", _("Uddannelsesinstitution")
        VOLUNTEER = "frivillig", _("Frivillig eller forening")
        OTHER = "andet", _("Andet")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    contribution = models.CharField(_("bidrag"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("ekstern partner")
        verbose_name_plural = _("eksterne partnere")

    def __str__(self) -> str:
        return self.name


class RuleChallenge(models.Model):
    """Udfordringsret: a rule, standard or procedure the trial challenges, and the exemption."""

    class Kind(models.TextChoices):
        LOCAL_RULE = "lokal_regel", _("Lokal regel eller beslutning")
        STANDARD = "standard", _("Standardløsning")
        PROCEDURE = "procedure", _("Procedure eller arbejdsgang")
        NATIONAL = "national", _("National regel")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="rule_challenges")
    rule = models.CharField(_("regel der udfordres"), max_length=300)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.LOCAL_RULE)
    exemption_needed = models.TextField(_("nødvendig dispensation"), blank=True)
    granted_by = models.CharField(_("dispensation givet af"), max_length=200, blank=True)
    granted_until = models.DateField(_("dispensation gælder til"), null=True, blank=True)
    make_permanent = models.BooleanField(_("gøres permanent"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("udfordret regel")
        verbose_name_plural = _("udfordrede regler")

    def __str__(self) -> str:
        return self.rule


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random name: the original name is kept in the row, never in the storage path.
    import uuid

    return f"attachments/{instance.initiative_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")

    def __str__(self) -> str:
        return self.original_name
