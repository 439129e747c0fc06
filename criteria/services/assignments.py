"""Assigning reviewers to the open round and taking them off it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from criteria.exceptions import (
    ConflictOfInterest,
    EndorsementMissing,
    ReviewLocked,
)
from criteria.models import (
    CriteriaSet,
    ManagerEndorsement,
    Review,
    ReviewAssignment,
)
from criteria.permissions import conflict_of_interest, is_reviewer_candidate
from criteria.selectors import current_endorsement, round_criteria_set
from criteria.services._common import (
    criteria_event_record,
    review_access_grant,
    review_access_revoke,
)
from initiatives import services as lifecycle
from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import Status
from slagelse_ou.models import User
from slagelse_ou.services import notifications_create


@transaction.atomic
def reviewers_assign(
    *, initiative_id: int, actor: User, reviewers: Iterable[User], due_date: dt.date, note: str = ""
) -> list[ReviewAssignment]:
    """Assign reviewers to the open round, each with a draft review under the round's
    criteria set, and move a submitted application to "under bedømmelse".

    Guards: coordinator only; submitted or in review; while the manager's step is on, a
    submitted application that the manager has not endorsed needs `note` (why the
    coordinator takes it forward); every reviewer is a criteria reviewer or manager with no
    conflict of interest and not already in the round — otherwise nothing is assigned.
    Side effects: each reviewer is granted view on the application (audited) and notified.
    """
    if not (actor.is_authenticated and actor.is_coordinator):
        raise ActionForbidden(_("Kun sekretariatet kan tildele bedømmere."))
    initiative = lifecycle.initiative_lock(initiative_id)
    if initiative.status not in (Status.SUBMITTED, Status.IN_REVIEW):
        raise DomainError(
            _(
                "Der kan kun tildeles bedømmere, når ansøgningen er indsendt eller under bedømmelse; den har status “%(status)s”."
            )
            % {"status": initiative.get_status_display()}
        )
    reviewers = list({user.pk: user for user in reviewers}.values())
    if not reviewers:
        raise DomainError(_("Vælg mindst én bedømmer."))
    if due_date < timezone.localdate():
        raise DomainError(_("Fristen for bedømmelsen skal være i dag eller senere."))
    note = note.strip()
    if initiative.status == Status.SUBMITTED and settings.MANAGER_ENDORSEMENT_ENABLED:
        endorsement = current_endorsement(initiative=initiative)
        if (endorsement is None or endorsement.verdict != ManagerEndorsement.Verdict.ENDORSED) and not note:
            raise EndorsementMissing()
    already = set(
        ReviewAssignment.objects.current().filter(initiative=initiative).values_list("reviewer_id", flat=True)
    )
    problems = []
    for reviewer in reviewers:
        if reviewer.pk in already:
            problems.append(_("%(name)s er allerede bedømmer.") % {"name": reviewer})
        elif problem := conflict_of_interest(initiative=initiative, user=reviewer):
            problems.append(problem)
        elif not is_reviewer_candidate(reviewer):
            problems.append(_("%(name)s er hverken kriteriebedømmer eller leder.") % {"name": reviewer})
    if problems:
        raise ConflictOfInterest(problems)
    criteria_set = round_criteria_set(initiative=initiative) or CriteriaSet.objects.active().first()
    if criteria_set is None:
        raise DomainError(_("Der er intet aktivt kriteriesæt."))
    created = []
    for reviewer in reviewers:
        assignment = ReviewAssignment.objects.create(
            initiative=initiative, reviewer=reviewer, assigned_by=actor, due_date=due_date
        )
        Review.objects.create(assignment=assignment, criteria_set=criteria_set)
        criteria_event_record(
            initiative=initiative,
            actor=actor,
            action="reviewer_assign",
            data={
                "assignment": assignment.pk,
                "reviewer": reviewer.pk,
                "due_date": due_date.isoformat(),
                "criteria_set": criteria_set.pk,
            },
        )
        review_access_grant(initiative=initiative, user=reviewer, actor=actor, assignment=assignment)
        notifications_create(
            recipients=[reviewer],
            subject=_("Du er bedt om at bedømme “%(title)s”") % {"title": initiative.title},
            body=_("Bedøm ansøgningen ud fra %(set)s senest %(date)s. Erklær først, at du ikke er inhabil.")
            % {"set": criteria_set.name, "date": date_format(due_date, "j. F Y")},
            url=reverse("criteria:review", args=[assignment.pk]),
        )
        created.append(assignment)
    if initiative.status == Status.SUBMITTED:
        lifecycle.initiative_start_review(initiative_id=initiative.pk, actor=actor, note=note)
    return created


@transaction.atomic
def reviewer_unassign(*, assignment_id: int, actor: User) -> None:
    """Take a reviewer off the open round; their draft goes with them. A submitted review
    is locked and stays. Revokes the view grant (audited) and tells the reviewer."""
    if not (actor.is_authenticated and actor.is_coordinator):
        raise ActionForbidden(_("Kun sekretariatet kan fjerne bedømmere."))
    initiative_id = ReviewAssignment.objects.values_list("initiative_id", flat=True).get(pk=assignment_id)
    initiative = lifecycle.initiative_lock(initiative_id)
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",)).select_related("reviewer").get(pk=assignment_id)
    )
    if assignment.state == ReviewAssignment.State.SUBMITTED:
        raise ReviewLocked()
    if assignment.decision_id is not None:
        raise DomainError(_("Runden er afgjort; bedømmerne kan ikke længere ændres."))
    reviewer = assignment.reviewer
    assignment.delete()
    criteria_event_record(
        initiative=initiative,
        actor=actor,
        action="reviewer_unassign",
        data={"assignment": assignment_id, "reviewer": reviewer.pk},
    )
    review_access_revoke(initiative=initiative, user=reviewer, actor=actor, assignment_id=assignment_id)
    notifications_create(
        recipients=[reviewer],
        subject=_("Du skal ikke længere bedømme “%(title)s”") % {"title": initiative.title},
        body=_("Sekretariatet har taget dig af bedømmelsen."),
        url=reverse("criteria:my_reviews"),
    )
