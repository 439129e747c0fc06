"""The coordinator's decision on a round, and the trial agreement an approval fixes."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from criteria.exceptions import (
    DecisionRuleNotMet,
    IncompleteDecision,
)
from criteria.models import (
    DECISION_ACTIONS,
    CriteriaSet,
    Decision,
    DecisionReason,
    Recommendation,
    ReviewAssignment,
    TrialAgreement,
    Verdict,
)
from criteria.selectors import round_criteria_set
from criteria.services._common import (
    criteria_event_record,
)
from initiatives import services as lifecycle
from initiatives.exceptions import ActionForbidden, DomainError, NoteRequired, TransitionNotAllowed
from initiatives.models import Initiative
from initiatives.workflow import TRANSITIONS
from slagelse_ou.models import User


@transaction.atomic
def decision_record(
    *,
    initiative_id: int,
    actor: User,
    outcome: str,
    summary: str,
    reasons: Mapping[int, tuple[str, str]] | None = None,
    override_reason: str = "",
) -> Decision:
    """Record the coordinator's decision on the open round and carry it out through the
    lifecycle (approve, reject or send back).

    The decision rule: at least DECISION_MIN_REVIEWS submitted reviews, or an
    `override_reason`. `reasons` (criterion id → (verdict, public reason)) must cover every
    principle of the round's criteria set when given; the direct lifecycle calls
    (`initiative_approve` … below) give none and record an override with their note. Closes the
    round (its assignments point at the decision); approval fixes the trial agreement.
    A repeated decision (double click) returns the first one.
    """
    if not (actor.is_authenticated and actor.is_coordinator):
        raise ActionForbidden(_("Kun sekretariatet kan træffe afgørelse."))
    if outcome not in Recommendation.values:
        raise DomainError(_("Vælg en afgørelse: godkend, afvis eller send tilbage til ansøger."))
    action = DECISION_ACTIONS[Recommendation(outcome)]
    spec = TRANSITIONS[action]
    initiative = lifecycle.initiative_lock(initiative_id)
    if initiative.status == spec.target:
        latest = Decision.objects.filter(initiative=initiative, outcome=outcome).first()
        if latest is not None:
            return latest
    if initiative.status not in spec.sources:
        raise TransitionNotAllowed(current_label=initiative.get_status_display(), action_label=str(spec.label))
    summary = summary.strip()
    if not summary:
        raise NoteRequired()
    round_qs = ReviewAssignment.objects.current().filter(initiative=initiative)
    submitted = round_qs.filter(state=ReviewAssignment.State.SUBMITTED).count()
    rule_holds = submitted >= settings.DECISION_MIN_REVIEWS
    override_reason = "" if rule_holds else override_reason.strip()
    if not rule_holds and not override_reason:
        raise DecisionRuleNotMet(submitted=submitted, required=settings.DECISION_MIN_REVIEWS)
    criteria_set = round_criteria_set(initiative=initiative) or CriteriaSet.objects.active().first()
    if criteria_set is None and reasons is not None:
        raise DomainError(_("Der er intet aktivt kriteriesæt."))
    criteria = list(criteria_set.criteria.all()) if criteria_set else []
    if reasons is not None:
        missing = [
            str(c.order)
            for c in criteria
            if reasons.get(c.pk, ("", ""))[0] not in Verdict.values or not reasons.get(c.pk, ("", ""))[1].strip()
        ]
        if missing:
            raise IncompleteDecision(missing)
    decision = Decision.objects.create(
        initiative=initiative,
        criteria_set=criteria_set,
        outcome=outcome,
        summary=summary,
        override_reason=override_reason,
        reviews_submitted=submitted,
        decided_by=actor,
    )
    if reasons is not None:
        DecisionReason.objects.bulk_create(
            [
                DecisionReason(
                    decision=decision, criterion=c, verdict=reasons[c.pk][0], reason=reasons[c.pk][1].strip()
                )
                for c in criteria
            ]
        )
    round_qs.update(decision=decision)
    criteria_event_record(
        initiative=initiative,
        actor=actor,
        action="decision_record",
        note=override_reason,
        data={
            "decision": decision.pk,
            "outcome": outcome,
            "reviews_submitted": submitted,
            "override": bool(override_reason),
        },
    )
    # The lifecycle locks the row again (same transaction), writes the status change to the
    # history and notifies owner and team of the decision with its summary.
    lifecycle.initiative_decide(
        initiative_id=initiative.pk,
        actor=actor,
        action=action,
        note=summary,
        event_data={"decision": decision.pk, "override": bool(override_reason)},
    )
    if outcome == Recommendation.APPROVE:
        _trial_agreement_create(initiative_id=initiative.pk, decision=decision)
    return decision


def _decide_directly(*, initiative_id: int, actor: User, outcome: str, note: str) -> Initiative:
    # A decision without the decision form (the action buttons, demo data, tests) is still a
    # recorded Decision: `note` is its summary and, when the decision rule (enough submitted
    # reviews) does not hold, its mandatory override reason (issue 3 item 5).
    decision_record(initiative_id=initiative_id, actor=actor, outcome=outcome, summary=note, override_reason=note)
    return Initiative.objects.get(pk=initiative_id)


def initiative_request_changes(*, initiative_id: int, actor: User, note: str) -> Initiative:
    """ "Send tilbage til ansøger" from the trial page (a decision with the note as reason)."""
    return _decide_directly(initiative_id=initiative_id, actor=actor, outcome="tilbage", note=note)


def initiative_approve(*, initiative_id: int, actor: User, note: str) -> Initiative:
    """ "Godkend" from the trial page (a decision with the note as reason)."""
    return _decide_directly(initiative_id=initiative_id, actor=actor, outcome="godkend", note=note)


def initiative_reject(*, initiative_id: int, actor: User, note: str) -> Initiative:
    """ "Afvis" from the trial page (a decision with the note as reason)."""
    return _decide_directly(initiative_id=initiative_id, actor=actor, outcome="afvis", note=note)


def _trial_agreement_create(*, initiative_id: int, decision: Decision) -> TrialAgreement:
    initiative = (
        Initiative.objects.select_related("owner", "owning_unit").prefetch_related("indicators").get(pk=initiative_id)
    )
    return TrialAgreement.objects.create(
        initiative=initiative,
        decision=decision,
        title=initiative.title,
        hypothesis=initiative.hypothesis,
        expected_effect=initiative.expected_effect,
        owner=initiative.owner,
        owner_name=str(initiative.owner),
        owning_unit_name=initiative.owning_unit.name,
        start_date=initiative.start_date,
        end_date=initiative.end_date,
        evaluation_date=initiative.evaluation_date,
        indicators=[
            {"name": i.name, "unit": i.unit, "baseline": str(i.baseline), "target": str(i.target)}
            for i in initiative.indicators.all()
        ],
    )
