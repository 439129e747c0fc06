"""The reviewers' deadline kinds, registered with the core's registry when the app is ready
(CriteriaConfig.ready; see initiatives/deadlines.py)."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from criteria.models import ReviewAssignment
from slagelse_ou.reminders import deadline_kind


def _review_url(object_id: int, initiative_id: int | None) -> str:
    return reverse("criteria:review", args=[object_id])


@deadline_kind("bedoemmelse", _("bedømmelsen"), url=_review_url, escalate_to_manager=False)
def review_deadlines() -> QuerySet:
    """A reviewer's open assignment (criteria.ReviewAssignment.due_date). Reminds the
    reviewer only; the owner's manager is the wrong person to tell, so the escalation goes
    straight to the coordinators' overdue page."""
    qs = ReviewAssignment.objects.filter(
        decision__isnull=True, state__in=[ReviewAssignment.State.ASSIGNED, ReviewAssignment.State.DECLARED]
    )
    return qs.values(
        deadline_object_id=F("pk"),
        deadline_due_on=F("due_date"),
        deadline_initiative_id=F("initiative_id"),
        deadline_title=F("initiative__title"),
        deadline_user_id=F("reviewer_id"),
    )


@deadline_kind("runde_bedoemmelse", _("bedømmelsen i ansøgningsrunden"), url=_review_url, escalate_to_manager=False)
def round_review_deadlines() -> QuerySet:
    """A round's own review deadline (Round.review_deadline), for each open assignment on an
    application in the round whose own due date is later: the reviewer must finish before
    the round's deadline, which their assignment alone would not remind them of. When the
    assignment is due first, its own reminders (`bedoemmelse`) come first and suffice."""
    qs = ReviewAssignment.objects.filter(
        decision__isnull=True,
        state__in=[ReviewAssignment.State.ASSIGNED, ReviewAssignment.State.DECLARED],
        initiative__round__review_deadline__lt=F("due_date"),
    )
    return qs.values(
        deadline_object_id=F("pk"),
        deadline_due_on=F("initiative__round__review_deadline"),
        deadline_initiative_id=F("initiative_id"),
        deadline_title=F("initiative__title"),
        deadline_user_id=F("reviewer_id"),
    )
