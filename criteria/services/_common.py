"""Helpers shared by the criteria services: audit rows, the initiative lock, recipients,
links and the reviewer's view grant.
"""

from __future__ import annotations

from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from criteria.models import (
    CriteriaEvent,
    ReviewAssignment,
)
from criteria.permissions import is_applicant
from initiatives.models import Initiative, TeamMember
from slagelse_ou import roles
from slagelse_ou.models import User

# The object permission an assignment grants: it opens the application (private fields and
# attachments included) through the rules in initiatives/permissions.py.
REVIEWER_PERM = "view_initiative"


def criteria_event_record(
    *, initiative: Initiative | None, actor: User | None, action: str, note: str = "", data: dict | None = None
) -> CriteriaEvent:
    return CriteriaEvent.objects.create(initiative=initiative, actor=actor, action=action, note=note, data=data or {})


def coordinators() -> list[User]:
    return list(User.objects.filter(groups__name=roles.SEKRETARIAT, is_active=True).distinct())


def applicants(initiative: Initiative) -> list[User]:
    return [
        initiative.owner,
        *[m.user for m in TeamMember.objects.filter(initiative=initiative).select_related("user")],
    ]


def detail_url(initiative: Initiative) -> str:
    return reverse("initiatives:detail", args=[initiative.pk])


def overview_url(initiative: Initiative) -> str:
    return reverse("criteria:overview", args=[initiative.pk])


def review_access_grant(*, initiative: Initiative, user: User, actor: User, assignment: ReviewAssignment) -> None:
    assign_perm(REVIEWER_PERM, user, initiative)
    criteria_event_record(
        initiative=initiative,
        actor=actor,
        action="permission_grant",
        data={"user": user.pk, "perm": REVIEWER_PERM, "assignment": assignment.pk},
    )


def review_access_revoke(*, initiative: Initiative, user: User, actor: User, assignment_id: int) -> None:
    """Take back the reviewer's view grant — unless they hold it for another reason: owner
    or team (whose grant the lifecycle services manage) or another review of this application."""
    if is_applicant(user, initiative):
        return
    other = (
        ReviewAssignment.objects.filter(initiative=initiative, reviewer=user)
        .exclude(pk=assignment_id)
        .exclude(state=ReviewAssignment.State.DECLINED)
    )
    if other.exists():
        return
    remove_perm(REVIEWER_PERM, user, initiative)
    criteria_event_record(
        initiative=initiative,
        actor=actor,
        action="permission_revoke",
        data={"user": user.pk, "perm": REVIEWER_PERM, "assignment": assignment_id},
    )
