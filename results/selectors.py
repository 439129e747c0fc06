"""Reads for results: the panel on a trial's page, the knowledge base, the dashboard and the
list of reports. Each is permission-scoped by its caller or here, and each page reads a
fixed number of queries whatever its number of rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db.models import Aggregate, Avg, Count, DurationField, F, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.models import Initiative, InitiativeQuerySet, Outcome, Pejlemaerke, Round, RuleChallenge, Status
from initiatives.permissions import can_edit, visible_initiatives
from initiatives.search import MARK_START, MARK_STOP, SEARCH_CONFIG, search_query
from results.charts import Chart, bar_chart, line_chart
from results.models import (
    Evaluation,
    ExemptionAnswer,
    GeneratedReport,
    IndicatorMeasurement,
    StatusReport,
)
from results.permissions import EVALUATING_STATUSES, can_conclude, can_copy
from results.report_data import DECIDED_STATUSES, area_of_units, concluded_at_subquery, exemption_in_force_q
from slagelse_ou import reminders

# --- The panel on a trial's detail page -------------------------------------------------------


@dataclass
class ResultsPanel:
    initiative: Initiative
    private: bool
    charts: list[Chart] = field(default_factory=list)
    reports: list[StatusReport] = field(default_factory=list)
    evaluation: Evaluation | None = None
    rules: list[tuple[RuleChallenge, ExemptionAnswer | None]] = field(default_factory=list)
    can_report: bool = False
    can_evaluate: bool = False
    can_answer: bool = False
    can_conclude: bool = False
    can_copy: bool = False

    @property
    def shows_results(self) -> bool:
        return self.initiative.status in (Status.RUNNING, Status.EVALUATION, Status.CONCLUDED)


def indicator_charts(*, initiative: Initiative, measurements: list[IndicatorMeasurement] | None = None) -> list[Chart]:
    """One line chart per indicator with every measurement (one query, or none when the
    caller has read the measurements; indicators are read from the initiative, prefetched
    by the detail page)."""
    points: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    if measurements is None:
        rows = list(
            IndicatorMeasurement.objects.filter(indicator__initiative=initiative).values_list(
                "indicator_id", "measured_on", "value"
            )
        )
    else:
        rows = [(m.indicator_id, m.measured_on, m.value) for m in measurements]
    for indicator_id, day, value in rows:
        points[indicator_id].append((day, value))
    return [
        line_chart(
            chart_id=f"indikator-{indicator.pk}",
            title=indicator.name,
            points=points[indicator.pk],
            baseline=indicator.baseline,
            target=indicator.target,
            unit=indicator.unit,
        )
        for indicator in initiative.indicators.all()
    ]


def results_panel(*, initiative: Initiative, user, private: bool) -> ResultsPanel:
    """What this user may see and do of the results of `initiative`. Everyone who can open the
    page sees the measurements as charts and — once the trial is concluded — its evaluation;
    the team's status reports, a draft evaluation and the exemption answers are private, and
    are read only for a reader who may see them."""
    panel = ResultsPanel(initiative=initiative, private=private, can_copy=can_copy(user, initiative))
    if not panel.shows_results:
        return panel
    if private or initiative.status == Status.CONCLUDED:
        panel.evaluation = (
            Evaluation.objects.filter(initiative=initiative).prefetch_related("indicator_results").first()
        )
    if not private:
        panel.charts = indicator_charts(initiative=initiative)
        return panel
    indicators = {indicator.pk: indicator for indicator in initiative.indicators.all()}
    to_indicator = IndicatorMeasurement._meta.get_field("indicator")
    reports = list(
        StatusReport.objects.filter(initiative=initiative).select_related("author").prefetch_related("measurements")
    )
    measurements: list[IndicatorMeasurement] = []
    for report in reports:
        for measurement in report.measurements.all():
            to_indicator.set_cached_value(measurement, indicators.get(measurement.indicator_id))
            measurements.append(measurement)
    panel.reports = reports
    # Every measurement belongs to a status report: the charts draw the ones just read.
    measurements.sort(key=lambda m: (m.measured_on, m.pk))
    panel.charts = indicator_charts(initiative=initiative, measurements=measurements)
    answers = {
        answer.rule_challenge_id: answer
        for answer in ExemptionAnswer.objects.filter(rule_challenge__initiative=initiative)
    }
    panel.rules = [(rule, answers.get(rule.pk)) for rule in initiative.rule_challenges.all()]
    # The same rules as results.permissions, with the object permission read once.
    editable = can_edit(user, initiative)
    in_progress = initiative.status in EVALUATING_STATUSES
    panel.can_report = panel.can_evaluate = in_progress and editable
    panel.can_answer = in_progress and (editable or user.is_coordinator)
    panel.can_conclude = can_conclude(user, initiative)
    return panel


# --- The knowledge base -----------------------------------------------------------------------


@dataclass(frozen=True)
class KnowledgeFilters:
    q: str = ""
    outcome: str = ""
    unit: int | None = None
    pejlemaerke: int | None = None
    target_group: str = ""


def knowledge_list(*, user, filters: KnowledgeFilters) -> QuerySet[Initiative]:
    """Concluded trials the user may see — stopped ones included, they are knowledge too —
    with their learnings. A search matches the trial's public text (its generated vector)
    or its learnings (the evaluation's vector); title hits rank first."""
    qs: InitiativeQuerySet = (
        visible_initiatives(user)
        .filter(status=Status.CONCLUDED)
        .select_related("owning_unit", "evaluation")
        .annotate(concluded_at=concluded_at_subquery())
    )
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.unit:
        qs = qs.in_unit_subtree(filters.unit)
    if filters.pejlemaerke:
        qs = qs.filter(pejlemaerker=filters.pejlemaerke)
    if filters.target_group:
        qs = qs.filter(target_group=filters.target_group)
    query = search_query(filters.q)
    if query is None:
        return qs.order_by(F("concluded_at").desc(nulls_last=True), "-pk")

    def text(name: str) -> Coalesce:
        return Coalesce(name, Value(""), output_field=TextField())

    learnings = Concat(
        text("evaluation__what_worked"),
        Value(" "),
        text("evaluation__what_did_not"),
        Value(" "),
        text("evaluation__advice"),
        Value(" "),
        F("summary"),
        output_field=TextField(),
    )
    return (
        qs.filter(Q(search_vector=query) | Q(evaluation__search_vector=query))
        .annotate(
            rank=SearchRank(F("search_vector"), query)
            + Coalesce(SearchRank(F("evaluation__search_vector"), query), 0.0),
            headline=SearchHeadline(
                learnings,
                query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-pk")
    )


# --- The dashboard ----------------------------------------------------------------------------


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass
class Dashboard:
    total: int
    by_status: Chart
    by_area: Chart
    by_pejlemaerke: Chart
    by_outcome: Chart
    decided: int
    days_to_decision_mean: Decimal | None
    days_to_decision_median: Decimal | None
    overdue: list[dict]
    exemptions: list[RuleChallenge]
    rounds: list[Round]
    round: Round | None

    @property
    def charts(self) -> list[Chart]:
        return [self.by_status, self.by_area, self.by_pejlemaerke, self.by_outcome]

    @property
    def overdue_trials(self) -> int:
        return len({row["flag"].initiative_id for row in self.overdue})


def _days(delta: dt.timedelta | None) -> Decimal | None:
    if delta is None:
        return None
    return (Decimal(delta.total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"))


def dashboard(*, round_id: int | None = None) -> Dashboard:
    """The committee's and coordinators' figures over every submitted trial (or one round's),
    by aggregate queries — eleven, whatever the number of trials."""
    rounds = list(Round.objects.all())
    round_ = next((r for r in rounds if r.pk == round_id), None)
    base = Initiative.objects.not_draft()
    if round_ is not None:
        base = base.filter(round=round_)
    by_status = {row["status"]: row["n"] for row in base.values("status").annotate(n=Count("pk")).order_by()}
    areas = area_of_units()
    by_area: Counter = Counter()
    for row in base.values("owning_unit_id").annotate(n=Count("pk")).order_by():
        by_area[areas.get(row["owning_unit_id"], "")] += row["n"]
    through = Initiative.pejlemaerker.through.objects.filter(initiative__in=base)
    by_pejlemaerke = {
        r["pejlemaerke_id"]: r["n"] for r in through.values("pejlemaerke_id").annotate(n=Count("pk")).order_by()
    }
    by_outcome = {
        r["outcome"]: r["n"]
        for r in base.filter(status=Status.CONCLUDED).values("outcome").annotate(n=Count("pk")).order_by()
    }
    timing = base.filter(status__in=DECIDED_STATUSES, decided_at__isnull=False, submitted_at__isnull=False).aggregate(
        n=Count("pk"), mean=Avg(F("decided_at") - F("submitted_at")), median=Median(F("decided_at") - F("submitted_at"))
    )
    overdue = reminders.overdue_flags_open()
    if round_ is not None:
        in_round = set(base.values_list("pk", flat=True))
        overdue = [row for row in overdue if row["flag"].initiative_id in in_round]
    exemptions = list(
        RuleChallenge.objects.filter(exemption_in_force_q(timezone.localdate()), initiative__in=base)
        .select_related("initiative", "exemption_answer")
        .order_by("initiative__title", "pk")
    )
    return Dashboard(
        total=sum(by_status.values()),
        round=round_,
        rounds=rounds,
        by_status=bar_chart(
            chart_id="dash-status",
            title=_("Prøvehandlinger efter status"),
            first_column=_("Status"),
            rows=[(s.label, by_status.get(s.value, 0)) for s in Status if s != Status.DRAFT],
        ),
        by_area=bar_chart(
            chart_id="dash-omraade",
            title=_("Prøvehandlinger efter område"),
            first_column=_("Område"),
            rows=sorted(by_area.items(), key=lambda kv: (-kv[1], kv[0])),
        ),
        by_pejlemaerke=bar_chart(
            chart_id="dash-pejlemaerke",
            title=_("Prøvehandlinger efter pejlemærke"),
            first_column=_("Pejlemærke"),
            rows=[(f"{p.number}. {p.text}", by_pejlemaerke.get(p.pk, 0)) for p in Pejlemaerke.objects.all()],
        ),
        by_outcome=bar_chart(
            chart_id="dash-udfald",
            title=_("Afsluttede prøvehandlinger efter udfald"),
            first_column=_("Udfald"),
            rows=[(o.label, by_outcome.get(o.value, 0)) for o in Outcome],
        ),
        decided=timing["n"],
        days_to_decision_mean=_days(timing["mean"]),
        days_to_decision_median=_days(timing["median"]),
        overdue=overdue,
        exemptions=exemptions,
    )


# --- Reports ------------------------------------------------------------------------------------


def report_list(*, limit: int = 100) -> list[GeneratedReport]:
    return list(GeneratedReport.objects.select_related("generated_by").order_by("-created_at", "-pk")[:limit])
