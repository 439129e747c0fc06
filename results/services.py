"""Every write of results/: status reports and measurements, the evaluation and the answers to
rule exemptions, the coordinator's conclusion (through the lifecycle service), copying a
concluded trial into a new draft, and requesting and generating committee reports.

Writes that concern a trial lock its row first (`initiatives.services.initiative_lock`), so they
queue behind a status change happening at the same moment and see its result; each writes
an entry to the trial's audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from criteria.selectors import trial_agreement_for
from initiatives import services as lifecycle
from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import Indicator, Initiative, Round, RuleChallenge, Status
from initiatives.permissions import can_view_private
from results.models import (
    Evaluation,
    EvaluationIndicator,
    ExemptionAnswer,
    GeneratedReport,
    IndicatorMeasurement,
    StatusReport,
)
from results.permissions import (
    EVALUATING_STATUSES,
    REPORTING_STATUSES,
    can_copy,
    can_read_committee_material,
)
from slagelse_ou import roles
from slagelse_ou.models import User
from slagelse_ou.outbox import lease_expired
from slagelse_ou.services import notifications_create

logger = logging.getLogger(__name__)

# A worker holding a report longer than this is presumed dead; a redelivered task (acks_late)
# may then take the report over. Far above the time of the largest report (`make bench`).
REPORT_LEASE_SECONDS = 900


class EvaluationIncomplete(DomainError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(_("Evalueringen mangler: %(missing)s.") % {"missing": ", ".join(missing)})


def _coordinators() -> list[User]:
    return list(User.objects.filter(groups__name=roles.SEKRETARIAT, is_active=True))


def _require_editor_in(*, initiative: Initiative, actor: User, statuses: Sequence[str], what: str) -> None:
    lifecycle.initiative_require_editor(initiative=initiative, actor=actor)
    if initiative.status not in statuses:
        raise ActionForbidden(
            _("%(what)s kan ikke ændres, når prøvehandlingen har status “%(status)s”.")
            % {"what": what, "status": initiative.get_status_display()}
        )


# --- Status reports ------------------------------------------------------------------------


@transaction.atomic
def status_report_create(
    *,
    initiative_id: int,
    actor: User,
    reported_on: dt.date,
    narrative: str,
    obstacles: str = "",
    help_needed: str = "",
    measurements: Mapping[int, Decimal] | None = None,
) -> StatusReport:
    """Post a status report with measurements (indicator id → value) on `reported_on`.

    Owner or team only, while the trial runs or is evaluated. A report posted resets the
    status-report deadline (it counts from the latest report's `created_at`). If the team
    asks for help, the coordinators are notified.
    """
    initiative = lifecycle.initiative_lock(initiative_id)
    _require_editor_in(initiative=initiative, actor=actor, statuses=REPORTING_STATUSES, what=_("Statusrapporter"))
    if not narrative.strip():
        raise DomainError(_("Fortæl kort, hvad der er sket siden sidst."))
    if reported_on > timezone.localdate():
        raise DomainError(_("Datoen for målingerne kan ikke ligge i fremtiden."))
    measurements = {k: v for k, v in (measurements or {}).items() if v is not None}
    known = set(Indicator.objects.filter(initiative=initiative).values_list("pk", flat=True))
    if set(measurements) - known:
        raise DomainError(_("En af indikatorerne hører ikke til prøvehandlingen."))
    report = StatusReport.objects.create(
        initiative=initiative,
        author=actor,
        reported_on=reported_on,
        narrative=narrative.strip(),
        obstacles=obstacles.strip(),
        help_needed=help_needed.strip(),
    )
    IndicatorMeasurement.objects.bulk_create(
        [
            IndicatorMeasurement(status_report=report, indicator_id=pk, value=value, measured_on=reported_on)
            for pk, value in measurements.items()
        ]
    )
    lifecycle.initiative_event_record(
        initiative=initiative,
        actor=actor,
        action="status_report_add",
        data={"status_report": report.pk, "measurements": len(measurements)},
    )
    if report.help_needed:
        notifications_create(
            recipients=[u for u in _coordinators() if u.pk != actor.pk],
            subject=_("“%(title)s” beder om hjælp") % {"title": initiative.title},
            body=report.help_needed,
            url=reverse("initiatives:detail", args=[initiative.pk]),
        )
    return report


# --- The evaluation and the exemptions -------------------------------------------------------


def _agreement_indicators(initiative: Initiative) -> list[dict[str, Any]]:
    """What the evaluation is held to: the trial agreement fixed at approval; a trial
    approved before agreements existed is held to its indicators as they stand."""
    agreement = trial_agreement_for(initiative=initiative)
    if agreement is not None:
        rows = agreement.indicators
    else:
        rows = list(Indicator.objects.filter(initiative=initiative).values("name", "unit", "baseline", "target"))
    return [
        {
            "order": i,
            "name": r["name"],
            "unit": r["unit"],
            "baseline": Decimal(str(r["baseline"])),
            "target": Decimal(str(r["target"])),
        }
        for i, r in enumerate(rows)
    ]


def evaluation_start(*, initiative: Initiative, actor: User | None) -> Evaluation:
    """The trial's evaluation, created on first use with one row per agreed indicator."""
    evaluation, created = Evaluation.objects.get_or_create(initiative=initiative, defaults={"created_by": actor})
    if created:
        EvaluationIndicator.objects.bulk_create(
            [EvaluationIndicator(evaluation=evaluation, **row) for row in _agreement_indicators(initiative)]
        )
    return evaluation


EVALUATION_FIELDS = (
    "effect_summary",
    "what_worked",
    "what_did_not",
    "advice",
    "recommended_outcome",
    "reason",
    "follow_up",
)


def evaluation_missing(*, evaluation: Evaluation, rules: Sequence[RuleChallenge], answered: set[int]) -> list[str]:
    """What a submission still lacks, in Danish, in form order."""
    missing = []
    if (
        not any(r.achieved is not None for r in evaluation.indicator_results.all())
        and evaluation.indicator_results.exists()
    ):
        missing.append(_("den opnåede værdi for mindst én indikator"))
    if not (evaluation.what_worked.strip() or evaluation.what_did_not.strip() or evaluation.advice.strip()):
        missing.append(_("erfaringer (hvad virkede, hvad virkede ikke eller råd til andre)"))
    if not evaluation.recommended_outcome:
        missing.append(_("et anbefalet udfald"))
    if not evaluation.reason.strip():
        missing.append(_("en begrundelse for anbefalingen"))
    if not evaluation.follow_up.strip():
        missing.append(_("en opfølgning (plan for skalering eller afsluttende note)"))
    unanswered = [r.rule for r in rules if r.pk not in answered]
    if unanswered:
        missing.append(_("svar på dispensationen fra: %(rules)s") % {"rules": "; ".join(unanswered)})
    return missing


@transaction.atomic
def evaluation_save(
    *,
    initiative_id: int,
    actor: User,
    data: Mapping[str, Any],
    indicator_results: Mapping[int, tuple[Decimal | None, str]] | None = None,
    exemption_answers: Mapping[int, Mapping[str, Any]] | None = None,
    submit: bool = False,
) -> Evaluation:
    """Save the evaluation (`data`: EVALUATION_FIELDS), the effect achieved per agreed
    indicator (order → (achieved, comment)) and the answers to the rule exemptions
    (rule challenge id → answer, extended_until, note).

    With `submit` the evaluation must be complete (EvaluationIncomplete lists what is
    missing, and nothing is saved); a running trial then moves to "evaluering" through the
    lifecycle, and the coordinators are told it is ready to conclude.
    """
    initiative = lifecycle.initiative_lock(initiative_id)
    _require_editor_in(initiative=initiative, actor=actor, statuses=EVALUATING_STATUSES, what=_("Evalueringen"))
    evaluation = evaluation_start(initiative=initiative, actor=actor)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    for key in EVALUATION_FIELDS:
        if key in data:
            setattr(evaluation, key, (data[key] or "").strip())
    evaluation.save()
    rows = {row.order: row for row in evaluation.indicator_results.all()}
    for order, (achieved, comment) in (indicator_results or {}).items():
        row = rows.get(order)
        if row is None:
            raise DomainError(_("En af indikatorerne findes ikke i prøvehandlingsaftalen."))
        row.achieved, row.comment = achieved, (comment or "").strip()
        row.save(update_fields=["achieved", "comment"])
    rules = list(RuleChallenge.objects.filter(initiative=initiative))
    for rule_id, answer in (exemption_answers or {}).items():
        _exemption_answer_write(initiative=initiative, rule_id=rule_id, actor=actor, **answer)
    if submit:
        answered = set(
            ExemptionAnswer.objects.filter(rule_challenge__initiative=initiative).values_list(
                "rule_challenge_id", flat=True
            )
        )
        missing = evaluation_missing(evaluation=evaluation, rules=rules, answered=answered)
        if missing:
            raise EvaluationIncomplete(missing)
        evaluation.submitted_at, evaluation.submitted_by = timezone.now(), actor
        evaluation.save(update_fields=["submitted_at", "submitted_by", "updated_at"])
        if initiative.status == Status.RUNNING:
            lifecycle.initiative_begin_evaluation(
                initiative_id=initiative.pk, actor=actor, note=_("Evalueringen er afleveret.")
            )
        notifications_create(
            recipients=[u for u in _coordinators() if u.pk != actor.pk],
            subject=_("Evalueringen af “%(title)s” er klar til afslutning") % {"title": initiative.title},
            body=_("Anbefalet udfald: %(outcome)s.") % {"outcome": evaluation.get_recommended_outcome_display()},
            url=reverse("initiatives:detail", args=[initiative.pk]),
        )
    lifecycle.initiative_event_record(
        initiative=initiative,
        actor=actor,
        action="evaluation_submit" if submit else "evaluation_save",
        data={"evaluation": evaluation.pk},
    )
    return evaluation


def _exemption_answer_write(
    *,
    initiative: Initiative,
    rule_id: int,
    actor: User,
    answer: str,
    extended_until: dt.date | None = None,
    note: str = "",
) -> ExemptionAnswer:
    rule = RuleChallenge.objects.filter(pk=rule_id, initiative=initiative).first()
    if rule is None:
        raise DomainError(_("Reglen hører ikke til prøvehandlingen."))
    if answer not in ExemptionAnswer.Answer.values:
        raise DomainError(
            _("Vælg om dispensationen fra “%(rule)s” skal gøres permanent, forlænges eller ophøre.")
            % {"rule": rule.rule}
        )
    if answer == ExemptionAnswer.Answer.EXTEND:
        if not extended_until:
            raise DomainError(
                _("Skriv, hvor længe dispensationen fra “%(rule)s” skal forlænges.") % {"rule": rule.rule}
            )
        if extended_until <= timezone.localdate():
            raise DomainError(_("En forlængelse skal gælde til en dato efter i dag."))
    row, _created = ExemptionAnswer.objects.update_or_create(
        rule_challenge=rule,
        defaults={
            "answer": answer,
            "extended_until": extended_until if answer == ExemptionAnswer.Answer.EXTEND else None,
            "note": (note or "").strip(),
            "answered_by": actor,
            "answered_at": timezone.now(),
        },
    )
    lifecycle.initiative_event_record(
        initiative=initiative,
        actor=actor,
        action="exemption_answer",
        data={"rule_challenge": rule.pk, "answer": answer},
    )
    return row


@transaction.atomic
def exemption_answer_set(
    *, rule_challenge_id: int, actor: User, answer: str, extended_until: dt.date | None = None, note: str = ""
) -> ExemptionAnswer:
    """Answer one exemption: the team (proposing) or a coordinator (administering the
    register), while the trial runs or is evaluated. Answering again replaces the answer."""
    initiative_id = RuleChallenge.objects.values_list("initiative_id", flat=True).get(pk=rule_challenge_id)
    initiative = lifecycle.initiative_lock(initiative_id)
    if initiative.status not in EVALUATING_STATUSES:
        raise ActionForbidden(_("Dispensationer besvares, mens prøvehandlingen er i gang eller evalueres."))
    if not actor.is_coordinator:
        lifecycle.initiative_require_editor(initiative=initiative, actor=actor)
    return _exemption_answer_write(
        initiative=initiative,
        rule_id=rule_challenge_id,
        actor=actor,
        answer=answer,
        extended_until=extended_until,
        note=note,
    )


def evaluation_conclude(*, initiative_id: int, actor: User, outcome: str, note: str) -> Initiative:
    """The coordinator concludes the trial — skaleret, videreført med justering or stoppet —
    through the lifecycle service (`initiative_conclude`: locks, checks, audits, notifies).
    This is the service behind the trial page's "Afslut" (registered in ResultsConfig.ready).

    Refused until the team's evaluation is submitted and every exemption is answered, so
    the knowledge base never holds a concluded trial without its learnings. Concluding
    an already concluded trial (double click) returns it unchanged.
    """

    def learnings_in(initiative: Initiative) -> None:
        # Runs under the trial's row lock, after the lifecycle's actor, status, note and outcome checks.
        evaluation = Evaluation.objects.filter(initiative=initiative).first()
        if evaluation is None or not evaluation.is_submitted:
            raise DomainError(_("Teamet har ikke afleveret evalueringen endnu."))
        unanswered = list(
            RuleChallenge.objects.filter(initiative=initiative, exemption_answer__isnull=True).values_list(
                "rule", flat=True
            )
        )
        if unanswered:
            raise DomainError(_("Dispensationen fra %(rules)s er ikke besvaret.") % {"rules": "; ".join(unanswered)})

    return lifecycle.initiative_conclude(
        initiative_id=initiative_id, actor=actor, outcome=outcome, note=note, guard=learnings_in
    )


def evaluation_concluded(*, initiative: Initiative, **kwargs: Any) -> None:
    """Hook (initiatives.workflow.initiative_concluded): the evaluation is closed with the trial."""
    Evaluation.objects.filter(initiative=initiative).update(concluded_at=timezone.now())


# --- The knowledge base -----------------------------------------------------------------------


def initiative_copy(*, initiative_id: int, actor: User) -> Initiative:
    """ "Kopiér denne prøvehandling": a new draft owned by `actor`, with the concluded
    trial's idea, hypothesis, pejlemærker, mantras, indicators and challenged rules (not
    its team, partners, dates, attachments or results), linked by `copied_from`.

    A copy carries only what the copier may read (issue 13.3): the resources and the
    challenged rules with their exemptions are on the trial's private page, so they are
    copied only for a reader of the private parts (owner, team, unit manager, secretariat)."""
    source = (
        Initiative.objects.select_related("owning_unit")
        .prefetch_related("pejlemaerker", "mantras", "indicators", "rule_challenges")
        .get(pk=initiative_id)
    )
    if not can_copy(actor, source):
        raise ActionForbidden(_("Kun afsluttede prøvehandlinger kan kopieres."))
    private = can_view_private(actor, source)
    public_keys = ("summary", "problem", "idea", "hypothesis", "expected_effect")
    data = {key: getattr(source, key) for key in (*public_keys, *(("resources",) if private else ()))}
    data["title"] = (_("Kopi af: %(title)s") % {"title": source.title})[:200]
    data["owning_unit"] = actor.unit or source.owning_unit
    return lifecycle.initiative_create(
        owner=actor,
        data=data,
        copied_from=source,
        pejlemaerker=list(source.pejlemaerker.all()),
        mantras=list(source.mantras.all()),
        indicators=[
            {"name": i.name, "unit": i.unit, "baseline": i.baseline, "target": i.target, "order": i.order}
            for i in source.indicators.all()
        ],
        rule_challenges=[
            {"rule": r.rule, "kind": r.kind, "exemption_needed": r.exemption_needed}
            for r in (source.rule_challenges.all() if private else ())
        ],
    )


# --- Committee reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    params: dict[str, Any]
    title: str


def report_params(
    *, kind: str, round_id: int | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> ReportRequest:
    """Validate what was asked for and name the report, in Danish."""
    if kind == GeneratedReport.Kind.ROUND:
        round_ = Round.objects.filter(pk=round_id).first() if round_id else None
        if round_ is None:
            raise DomainError(_("Vælg den ansøgningsrunde, rapporten skal handle om."))
        return ReportRequest(
            kind=kind, params={"round_id": round_.pk}, title=_("Rundrapport: %(round)s") % {"round": round_.title}
        )
    if kind == GeneratedReport.Kind.PORTFOLIO:
        if not date_from or not date_to:
            raise DomainError(_("Vælg både start- og slutdato for perioden."))
        if date_to < date_from:
            raise DomainError(_("Slutdatoen skal ligge efter startdatoen."))
        with translation.override("da"):
            from django.utils import formats

            span = f"{formats.date_format(date_from, 'j. F Y')} – {formats.date_format(date_to, 'j. F Y')}"
        return ReportRequest(
            kind=kind,
            params={"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
            title=_("Porteføljerapport %(span)s") % {"span": span},
        )
    raise DomainError(_("Ukendt rapporttype."))


def _enqueue(report_id: int) -> None:
    """Hand the report to a worker once the row is committed. robust=True and retry=False:
    a dead broker must not fail the request; the report then waits as "Venter" until the
    beat sweep (results.tasks.reports_sweep) hands it over, or it is ordered again."""
    from results.tasks import report_generate

    transaction.on_commit(
        lambda: report_generate.apply_async(kwargs={"report_id": report_id}, retry=False), robust=True
    )


@transaction.atomic
def report_request(
    *,
    actor: User,
    kind: str,
    round_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> GeneratedReport:
    """Order a report; a Celery worker generates it (results.tasks.report_generate)."""
    if not can_read_committee_material(actor):
        raise ActionForbidden(_("Kun sekretariatet og udvalgets medlemmer kan bestille rapporter."))
    request = report_params(kind=kind, round_id=round_id, date_from=date_from, date_to=date_to)
    report = GeneratedReport.objects.create(
        kind=request.kind,
        params=request.params,
        title=request.title,
        generated_by=actor,
        progress_label=_("Venter på at blive dannet"),
    )
    _enqueue(report.pk)
    return report


@transaction.atomic
def report_regenerate(*, report_id: int, actor: User) -> GeneratedReport:
    """The same report again, as a new row with today's data (the old one is kept)."""
    if not can_read_committee_material(actor):
        raise ActionForbidden(_("Kun sekretariatet og udvalgets medlemmer kan bestille rapporter."))
    old = GeneratedReport.objects.get(pk=report_id)
    report = GeneratedReport.objects.create(
        kind=old.kind,
        params=old.params,
        title=old.title,
        generated_by=actor,
        regenerated_from=old,
        progress_label=_("Venter på at blive dannet"),
    )
    _enqueue(report.pk)
    return report


def _claimable(qs):
    """Queued, or running under a lease that ran out (the worker died: slagelse_ou/outbox.py)."""
    return qs.filter(
        Q(state=GeneratedReport.State.QUEUED)
        | (
            Q(state=GeneratedReport.State.RUNNING)
            & lease_expired(claimed_field="claimed_at", lease_seconds=REPORT_LEASE_SECONDS)
        )
    )


def reports_pending_ids(*, older_than_seconds: int = 60, limit: int = 50) -> list[int]:
    """Reports nobody is generating: never handed to a worker (the broker was down when they
    were ordered) or held by a worker that died (lease expired). The beat sweep re-queues
    them; the claim in report_generate keeps a report from being made twice."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    qs = _claimable(GeneratedReport.objects.filter(created_at__lt=cutoff)).order_by("created_at", "pk")
    return list(qs.values_list("pk", flat=True)[:limit])


def report_generate(*, report_id: int) -> bool:
    """Generate one ordered report and store the PDF. Idempotent: the report is claimed by
    a conditional UPDATE (queued, or running under an expired lease), so a second delivery
    of the task, a retry or a second worker finds nothing to claim and does nothing. Every
    later write is conditional on this claim, so a worker that lost its lease cannot
    overwrite the one that took over. Progress is written as it goes (the page polls it).
    """
    from results import report_data

    now = timezone.now()
    claimed = _claimable(GeneratedReport.objects.filter(pk=report_id)).update(
        state=GeneratedReport.State.RUNNING, claimed_at=now, progress=5, progress_label=_("Henter data"), error=""
    )
    if not claimed:
        return False
    mine = GeneratedReport.objects.filter(pk=report_id, claimed_at=now)

    def progress(percent: int, label: str) -> None:
        mine.update(progress=percent, progress_label=label)

    report = GeneratedReport.objects.select_related("generated_by").get(pk=report_id)
    try:
        rendered = report_data.report_pdf(report=report, progress=progress)
    except Exception as error:
        logger.exception("Report %s failed", report_id)
        mine.update(
            state=GeneratedReport.State.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
            progress_label=_("Rapporten kunne ikke dannes"),
        )
        return False
    name = f"{slugify(report.title)[:80] or 'rapport'}.pdf"
    stored = report.file.storage.save(report.file.field.generate_filename(report, name), ContentFile(rendered.content))
    done = mine.update(
        state=GeneratedReport.State.DONE,
        file=stored,
        pages=rendered.pages,
        size=len(rendered.content),
        progress=100,
        progress_label=_("Færdig"),
        finished_at=timezone.now(),
    )
    if not done:  # the lease ran out and another worker took over: keep its file, not ours
        report.file.storage.delete(stored)
    return bool(done)
