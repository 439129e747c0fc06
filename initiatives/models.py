"""The prøvehandling (trial initiative), its parts, its audit trail and its object permissions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from initiatives.search import initiative_search_vector
from slagelse_ou.models import OrgUnit


class Status(models.TextChoices):
    DRAFT = "kladde", _("Kladde")
    SUBMITTED = "indsendt", _("Indsendt")
    IN_REVIEW = "under_bedoemmelse", _("Under bedømmelse")
    CHANGES_REQUESTED = "tilbage_til_ansoeger", _("Tilbage til ansøger")
    APPROVED = "godkendt", _("Godkendt")
    REJECTED = "afvist", _("Afvist")
    RUNNING = "i_gang", _("I gang")
    EVALUATION = "evaluering", _("Evaluering")
    CONCLUDED = "afsluttet", _("Afsluttet")
    WITHDRAWN = "trukket_tilbage", _("Trukket tilbage")


PUBLIC_STATUSES = (Status.APPROVED, Status.RUNNING, Status.EVALUATION, Status.CONCLUDED)
EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)


class TargetGroup(models.TextChoices):
    """Who the trial is for: the knowledge base is filtered by it ("er det prøvet før?")."""

    CHILDREN = "boern_unge", _("Børn, unge og familier")
    ELDERLY = "aeldre", _("Ældre")
    DISABILITY = "handicap_psykiatri", _("Borgere med handicap eller psykisk sårbarhed")
    EMPLOYMENT = "beskaeftigelse", _("Ledige og borgere på kanten af arbejdsmarkedet")
    BUSINESS = "virksomheder", _("Virksomheder og foreninger")
    ALL = "alle_borgere", _("Alle borgere")
    STAFF = "medarbejdere", _("Medarbejdere og arbejdspladser")


class Outcome(models.TextChoices):
    SCALED = "skaleret", _("Skaleret")
    ADJUSTED = "videreført_med_justering", _("Videreført med justering")
    STOPPED = "stoppet", _("Stoppet")


class Pejlemaerke(models.Model):
    """One of the three pejlemærker (Bilag 1), seeded verbatim by a data migration."""

    number = models.PositiveSmallIntegerField(unique=True)
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["number"]
        verbose_name = _("pejlemærke")
        verbose_name_plural = _("pejlemærker")

    def __str__(self) -> str:
        return self.text


class Mantra(models.Model):
    """One of the four mantras (Bilag 1), seeded verbatim by a data migration."""

    letter = models.CharField(max_length=1, unique=True)
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["letter"]
        verbose_name = _("mantra")
        verbose_name_plural = _("mantraer")

    def __str__(self) -> str:
        return self.text


LIST_FIELDS = (
    "id",
    "title",
    "status",
    "outcome",
    "updated_at",
    "created_at",
    "start_date",
    "submitted_at",
    "owning_unit__id",
    "owning_unit__name",
    "owning_unit__path",
)


class InitiativeQuerySet(models.QuerySet):
    def public(self) -> InitiativeQuerySet:
        return self.filter(status__in=PUBLIC_STATUSES)

    def not_draft(self) -> InitiativeQuerySet:
        return self.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])

    def in_unit_subtree(self, unit_id: int) -> InitiativeQuerySet:
        """Trials owned by the unit or any unit below it (one indexed prefix match)."""
        path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or "-"
        return self.filter(owning_unit__path__startswith=path)

    def with_list_data(self) -> InitiativeQuerySet:
        """What a list row shows, and nothing more: sorting a filtered set of wide rows (long
        texts, the search vector) cost 130 ms at 100,000 trials (`make bench --explain`)."""
        return self.select_related("owning_unit").only(*LIST_FIELDS)

    def with_pejlemaerke(self, pejlemaerke_id: int) -> InitiativeQuerySet:
        return self.filter(pejlemaerke_ids__contains=[pejlemaerke_id])

    def pejlemaerke_ids_refresh(self) -> int:
        """Copy each row's pejlemærker from the M2M table into `pejlemaerke_ids`."""
        through = self.model.pejlemaerker.through
        ids = through.objects.filter(initiative_id=OuterRef("pk")).order_by("pejlemaerke_id").values("pejlemaerke_id")
        return self.update(pejlemaerke_ids=ArraySubquery(ids))

    def involving(self, user) -> InitiativeQuerySet:
        """Owner or team member — through the guardian FK table the services maintain.

        Written as `pk IN (owned UNION granted)`: both halves are index lookups of a few rows.
        `owner = … OR EXISTS (…)` made PostgreSQL test every row (~80 ms at 100,000; `make bench`).
        """
        owned = self.model._default_manager.filter(owner=user).values("pk")
        granted = InitiativeUserObjectPermission.objects.filter(user=user).values("content_object_id")
        return self.filter(pk__in=owned.union(granted))

    def in_units_managed_by(self, user) -> InitiativeQuerySet:
        paths = user.managed_unit_paths
        if not paths:
            return self.none()
        query = Q()
        for path in paths:
            query |= Q(owning_unit__path__startswith=path)
        return self.filter(query)


