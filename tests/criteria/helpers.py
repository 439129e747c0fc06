"""Helpers for the criteria tests: drive reviews and decisions through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from criteria import services
from criteria.models import ReviewAssignment
from criteria.selectors import active_criteria


def due(days: int = 14) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def assignment_of(initiative, user) -> ReviewAssignment:
    return ReviewAssignment.objects.get(initiative=initiative, reviewer=user, decision__isnull=True)


def complete_scores(
    assignment: ReviewAssignment, verdict: str = "opfyldt", justification: str = ""
) -> dict[int, tuple[str, str]]:
    """A verdict for every principle of the set the assignment's review is made under."""
    return {c.pk: (verdict, justification) for c in assignment.review.criteria_set.criteria.all()}


def submit_review(
    initiative,
    user,
    *,
    verdict: str = "opfyldt",
    justification: str = "Begrundet.",
    recommendation: str = "godkend",
    comment: str = "Anbefales.",
) -> ReviewAssignment:
    """Declare and submit a complete review for `user`."""
    assignment = assignment_of(initiative, user)
    services.review_declare(assignment_id=assignment.pk, actor=user)
    services.review_save(
        assignment_id=assignment.pk,
        actor=user,
        scores=complete_scores(assignment, verdict, justification),
        recommendation=recommendation,
        comment=comment,
        submit=True,
    )
    assignment.refresh_from_db()
    return assignment


def reasons_for_all(text: str = "Offentlig begrundelse.", verdict: str = "opfyldt") -> dict[int, tuple[str, str]]:
    return {c.pk: (verdict, f"{text} ({c.order})") for c in active_criteria()}
