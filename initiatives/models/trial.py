"""The prøvehandling itself: its statuses, choices, queryset and the row."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

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

from initiatives.search import initiative_search_vector
from slagelse_ou.models import OrgUnit

if TYPE_CHECKING:
    from initiatives.models.history import InitiativeUserObjectPermission


# The object permission that makes someone a member of a trial's team (granted and revoked
# by initiatives.services); reviewers get only "view_initiative".
TEAM_PERMISSION = "change_initiative"


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


class InitiativeQuerySet(models.QuerySet["Initiative"]):
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

        A team member holds TEAM_PERMISSION there; an assigned reviewer holds only the view
        permission, so is *not* involved (issue 13.1: a reviewer had counted as an owner of
        the trial's dialogue room).

        Written as `pk IN (owned UNION granted)`: both halves are index lookups of a few rows.
        `owner = … OR EXISTS (…)` made PostgreSQL test every row (~80 ms at 100,000; `make bench`).
        """
        owned = self.model._default_manager.filter(owner=user).values("pk")
        # The object-permission table (history.InitiativeUserObjectPermission), by its relation.
        grants = cast(
            "type[InitiativeUserObjectPermission]",
            self.model._meta.get_field("initiativeuserobjectpermission").related_model,
        )
        granted = grants.objects.filter(user=user, permission__codename=TEAM_PERMISSION).values("content_object_id")
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