class Initiative(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    summary = models.TextField(_("resumé"), blank=True)
    problem = models.TextField(
        _("borgerens problem"),
        blank=True,
        help_text=_("Hvilket problem hos borgerne løser prøvehandlingen?"),
    )
    idea = models.TextField(_("idé"), blank=True)
    hypothesis = models.TextField(_("hypotese"), blank=True, help_text=_("Hvis vi gør …, så forventer vi …, fordi …"))
    expected_effect = models.TextField(_("forventet effekt for borgerne"), blank=True)
    # Its table has one more index, (pejlemaerke_id, initiative_id): migration 0008.
    pejlemaerker = models.ManyToManyField(Pejlemaerke, verbose_name=_("pejlemærker"), blank=True)
    # The same pejlemærker's ids, kept by `pejlemaerker_changed` on every change to the M2M
    # table: the lists filter on them without joining that table, which cost 10–25 ms of a
    # filtered list at 100,000 (`make bench`). The M2M table stays the source.
    pejlemaerke_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    mantras = models.ManyToManyField(Mantra, verbose_name=_("mantraer"), blank=True)
    owning_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("ansvarlig enhed"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ejer"),
        on_delete=models.PROTECT,
        related_name="owned_initiatives",
    )
    resources = models.TextField(_("ressourcer inden for eksisterende budgetter"), blank=True)
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("slutdato"), null=True, blank=True)
    evaluation_date = models.DateField(_("evalueringsdato"), null=True, blank=True)
    risks = models.TextField(_("risici"), blank=True)
    target_group = models.CharField(_("målgruppe"), max_length=30, choices=TargetGroup.choices, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    outcome = models.CharField(_("udfald"), max_length=30, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(_("begrundelse for afgørelse"), blank=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    round = models.ForeignKey(
        "Round",
        verbose_name=_("ansøgningsrunde"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    status_report_interval_weeks = models.PositiveSmallIntegerField(
        _("statusrapport hver N. uge"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Tom: portalens standard."),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("opdateret"), auto_now=True)
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)
    # Full-text search over the public fields only (initiatives/search.py says why), kept
    # by PostgreSQL itself: a stored generated column is never stale and needs no signal.
    search_vector = models.GeneratedField(
        expression=initiative_search_vector(), output_field=SearchVectorField(), db_persist=True
    )

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("prøvehandling")
        verbose_name_plural = _("prøvehandlinger")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-updated_at", "-id"], name="initiative_status_updated"),
            models.Index(fields=["-updated_at", "-id"], name="initiative_updated"),
            # Covers every column of the managers' and committee members' visibility rules
            # (permissions.visible_initiatives), so counting their list is an index-only scan
            # instead of reading every row (`make bench`).
            models.Index(
                fields=["owning_unit", "status"], include=["id", "submitted_at", "owner"], name="initiative_unit_status"
            ),
            models.Index(fields=["owner", "-updated_at"], name="initiative_owner"),
            # One index per sort order of the lists (initiatives.selectors.SORTS), so a page
            # is read in order from an index instead of sorting 100,000 rows (`make bench`).
            # The created_at one also holds every column a list reads (LIST_FIELDS) and filters
            # on: a year's rows come from it alone, without the table's wide rows, to be sorted
            # (a year sorted by status or start: 43–45 → 10–17 ms at 100,000; selectors._apply_filters).
            # With the owner it also covers the visibility rules, so a manager's count with a
            # pejlemærke is read from it instead of the table (4–200 ms, as the disk allowed).
            models.Index(
                fields=["-created_at", "-id"],
                include=[
                    "title",
                    "status",
                    "outcome",
                    "updated_at",
                    "start_date",
                    "submitted_at",
                    "owning_unit",
                    "pejlemaerke_ids",
                    "owner",
                ],
                name="initiative_created_list",
            ),
            models.Index(fields=["title", "id"], name="initiative_title"),
            models.Index(fields=["start_date", "id"], name="initiative_start"),
            GinIndex(fields=["search_vector"], name="initiative_search"),
            # The public search's own: with only the index above, PostgreSQL combined it with the
            # status index, reading 60,000 entries to keep the public trials (19 ms a search).
            GinIndex(
                fields=["search_vector"], name="initiative_search_public", condition=Q(status__in=PUBLIC_STATUSES)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


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


EVENT_LABELS = {
    "create": _("Oprettet som kladde"),
    "update": _("Ansøgningen er redigeret"),
    "team_add": _("Teammedlem tilføjet"),
    "team_remove": _("Teammedlem fjernet"),
    "attachment_add": _("Bilag tilføjet"),
    "submit": _("Indsendt"),
    "start_review": _("Bedømmelse startet"),
    "request_changes": _("Sendt tilbage til ansøger"),
    "approve": _("Godkendt"),
    "reject": _("Afvist"),
    "start": _("Prøvehandlingen er startet"),
    "begin_evaluation": _("Evaluering påbegyndt"),
    "conclude": _("Afsluttet"),
    "withdraw": _("Trukket tilbage"),
    "endorsement": _("Lederens vurdering"),
    "endorsement_escalate": _("Sendt videre til sekretariatet trods lederens vurdering"),
    "reviewer_assign": _("Bedømmer tildelt"),
    "reviewer_unassign": _("Bedømmer fjernet"),
    "review_declare": _("Bedømmer har erklæret sig uden interessekonflikt"),
    "review_decline": _("Bedømmer har sagt nej"),
    "review_submit": _("Bedømmelse afgivet"),
    "decision_record": _("Afgørelse registreret"),
    "permission_grant": _("Adgang givet"),
    "permission_revoke": _("Adgang fjernet"),
    "milestone_add": _("Milepæl tilføjet"),
    "milestone_done": _("Milepæl nået"),
    "minutes_attach": _("Referat fra dialogmøde tilknyttet"),
    "convert": _("Oprettet fra en borgeridé"),
}


class InitiativeEvent(models.Model):
    """Append-only audit trail: who did what, when, from which status to which, and why."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=50)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["initiative", "created_at"], name="event_initiative_created")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("InitiativeEvent is append-only")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action.replace("_", " ")))

    @property
    def from_label(self) -> str:
        return Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return Status(self.to_status).label if self.to_status else ""


class InitiativeUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key permission table (django-guardian's performance guidance)."""

    content_object = models.ForeignKey(Initiative, on_delete=models.CASCADE)


class InitiativeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Initiative, on_delete=models.CASCADE)


class RoundQuerySet(models.QuerySet):
    def open_on(self, day) -> RoundQuerySet:
        """Rounds accepting applications on `day` (both dates inclusive)."""
        return self.filter(opens_on__lte=day, application_deadline__gte=day)

    def not_closed_on(self, day) -> RoundQuerySet:
        return self.filter(application_deadline__gte=day)


class Round(models.Model):
    """An ansøgningsrunde. Dates are Danish calendar days; the application deadline is
    inclusive — an application may be submitted until midnight at the end of that day."""

    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    opens_on = models.DateField(_("åbner"))
    application_deadline = models.DateField(_("ansøgningsfrist"))
    review_deadline = models.DateField(_("frist for bedømmelse"))
    committee_meeting_on = models.DateField(_("udvalgsmøde"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-application_deadline", "-pk"]
        verbose_name = _("ansøgningsrunde")
        verbose_name_plural = _("ansøgningsrunder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application_deadline__gte=models.F("opens_on")), name="round_deadline_after_opening"
            ),
            models.CheckConstraint(
                condition=models.Q(review_deadline__gte=models.F("application_deadline")),
                name="round_review_after_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(committee_meeting_on__gte=models.F("review_deadline")),
                name="round_meeting_after_review",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rounds:detail", args=[self.pk])


class Milestone(models.Model):
    """A milestone the team sets for its own trial; an open one is a deadline (reminders)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milepæl"), max_length=200)
    due_on = models.DateField(_("dato"))
    done_at = models.DateTimeField(_("nået"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæle")
        indexes = [
            models.Index(fields=["due_on"], name="milestone_open_due", condition=models.Q(done_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title


def pejlemaerker_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed of Initiative.pejlemaerker (connected in initiatives/apps.py): keep
    `pejlemaerke_ids` equal to the M2M table, from either side and on the instance at hand
    too, so a later save() of it does not write the old list back."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            ids = list(
                sender.objects.filter(initiative_id=instance.pk)
                .order_by("pejlemaerke_id")
                .values_list("pejlemaerke_id", flat=True)
            )
            Initiative.objects.filter(pk=instance.pk).update(pejlemaerke_ids=ids)
            instance.pejlemaerke_ids = ids
        return
    if action == "pre_clear":  # a pejlemærke's clear(): note whose list it empties
        instance._cleared_initiatives = list(
            sender.objects.filter(pejlemaerke_id=instance.pk).values_list("initiative_id", flat=True)
        )
    elif action in ("post_add", "post_remove", "post_clear"):
        initiatives = pk_set if action != "post_clear" else instance.__dict__.pop("_cleared_initiatives", [])
        Initiative.objects.filter(pk__in=initiatives).pejlemaerke_ids_refresh()


def pejlemaerke_deleted(sender, instance, **kwargs) -> None:
    """post_delete of a Pejlemaerke: its M2M rows went by cascade, which sends no m2m_changed."""
    Initiative.objects.filter(pejlemaerke_ids__contains=[instance.pk]).pejlemaerke_ids_refresh()
