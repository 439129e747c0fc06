"""Results and knowledge: status reports with indicator measurements, the evaluation held to
the trial agreement (effect per indicator, learnings, recommended outcome), the answers to
the rule exemptions a trial used, and the committee reports generated as PDF.

Everything here points at `initiatives` or `criteria`; nothing there points back, so those
apps need no migration for this one. Rows are written by `results.services`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.expressions import CombinedExpression
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from initiatives.models import Outcome
from initiatives.search import SEARCH_CONFIG

# Labels for the detail page's history (registered in ResultsConfig.ready).
EVENT_LABELS = {
    "status_report_add": _("Statusrapport tilføjet"),
    "evaluation_save": _("Evalueringen er gemt"),
    "evaluation_submit": _("Evalueringen er afleveret"),
    "exemption_answer": _("Dispensation besvaret"),
    "copy": _("Oprettet som kopi af en afsluttet prøvehandling"),
}


class StatusReport(models.Model):
    """A running trial's progress: what happened, obstacles, help needed, and a measurement
    of some or all indicators on `reported_on`. Append-only; the next report supersedes it.
    `created_at` is what the status-report deadline counts from (results/deadlines.py)."""

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="status_reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_on = models.DateField(_("målt pr."))
    narrative = models.TextField(_("hvad er der sket siden sidst"))
    obstacles = models.TextField(_("forhindringer"), blank=True)
    help_needed = models.TextField(_("hjælp vi har brug for"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_on", "-pk"]
        verbose_name = _("statusrapport")
        verbose_name_plural = _("statusrapporter")
        indexes = [models.Index(fields=["initiative", "-created_at"], name="status_report_latest")]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.reported_on}"


class IndicatorMeasurement(models.Model):
    """One indicator's value on the report's day (copied into `measured_on`, so "the latest
    value per indicator" is one DISTINCT ON over an index)."""

    status_report = models.ForeignKey(StatusReport, on_delete=models.CASCADE, related_name="measurements")
    indicator = models.ForeignKey("initiatives.Indicator", on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("målt værdi"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("dato"))

    class Meta:
        ordering = ["measured_on", "pk"]
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        constraints = [
            models.UniqueConstraint(fields=["status_report", "indicator"], name="measurement_one_per_report"),
        ]
        indexes = [models.Index(fields=["indicator", "-measured_on", "-id"], name="measurement_latest")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


def evaluation_search_vector() -> CombinedExpression:
    """The learnings, so the knowledge base finds a trial by what was learned, not only by
    what was planned. Public once the trial is concluded (the knowledge base shows them)."""
    return SearchVector("what_worked", "what_did_not", "advice", weight="B", config=SEARCH_CONFIG) + SearchVector(
        "effect_summary", "reason", weight="C", config=SEARCH_CONFIG
    )


class Evaluation(models.Model):
    """The evaluation, held to the trial agreement: effect achieved per agreed indicator
    (EvaluationIndicator), learnings, and the recommended outcome with its reason and
    follow-up. Written by the team while the trial runs or is evaluated; `submitted_at`
    marks it ready for the coordinator, who concludes the trial through the lifecycle."""

    initiative = models.OneToOneField("initiatives.Initiative", on_delete=models.CASCADE, related_name="evaluation")
    effect_summary = models.TextField(_("opnået effekt for borgerne"), blank=True)
    what_worked = models.TextField(_("hvad virkede"), blank=True)
    what_did_not = models.TextField(_("hvad virkede ikke"), blank=True)
    advice = models.TextField(_("råd til andre"), blank=True)
    recommended_outcome = models.CharField(_("anbefalet udfald"), max_length=30, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("begrundelse for anbefalingen"), blank=True)
    follow_up = models.TextField(
        _("opfølgning"),
        blank=True,
        help_text=_("Ved skalering eller justering: planen for det videre forløb. Ved stop: en afsluttende note."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("afleveret"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concluded_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    search_vector = models.GeneratedField(
        expression=evaluation_search_vector(), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        verbose_name = _("evaluering")
        verbose_name_plural = _("evalueringer")
        indexes = [GinIndex(fields=["search_vector"], name="evaluation_search")]

    def __str__(self) -> str:
        return f"{_('Evaluering')} {self.initiative_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class EvaluationIndicator(models.Model):
    """Effect achieved for one indicator of the trial agreement. Name, unit, baseline and
    target are copied from the agreement, so the evaluation shows what it was held to."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="indicator_results")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("indikator"), max_length=200)
    unit = models.CharField(_("måleenhed"), max_length=50)
    baseline = models.DecimalField(_("udgangspunkt"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("mål"), max_digits=14, decimal_places=2)
    achieved = models.DecimalField(_("opnået"), max_digits=14, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("opnået effekt")
        verbose_name_plural = _("opnået effekt")
        constraints = [models.UniqueConstraint(fields=["evaluation", "order"], name="evaluation_indicator_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def attainment(self) -> Decimal | None:
        """How far from baseline towards target, in per cent (100 = target reached; works
        for indicators that should fall as well as rise)."""
        return attainment(baseline=self.baseline, target=self.target, value=self.achieved)

    @property
    def target_met(self) -> bool | None:
        share = self.attainment
        return None if share is None else share >= 100


def attainment(*, baseline: Decimal, target: Decimal, value: Decimal | None) -> Decimal | None:
    if value is None or target == baseline:
        return None
    return ((Decimal(value) - baseline) / (target - baseline) * 100).quantize(Decimal("1"))


class ExemptionAnswer(models.Model):
    """Udfordringsret at the end of a trial: should the exemption from `rule_challenge`
    become permanent, be extended (until a date), or end?"""

    class Answer(models.TextChoices):
        PERMANENT = "permanent", _("Gøres permanent")
        EXTEND = "forlaenges", _("Forlænges")
        END = "ophoerer", _("Ophører")

    rule_challenge = models.OneToOneField(
        "initiatives.RuleChallenge", on_delete=models.CASCADE, related_name="exemption_answer"
    )
    answer = models.CharField(_("svar"), max_length=20, choices=Answer.choices)
    extended_until = models.DateField(_("forlænget til"), null=True, blank=True)
    note = models.TextField(_("bemærkning"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("svar på dispensation")
        verbose_name_plural = _("svar på dispensationer")
        constraints = [
            models.CheckConstraint(
                condition=~Q(answer="forlaenges") | Q(extended_until__isnull=False), name="exemption_extend_needs_date"
            ),
        ]

    def __str__(self) -> str:
        return self.get_answer_display()


def report_path(instance: GeneratedReport, filename: str) -> str:
    # Private storage (settings.STORAGES["default"] has no URL); a view checks permission.
    return f"reports/{instance.pk}/{filename}"


class GeneratedReport(models.Model):
    """A committee report generated by Celery (results.tasks.report_generate) and kept for
    download. `claimed_at` is the worker's lease: a second delivery of the same task finds
    the report claimed or done and does nothing (see results.services.report_generate)."""

    class Kind(models.TextChoices):
        ROUND = "rundrapport", _("Rundrapport til Økonomiudvalget")
        PORTFOLIO = "portefoelje", _("Porteføljerapport for en periode")

    class State(models.TextChoices):
        QUEUED = "i_koe", _("Venter")
        RUNNING = "i_gang", _("Dannes")
        DONE = "faerdig", _("Færdig")
        FAILED = "fejlet", _("Fejlet")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=300)
    params = models.JSONField(default=dict)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_label = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=report_path, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("bestilt af"),
    )
    regenerated_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("results:report_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
