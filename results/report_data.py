"""The committee reports: what goes into them, gathered in a fixed number of queries, and the
PDF. A report of 200 applications reads exactly as many rows-sets as one of 2 (the test
tests/results/test_report_generation.py counts them), because every list is fetched for all
trials at once and grouped in Python.

Sections (templates/reports/committee_report.html):
- cover, table of contents, key figures and charts (by status, område, pejlemærke, outcome);
- the applications — the round's, or those submitted in the period — each with the
  manager's view, the reviews summarised per principle (verdict counts, never the
  reviewers' words), the reviewers' recommendations and the published decision;
- running trials against their agreed targets (latest measurement per indicator);
- trials concluded in the period with outcome, effect and learnings;
- the register of rule exemptions (udfordringsret).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from criteria.models import (
    Criterion,
    Decision,
    DecisionReason,
    ManagerEndorsement,
    Recommendation,
    Review,
    ReviewScore,
    Verdict,
)
from criteria.selectors import latest_decision, verdict_suggest
from initiatives.models import (
    Initiative,
    InitiativeEvent,
    Outcome,
    Pejlemaerke,
    Round,
    RuleChallenge,
    Status,
    TeamMember,
)
from results.charts import Chart, bar_chart
from results.models import (
    Evaluation,
    EvaluationIndicator,
    ExemptionAnswer,
    GeneratedReport,
    IndicatorMeasurement,
    StatusReport,
    attainment,
)
from slagelse_ou.models import OrgUnit, OverdueFlag

if TYPE_CHECKING:
    from results.pdf import RenderedPdf

RUNNING_STATUSES = (Status.RUNNING, Status.EVALUATION)
DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.RUNNING, Status.EVALUATION, Status.CONCLUDED)
REGISTER_STATUSES = (Status.APPROVED, Status.RUNNING, Status.EVALUATION, Status.CONCLUDED)


# --- Shapes -----------------------------------------------------------------------------------


@dataclass
class PrincipleLine:
    criterion: Criterion
    counts: dict[str, int]
    prevailing: str = ""
    decided_verdict: str = ""
    decided_reason: str = ""

    @property
    def summary(self) -> list[tuple[str, int]]:
        return [(str(Verdict(v).label), n) for v, n in self.counts.items() if n]


@dataclass
class Application:
    initiative: Initiative
    decision: Decision | None
    endorsement: ManagerEndorsement | None
    principles: list[PrincipleLine]
    recommendations: list[tuple[str, int]]
    reviews_submitted: int

    @property
    def anchor(self) -> str:
        return f"ansoegning-{self.initiative.pk}"


@dataclass
class IndicatorProgress:
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest: Decimal | None = None
    latest_on: dt.date | None = None

    @property
    def attainment(self) -> Decimal | None:
        return attainment(baseline=self.baseline, target=self.target, value=self.latest)

    @property
    def bar(self) -> int:
        """Width of the progress bar in per cent (0–100)."""
        share = self.attainment
        return 0 if share is None else max(0, min(100, int(share)))


@dataclass
class RunningTrial:
    initiative: Initiative
    indicators: list[IndicatorProgress]
    last_report_on: dt.date | None
    overdue: bool


@dataclass
class ExemptionEntry:
    rule: RuleChallenge
    answer: ExemptionAnswer | None
    in_force: bool


@dataclass
class Figures:
    applications: int = 0
    approved: int = 0
    rejected: int = 0
    pending: int = 0
    running: int = 0
    concluded: int = 0
    exemptions_in_force: int = 0
    overdue: int = 0
    decided: int = 0
    days_to_decision_mean: Decimal | None = None
    days_to_decision_median: Decimal | None = None
    outcomes: dict[str, int] = field(default_factory=dict)


@dataclass
class ReportData:
    title: str
    subtitle: str
    period_from: dt.date
    period_to: dt.date
    generated_at: dt.datetime
    generated_by: str
    figures: Figures
    charts: list[Chart]
    criteria: list[Criterion]
    applications: list[Application]
    running: list[RunningTrial]
    concluded: list[Initiative]
    exemptions: list[ExemptionEntry]
    kind: str = GeneratedReport.Kind.ROUND


# --- Shared helpers (also used by the dashboard) ----------------------------------------------


def area_of_units() -> dict[int, str]:
    """unit id → the name of its område (the level below the municipality), so the charts
    group by the few areas instead of by dozens of units. One query over the unit tree."""
    units = list(OrgUnit.objects.only("pk", "name", "path"))
    names = {u.pk: u.name for u in units}
    areas = {}
    for unit in units:
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        areas[unit.pk] = names.get(ids[1] if len(ids) > 1 else unit.pk, unit.name)
    return areas


def exemption_in_force_q(today: dt.date) -> Q:
    """A rule challenge whose exemption applies today: the trial is approved, running or
    being evaluated and the exemption has not run out; or, after the trial, it was made
    permanent or extended beyond today."""
    during = Q(initiative__status__in=[Status.APPROVED, *RUNNING_STATUSES]) & (
        Q(granted_until__isnull=True) | Q(granted_until__gte=today)
    )
    after = Q(exemption_answer__answer=ExemptionAnswer.Answer.PERMANENT) | Q(
        exemption_answer__answer=ExemptionAnswer.Answer.EXTEND, exemption_answer__extended_until__gte=today
    )
    return during | (Q(initiative__status=Status.CONCLUDED) & after)


def concluded_at_subquery() -> Subquery:
    return Subquery(
        InitiativeEvent.objects.filter(initiative=OuterRef("pk"), action="conclude")
        .order_by("-created_at")
        .values("created_at")[:1]
    )


def days_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    return (Decimal((end - start).total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"))


# --- Gathering ----------------------------------------------------------------------------------


def _applications(qs: QuerySet[Initiative]) -> list[Application]:
    """The applications with their review summaries: five queries for the initiatives and
    their related rows, two grouped queries for the scores and recommendations, one for
    the criteria — whatever the number of applications."""
    initiatives = list(
        qs.select_related("owning_unit", "owner", "round")
        .prefetch_related(
            "pejlemaerker",
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("criteria_set").prefetch_related(
                    Prefetch("reasons", queryset=DecisionReason.objects.order_by("criterion__order"))
                ),
            ),
            Prefetch("endorsements", queryset=ManagerEndorsement.objects.select_related("manager")),
        )
        .order_by("owning_unit__name", "title", "pk")
    )
    ids = [i.pk for i in initiatives]
    # A trial's "round" of reviews: the one its latest decision closed, or the open one.
    round_of: dict[int, int | None] = {}
    for initiative in initiatives:
        latest = next(iter(initiative.decisions.all()), None)
        in_review = initiative.status in (Status.SUBMITTED, Status.IN_REVIEW)
        round_of[initiative.pk] = None if in_review or latest is None else latest.pk
    scores = (
        ReviewScore.objects.filter(review__submitted_at__isnull=False, review__assignment__initiative_id__in=ids)
        .exclude(verdict="")
        .values(
            "review__assignment__initiative_id",
            "review__assignment__decision_id",
            "review__criteria_set_id",
            "criterion_id",
            "verdict",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    set_of: dict[int, int] = {}
    for row in scores:
        initiative_id = row["review__assignment__initiative_id"]
        if row["review__assignment__decision_id"] != round_of.get(initiative_id):
            continue
        counts[initiative_id][row["criterion_id"]][row["verdict"]] += row["n"]
        set_of[initiative_id] = row["review__criteria_set_id"]
    recommendations = (
        Review.objects.filter(submitted_at__isnull=False, assignment__initiative_id__in=ids)
        .values("assignment__initiative_id", "assignment__decision_id", "recommendation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    recs: dict[int, Counter] = defaultdict(Counter)
    for rec in recommendations:
        initiative_id = rec["assignment__initiative_id"]
        if rec["assignment__decision_id"] == round_of.get(initiative_id) and rec["recommendation"]:
            recs[initiative_id][rec["recommendation"]] += rec["n"]
    criteria_by_set: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.order_by("criteria_set_id", "order"):
        criteria_by_set[criterion.criteria_set_id].append(criterion)
    entries = []
    for initiative in initiatives:
        decision = None
        if round_of[initiative.pk] is not None:
            decision = next(iter(initiative.decisions.all()))
        criteria_set_id = set_of.get(initiative.pk) or (decision.criteria_set_id if decision else None)
        reasons = {r.criterion_id: r for r in decision.reasons.all()} if decision else {}
        lines = []
        for criterion in criteria_by_set.get(criteria_set_id, []) if criteria_set_id is not None else []:
            verdicts = counts[initiative.pk][criterion.pk]
            reason = reasons.get(criterion.pk)
            lines.append(
                PrincipleLine(
                    criterion=criterion,
                    counts={v: verdicts.get(v, 0) for v in Verdict.values},
                    prevailing=str(Verdict(verdict_suggest(verdicts)).label) if verdicts else "",
                    decided_verdict=reason.get_verdict_display() if reason else "",
                    decided_reason=reason.reason if reason else "",
                )
            )
        endorsement = next((e for e in initiative.endorsements.all() if e.submission == initiative.submitted_at), None)
        entries.append(
            Application(
                initiative=initiative,
                decision=decision,
                endorsement=endorsement,
                principles=lines,
                recommendations=[(str(Recommendation(r).label), n) for r, n in recs[initiative.pk].most_common()],
                reviews_submitted=sum(recs[initiative.pk].values()),
            )
        )
    return entries


def _running() -> list[RunningTrial]:
    """Every running trial (and those being evaluated) with the latest value per indicator:
    three queries — the trials (with their last report and an overdue flag annotated), their
    indicators, and one DISTINCT ON for the latest measurements."""
    overdue = OverdueFlag.objects.filter(initiative_id=OuterRef("pk"), resolved_at__isnull=True)
    trials = list(
        Initiative.objects.filter(status__in=RUNNING_STATUSES)
        .select_related("owning_unit", "owner")
        .prefetch_related("indicators")
        .annotate(last_report_on=Max("status_reports__reported_on"), overdue=Exists(overdue))
        .order_by("owning_unit__name", "title", "pk")
    )
    latest = {
        m.indicator_id: m
        for m in IndicatorMeasurement.objects.filter(indicator__initiative__status__in=RUNNING_STATUSES)
        .order_by("indicator_id", "-measured_on", "-pk")
        .distinct("indicator_id")
    }
    result = []
    for trial in trials:
        indicators = []
        for indicator in trial.indicators.all():
            measurement = latest.get(indicator.pk)
            indicators.append(
                IndicatorProgress(
                    name=indicator.name,
                    unit=indicator.unit,
                    baseline=indicator.baseline,
                    target=indicator.target,
                    latest=measurement.value if measurement else None,
                    latest_on=measurement.measured_on if measurement else None,
                )
            )
        result.append(
            RunningTrial(
                initiative=trial, indicators=indicators, last_report_on=trial.last_report_on, overdue=trial.overdue
            )
        )
    return result


def _concluded(*, period_from: dt.date, period_to: dt.date) -> list[Initiative]:
    """Trials concluded in the period, stopped ones included, with evaluation and effect."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return list(
        Initiative.objects.filter(status=Status.CONCLUDED)
        .annotate(concluded_at=concluded_at_subquery())
        .filter(concluded_at__gte=start, concluded_at__lt=end)
        .select_related("owning_unit", "evaluation")
        .prefetch_related(Prefetch("evaluation__indicator_results", queryset=EvaluationIndicator.objects.all()))
        .order_by("outcome", "title", "pk")
    )


