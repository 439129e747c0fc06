"""The reviewer: declaring no conflict of interest, declining, and the review itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.exceptions import (
    ConflictOfInterest,
    IncompleteReview,
    ReviewLocked,
)
from criteria.models import (
    Criterion,
    Recommendation,
    Review,
    ReviewAssignment,
    ReviewScore,
    Verdict,
)
from criteria.permissions import conflict_of_interest
from criteria.services._common import (
    coordinators,
    criteria_event_record,
    overview_url,
    review_access_revoke,
)
from initiatives import services as lifecycle
from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import Initiative, Status
from slagelse_ou.models import User
from slagelse_ou.services import notifications_create


def _locked_assignment(*, assignment_id: int, actor: User) -> tuple[Initiative, ReviewAssignment]:
    initiative_id = ReviewAssignment.objects.values_list("initiative_id", flat=True).get(pk=assignment_id)
    initiative = lifecycle.initiative_lock(initiative_id)
    assignment = ReviewAssignment.objects.select_for_update(of=("self",)).select_related("review").get(pk=assignment_id)
    if assignment.reviewer_id != actor.pk:
        raise ActionForbidden(_("Bedømmelsen er tildelt en anden."))
    return initiative, assignment


def _require_open(*, initiative: Initiative, assignment: ReviewAssignment) -> None:
    if assignment.state == ReviewAssignment.State.SUBMITTED:
        raise ReviewLocked()
    if assignment.state == ReviewAssignment.State.DECLINED:
        raise DomainError(_("Du har afslået at bedømme denne ansøgning."))
    if assignment.decision_id is not None or initiative.status != Status.IN_REVIEW:
        raise DomainError(_("Bedømmelsen er lukket, fordi der er truffet afgørelse."))


@transaction.atomic
def review_declare(*, assignment_id: int, actor: User) -> ReviewAssignment:
    """The reviewer declares no conflict of interest; only then can they score. The rules
    are checked again here: the team may have changed since the assignment."""
    initiative, assignment = _locked_assignment(assignment_id=assignment_id, actor=actor)
    if assignment.state == ReviewAssignment.State.DECLARED:
        return assignment
    _require_open(initiative=initiative, assignment=assignment)
    if problem := conflict_of_interest(initiative=initiative, user=actor):
        raise ConflictOfInterest([problem, _("Afslå bedømmelsen med en begrundelse.")])
    assignment.state = ReviewAssignment.State.DECLARED
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["state", "declared_at"])
    criteria_event_record(
        initiative=initiative, actor=actor, action="review_declare", data={"assignment": assignment.pk}
    )
    return assignment


@transaction.atomic
def review_decline(*, assignment_id: int, actor: User, reason: str) -> ReviewAssignment:
    """The reviewer declines (a conflict of interest, or no time) with a reason. The view
    grant is revoked and the coordinators are told, so they can assign someone else."""
    initiative, assignment = _locked_assignment(assignment_id=assignment_id, actor=actor)
    if assignment.state == ReviewAssignment.State.DECLINED:
        return assignment
    _require_open(initiative=initiative, assignment=assignment)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Skriv, hvorfor du afslår at bedømme ansøgningen."))
    assignment.state = ReviewAssignment.State.DECLINED
    assignment.declined_at = timezone.now()
    assignment.decline_reason = reason
    assignment.save(update_fields=["state", "declined_at", "decline_reason"])
    criteria_event_record(
        initiative=initiative, actor=actor, action="review_decline", data={"assignment": assignment.pk}
    )
    review_access_revoke(initiative=initiative, user=actor, actor=actor, assignment_id=assignment.pk)
    notifications_create(
        recipients=coordinators(),
        subject=_("%(reviewer)s har afslået at bedømme “%(title)s”") % {"reviewer": actor, "title": initiative.title},
        body=_("Begrundelse: %(reason)s") % {"reason": reason},
        url=overview_url(initiative),
    )
    _notify_if_all_in(initiative=initiative)
    return assignment


def review_problems(
    *, criteria: Sequence[Criterion], scores: Mapping[int, tuple[str, str]], recommendation: str, comment: str
) -> dict[str, str]:
    """What stops a review from being submitted, keyed by form field name. The form shows
    these beside the fields; the service refuses with the same rules."""
    problems: dict[str, str] = {}
    for criterion in criteria:
        verdict, justification = scores.get(criterion.pk, ("", ""))
        if verdict not in Verdict.values:
            problems[f"c{criterion.pk}-verdict"] = _("Vælg en vurdering af princip %(n)s.") % {"n": criterion.order}
        elif verdict != Verdict.MET and not justification.strip():
            problems[f"c{criterion.pk}-justification"] = _(
                "Begrund vurderingen af princip %(n)s – det skal du, når princippet ikke er opfyldt."
            ) % {"n": criterion.order}
    if recommendation not in Recommendation.values:
        problems["recommendation"] = _("Vælg en samlet anbefaling.")
    if not comment.strip():
        problems["comment"] = _("Skriv en kommentar til din anbefaling.")
    return problems


@transaction.atomic
def review_save(
    *,
    assignment_id: int,
    actor: User,
    scores: Mapping[int, tuple[str, str]],
    recommendation: str = "",
    comment: str = "",
    submit: bool = False,
) -> Review:
    """Save the reviewer's draft (`scores`: criterion id → (verdict, justification)); with
    `submit`, check that it is complete and lock it. A locked review refuses every change.

    Only after the declaration, only while the round is open. Submitting the last review
    of the round tells the coordinators that all reviews are in.
    """
    initiative, assignment = _locked_assignment(assignment_id=assignment_id, actor=actor)
    _require_open(initiative=initiative, assignment=assignment)
    if assignment.state != ReviewAssignment.State.DECLARED:
        raise DomainError(_("Erklær først, at du ikke er inhabil."))
    review = Review.objects.select_for_update().get(pk=assignment.review.pk)
    criteria = list(review.criteria_set.criteria.all())
    known = {c.pk for c in criteria}
    if set(scores) - known:
        raise DomainError(_("Bedømmelsen indeholder principper fra et andet kriteriesæt."))
    for verdict, _justification in scores.values():
        if verdict and verdict not in Verdict.values:
            raise DomainError(_("Ukendt vurdering."))
    if recommendation and recommendation not in Recommendation.values:
        raise DomainError(_("Ukendt anbefaling."))
    ReviewScore.objects.bulk_create(
        [
            ReviewScore(review=review, criterion_id=pk, verdict=verdict, justification=justification.strip())
            for pk, (verdict, justification) in scores.items()
        ],
        update_conflicts=True,
        unique_fields=["review", "criterion"],
        update_fields=["verdict", "justification"],
    )
    review.recommendation = recommendation
    review.comment = comment.strip()
    update_fields = ["recommendation", "comment", "updated_at"]
    if submit:
        stored = {s.criterion_id: (s.verdict, s.justification) for s in review.scores.all()}
        problems = review_problems(criteria=criteria, scores=stored, recommendation=recommendation, comment=comment)
        if problems:
            raise IncompleteReview(list(problems.values()))
        if problem := conflict_of_interest(initiative=initiative, user=actor):
            raise ConflictOfInterest([problem])
        review.submitted_at = timezone.now()
        update_fields.append("submitted_at")
        assignment.state = ReviewAssignment.State.SUBMITTED
        assignment.save(update_fields=["state"])
    review.save(update_fields=update_fields)
    if submit:
        criteria_event_record(
            initiative=initiative,
            actor=actor,
            action="review_submit",
            data={"assignment": assignment.pk, "review": review.pk, "recommendation": recommendation},
        )
        _notify_if_all_in(initiative=initiative)
    return review


def _notify_if_all_in(*, initiative: Initiative) -> None:
    # Runs under the initiative lock, so of two reviewers submitting at once exactly one
    # sees the round complete and the coordinators get one message.
    counting = ReviewAssignment.objects.current().counting().filter(initiative=initiative)
    states = list(counting.values_list("state", flat=True))
    if states and all(state == ReviewAssignment.State.SUBMITTED for state in states):
        notifications_create(
            recipients=coordinators(),
            subject=_("Alle bedømmelser af “%(title)s” er modtaget") % {"title": initiative.title},
            body=_("%(n)s bedømmelser er indsendt. Afgørelsen kan træffes.") % {"n": len(states)},
            url=overview_url(initiative),
        )
