"""Who may endorse, review, see reviews and decide — and who may not review because of a
conflict of interest. Fetch helpers give 404 to those who may not see the object and 403 to
those who may see but not act (as initiatives/permissions.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from criteria.models import ManagerEndorsement, ReviewAssignment
from initiatives.models import Initiative, Status, TeamMember
from initiatives.permissions import get_initiative_for_user, manages_unit_of
from slagelse_ou import roles

REVIEWER_ROLES = (roles.KRITERIEBEDOMMER, roles.LEDER)

_READ = object()  # can_escalate's "read the current endorsement yourself"


def is_reviewer_candidate(user) -> bool:
    """Criteria reviewers, and managers, who "can also serve as criteria reviewers for other units"."""
    return user.is_authenticated and user.is_active and user.has_role(*REVIEWER_ROLES)


def can_see_reviews(user) -> bool:
    """Individual reviews: coordinators and committee members (and each reviewer their own)."""
    return user.is_authenticated and (user.is_coordinator or user.is_committee_member)


def can_decide(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def is_applicant(user, initiative: Initiative) -> bool:
    """Owner or team member, read from the data rather than from the guardian grants (a
    reviewer holds a view grant too)."""
    if not user.is_authenticated:
        return False
    if initiative.owner_id == user.pk:
        return True
    team = getattr(initiative, "_prefetched_objects_cache", {}).get("team")
    if team is not None:  # the detail page has read the team already
        return any(member.user_id == user.pk for member in team)
    return TeamMember.objects.filter(initiative=initiative, user=user).exists()


def can_endorse(user, initiative: Initiative) -> bool:
    """A manager of the owning unit (or above it), who is not judging their own application."""
    return user.is_authenticated and manages_unit_of(user, initiative) and not is_applicant(user, initiative)


def can_escalate(user, initiative: Initiative, *, endorsement=_READ) -> bool:
    """The applicant may ask the coordinators to take a submitted application forward
    although the manager declined to endorse it — once per submission. `endorsement` is the
    current one when the caller has read it (None: there is none); otherwise it is read."""
    if endorsement is _READ:
        from criteria.selectors import current_endorsement  # the selectors import this module

        endorsement = current_endorsement(initiative=initiative)
    return (
        escalation_open(initiative, endorsement=endorsement)
        and not endorsement.escalated_at
        and is_applicant(user, initiative)
    )


def escalation_open(initiative: Initiative, *, endorsement) -> bool:
    """The manager declined to endorse the application, and it is still submitted: the
    situation in which `can_escalate` lets the applicant ask (whether or not she has)."""
    return (
        endorsement is not None
        and initiative.status == Status.SUBMITTED
        and endorsement.verdict == ManagerEndorsement.Verdict.DECLINED
    )


def conflict_of_interest(*, initiative: Initiative, user) -> str | None:
    """Why `user` may not review `initiative`, in Danish, or None.

    Never the owner or a team member; with REVIEW_EXCLUDE_OWNING_UNIT (default) nobody
    from the owning unit or below it, and no manager of the owning unit or a unit above it.
    """
    name = str(user)
    if user.pk == initiative.owner_id:
        return _("%(name)s ejer prøvehandlingen.") % {"name": name}
    if TeamMember.objects.filter(initiative=initiative, user=user).exists():
        return _("%(name)s er med i teamet bag prøvehandlingen.") % {"name": name}
    if settings.REVIEW_EXCLUDE_OWNING_UNIT:
        unit_path = initiative.owning_unit.path
        if user.unit_id and user.unit.path.startswith(unit_path):
            return _("%(name)s er fra den ansvarlige enhed (%(unit)s).") % {"name": name, "unit": user.unit}
        if any(unit_path.startswith(path) for path in user.managed_unit_paths):
            return _("%(name)s er leder for den ansvarlige enhed.") % {"name": name}
    return None


def get_initiative_for_review_overview(user, pk: int) -> Initiative:
    """The principle × reviewer matrix: coordinators and committee members."""
    initiative = get_initiative_for_user(user, pk)
    if not can_see_reviews(user):
        raise PermissionDenied
    return initiative


def get_initiative_for_coordinator(user, pk: int) -> Initiative:
    initiative = get_initiative_for_user(user, pk)
    if not can_decide(user):
        raise PermissionDenied
    return initiative


def get_initiative_for_manager(user, pk: int) -> Initiative:
    initiative = get_initiative_for_user(user, pk)
    if not can_endorse(user, initiative):
        raise PermissionDenied
    return initiative


def get_initiative_for_applicant(user, pk: int) -> Initiative:
    initiative = get_initiative_for_user(user, pk)
    if not is_applicant(user, initiative):
        raise PermissionDenied
    return initiative


def get_assignment_for_reviewer(user, pk: int) -> ReviewAssignment:
    """A review page is its reviewer's alone: everyone else gets 404, so not even the
    existence of an assignment is revealed. Coordinators read reviews in the matrix. A
    reviewer who declined has lost the application too (issue 13.5), as on the trial page."""
    assignment = (
        ReviewAssignment.objects.select_related("initiative__owning_unit", "initiative__owner", "review")
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not user.is_authenticated or assignment.reviewer_id != user.pk:
        raise Http404
    if assignment.state == ReviewAssignment.State.DECLINED:
        raise Http404
    return assignment


def get_assignment_for_coordinator(user, pk: int) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.select_related("initiative").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    get_initiative_for_coordinator(user, assignment.initiative_id)
    return assignment