def _exemptions(*, today: dt.date, period_from: dt.date) -> list[ExemptionEntry]:
    """The register: every exemption in force today, and those answered since the period
    began (so the committee sees what was made permanent, extended or ended). One query."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(period_from, dt.time.min, tzinfo=tz)
    rules = (
        RuleChallenge.objects.filter(initiative__status__in=REGISTER_STATUSES)
        .filter(exemption_in_force_q(today) | Q(exemption_answer__answered_at__gte=since))
        .annotate(in_force=Exists(RuleChallenge.objects.filter(exemption_in_force_q(today), pk=OuterRef("pk"))))
        .select_related("initiative__owning_unit", "exemption_answer")
        .order_by("initiative__title", "pk")
    )
    entries = []
    for rule in rules:
        answer = getattr(rule, "exemption_answer", None)
        entries.append(ExemptionEntry(rule=rule, answer=answer, in_force=rule.in_force))
    return entries


def _figures(
    *,
    applications: list[Application],
    running: list[RunningTrial],
    concluded: list[Initiative],
    exemptions: list[ExemptionEntry],
) -> Figures:
    figures = Figures(applications=len(applications), running=len(running), concluded=len(concluded))
    durations: list[Decimal] = []
    for entry in applications:
        initiative = entry.initiative
        if initiative.status in DECIDED_STATUSES and initiative.status != Status.REJECTED:
            figures.approved += 1
        elif initiative.status == Status.REJECTED:
            figures.rejected += 1
        else:
            figures.pending += 1
        if initiative.decided_at and initiative.submitted_at and initiative.status in DECIDED_STATUSES:
            durations.append(days_between(initiative.submitted_at, initiative.decided_at))
    if durations:
        figures.decided = len(durations)
        figures.days_to_decision_mean = (sum(durations, Decimal(0)) / len(durations)).quantize(Decimal("0.1"))
        figures.days_to_decision_median = Decimal(median(durations)).quantize(Decimal("0.1"))
    figures.outcomes = {str(o.label): sum(1 for i in concluded if i.outcome == o.value) for o in Outcome}
    figures.exemptions_in_force = sum(1 for e in exemptions if e.in_force)
    figures.overdue = sum(1 for r in running if r.overdue)
    return figures


def _charts(
    *,
    applications: list[Application],
    concluded: list[Initiative],
    pejlemaerker: list[Pejlemaerke],
    areas: dict[int, str],
) -> list[Chart]:
    by_status = Counter(entry.initiative.status for entry in applications)
    by_area = Counter(areas.get(entry.initiative.owning_unit_id, "") for entry in applications)
    by_pejlemaerke = Counter(p.pk for entry in applications for p in entry.initiative.pejlemaerker.all())
    return [
        bar_chart(
            chart_id="chart-status",
            title=_("Ansøgninger efter status"),
            first_column=_("Status"),
            rows=[(s.label, by_status[s.value]) for s in Status if by_status[s.value]],
        ),
        bar_chart(
            chart_id="chart-omraade",
            title=_("Ansøgninger efter område"),
            first_column=_("Område"),
            rows=sorted(by_area.items(), key=lambda kv: (-kv[1], kv[0])),
        ),
        bar_chart(
            chart_id="chart-pejlemaerke",
            title=_("Ansøgninger efter pejlemærke"),
            first_column=_("Pejlemærke"),
            rows=[(f"{p.number}. {p.text}", by_pejlemaerke[p.pk]) for p in pejlemaerker],
        ),
        bar_chart(
            chart_id="chart-udfald",
            title=_("Afsluttede prøvehandlinger efter udfald"),
            first_column=_("Udfald"),
            rows=[(o.label, sum(1 for i in concluded if i.outcome == o.value)) for o in Outcome],
        ),
    ]


def _assemble(
    *,
    kind: str,
    title: str,
    subtitle: str,
    applications_qs: QuerySet[Initiative],
    period_from: dt.date,
    period_to: dt.date,
    generated_by: str,
) -> ReportData:
    today = timezone.localdate()
    applications = _applications(applications_qs)
    running = _running()
    concluded = _concluded(period_from=period_from, period_to=period_to)
    exemptions = _exemptions(today=today, period_from=period_from)
    pejlemaerker = list(Pejlemaerke.objects.all())
    criteria = sorted(
        {line.criterion.pk: line.criterion for a in applications for line in a.principles}.values(),
        key=lambda c: (c.criteria_set_id, c.order),
    )
    return ReportData(
        kind=kind,
        title=title,
        subtitle=subtitle,
        period_from=period_from,
        period_to=period_to,
        generated_at=timezone.now(),
        generated_by=generated_by,
        figures=_figures(applications=applications, running=running, concluded=concluded, exemptions=exemptions),
        charts=_charts(
            applications=applications, concluded=concluded, pejlemaerker=pejlemaerker, areas=area_of_units()
        ),
        criteria=criteria,
        applications=applications,
        running=running,
        concluded=concluded,
        exemptions=exemptions,
    )


def round_report_data(*, round_id: int, generated_by: str = "") -> ReportData:
    """The round's applications; running trials now; trials concluded from the round's
    opening to its committee meeting; the exemption register."""
    round_ = Round.objects.get(pk=round_id)
    return _assemble(
        kind=GeneratedReport.Kind.ROUND,
        title=_("Rundrapport til Økonomiudvalget"),
        subtitle=round_.title,
        applications_qs=Initiative.objects.filter(round=round_).not_draft(),
        period_from=round_.opens_on,
        period_to=max(round_.committee_meeting_on, round_.opens_on),
        generated_by=generated_by,
    )


def portfolio_report_data(*, date_from: dt.date, date_to: dt.date, generated_by: str = "") -> ReportData:
    """All trials, not one round: applications submitted in the period, running trials,
    trials concluded in the period, the exemption register."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return _assemble(
        kind=GeneratedReport.Kind.PORTFOLIO,
        title=_("Porteføljerapport"),
        subtitle=_("Alle prøvehandlinger i perioden"),
        applications_qs=Initiative.objects.not_draft().filter(submitted_at__gte=start, submitted_at__lt=end),
        period_from=date_from,
        period_to=date_to,
        generated_by=generated_by,
    )


