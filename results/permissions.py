"""Who may report, evaluate, conclude, read the dashboard and reports, and download them.
Fetch helpers give 404 to those who may not see the object and 403 to those who may see but
not act (as initiatives/permissions.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from initiatives.models import Initiative, Status
from initiatives.permissions import can_edit, get_initiative_for_user
from results.models import GeneratedReport

REPORTING_STATUSES = (Status.RUNNING, Status.EVALUATION)
EVALUATING_STATUSES = (Status.RUNNING, Status.EVALUATION)


def can_read_committee_material(user) -> bool:
    """The dashboard and the committee reports hold review summaries, which are private to
    reviewers, coordinators and committee members: coordinators and committee members."""
    return user.is_authenticated and (user.is_coordinator or user.is_committee_member)


def can_report(user, initiative: Initiative) -> bool:
    """Status reports: the owner and team, while the trial runs or is being evaluated."""
    return initiative.status in REPORTING_STATUSES and can_edit(user, initiative)


def can_evaluate(user, initiative: Initiative) -> bool:
    return initiative.status in EVALUATING_STATUSES and can_edit(user, initiative)


def can_answer_exemptions(user, initiative: Initiative) -> bool:
    """The team proposes; the coordinator (who administers the register) may answer too."""
    if initiative.status not in EVALUATING_STATUSES or not user.is_authenticated:
        return False
    return user.is_coordinator or can_edit(user, initiative)


def can_conclude(user, initiative: Initiative) -> bool:
    return user.is_authenticated and user.is_coordinator and initiative.status == Status.EVALUATION


def can_copy(user, initiative: Initiative) -> bool:
    """Any member of staff may start a new draft from a concluded trial they can see."""
    return user.is_authenticated and user.is_staff_member and initiative.status == Status.CONCLUDED


def get_initiative_for_reporter(user, pk: int) -> Initiative:
    initiative = get_initiative_for_user(user, pk)
    if not can_report(user, initiative):
        raise PermissionDenied
    return initiative


def get_initiative_for_evaluator(user, pk: int) -> Initiative:
    initiative = get_initiative_for_user(user, pk)
    if not can_evaluate(user, initiative):
        raise PermissionDenied
    return initiative


def require_committee_reader(user) -> None:
    if not can_read_committee_material(user):
        raise PermissionDenied


def get_report_for_user(user, pk: int) -> GeneratedReport:
    """A stored report: 404 for everyone who may not read committee material, so not even
    its existence is revealed."""
    report = GeneratedReport.objects.select_related("generated_by").filter(pk=pk).first()
    if report is None or not can_read_committee_material(user):
        raise Http404
    return report