def report_data_for(report: GeneratedReport) -> ReportData:
    by = str(report.generated_by) if report.generated_by else ""
    if report.kind == GeneratedReport.Kind.ROUND:
        return round_report_data(round_id=report.params["round_id"], generated_by=by)
    return portfolio_report_data(
        date_from=dt.date.fromisoformat(report.params["date_from"]),
        date_to=dt.date.fromisoformat(report.params["date_to"]),
        generated_by=by,
    )


def report_html(data: ReportData) -> str:
    """The report's HTML, always in Danish (the committee's language) whoever ordered it."""
    with translation.override("da"):
        return render_to_string("reports/committee_report.html", {"report": data})


def report_pdf(*, report: GeneratedReport, progress: Callable[[int, str], None] | None = None) -> RenderedPdf:
    from results.pdf import html_to_pdf  # WeasyPrint is loaded only where PDFs are made

    progress = progress or (lambda percent, label: None)
    with translation.override("da"):
        data = report_data_for(report)
        progress(30, _("Sætter rapporten op"))
        html = report_html(data)
        progress(45, _("Opdeler i sider"))
        return html_to_pdf(html, on_layout=lambda: progress(85, _("Skriver PDF")))


# --- The one-page PDF of a trial ----------------------------------------------------------------


def initiative_onepager_html(*, initiative_id: int, private: bool) -> str:
    """One page about one trial. `private` adds the internal fields (owner, team, risks,
    challenged rules, the latest status report); without it only what the public detail
    page shows is read at all — reviews never are, in either case."""
    with translation.override("da"):
        initiative = (
            Initiative.objects.select_related("owning_unit", "owner")
            .prefetch_related(
                "pejlemaerker",
                "indicators",
                Prefetch("team", queryset=TeamMember.objects.select_related("user")),
                Prefetch("rule_challenges", queryset=RuleChallenge.objects.select_related("exemption_answer")),
            )
            .get(pk=initiative_id)
        )
        latest = {
            m.indicator_id: m
            for m in IndicatorMeasurement.objects.filter(indicator__initiative=initiative)
            .order_by("indicator_id", "-measured_on", "-pk")
            .distinct("indicator_id")
        }
        indicators = [
            IndicatorProgress(
                name=i.name,
                unit=i.unit,
                baseline=i.baseline,
                target=i.target,
                latest=latest[i.pk].value if i.pk in latest else None,
                latest_on=latest[i.pk].measured_on if i.pk in latest else None,
            )
            for i in initiative.indicators.all()
        ]
        evaluation = None
        if private or initiative.status == Status.CONCLUDED:
            evaluation = Evaluation.objects.filter(initiative=initiative).prefetch_related("indicator_results").first()
        context = {
            "initiative": initiative,
            "private": private,
            "indicators": indicators,
            "evaluation": evaluation,
            "decision": latest_decision(initiative=initiative) if initiative.status != Status.DRAFT else None,
            "latest_report": StatusReport.objects.filter(initiative=initiative).first() if private else None,
            "printed_at": timezone.now(),
        }
        return render_to_string("reports/initiative_onepager.html", context)


def initiative_onepager_pdf(*, initiative_id: int, private: bool) -> RenderedPdf:
    from results.pdf import html_to_pdf

    return html_to_pdf(initiative_onepager_html(initiative_id=initiative_id, private=private))
