"""Ansøgningsrunder (application rounds) and the team's milestones: writes and reads.

Rounds are run by the coordinators (sekretariatet). The submission rule — a first
submission only while the chosen round is open — lives in `initiatives.services`
(`_check_intake`), inside the submit transition. Milestones are deadlines like any other:
`rounds/deadlines.py` reminds the team of open ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from initiatives.exceptions import ActionForbidden, DomainError
from initiatives.models import Milestone, Round, Status
from initiatives.services import initiative_event_record, initiative_lock, initiative_require_editor
from slagelse_ou.models import User

ROUND_FIELDS = ("title", "description", "opens_on", "application_deadline", "review_deadline", "committee_meeting_on")
MILESTONE_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.CHANGES_REQUESTED,
    Status.APPROVED,
    Status.RUNNING,
    Status.EVALUATION,
)


def _require_coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise ActionForbidden(_("Kun sekretariatet kan oprette og ændre ansøgningsrunder."))


@transaction.atomic
def round_create(*, actor: User, data: dict[str, Any]) -> Round:
    _require_coordinator(actor)
    return Round.objects.create(**{key: data[key] for key in ROUND_FIELDS if key in data})


@transaction.atomic
def round_update(*, round_id: int, actor: User, data: dict[str, Any]) -> Round:
    """Moving a deadline is allowed; reminders follow the new date (their key holds it)."""
    _require_coordinator(actor)
    round_ = Round.objects.select_for_update().get(pk=round_id)
    changed = [key for key in ROUND_FIELDS if key in data and getattr(round_, key) != data[key]]
    for key in changed:
        setattr(round_, key, data[key])
    if changed:
        round_.save(update_fields=changed)
    return round_


def rounds_open(*, today: dt.date | None = None) -> QuerySet[Round]:
    """Rounds accepting applications today, the nearest deadline first."""
    return Round.objects.open_on(today or timezone.localdate()).order_by("application_deadline", "pk")


def rounds_overview(*, today: dt.date | None = None) -> dict[str, list[Round]]:
    """Open, upcoming and closed rounds for the public round page (one query)."""
    today = today or timezone.localdate()
    groups: dict[str, list[Round]] = {"open": [], "upcoming": [], "closed": []}
    for round_ in Round.objects.order_by("application_deadline", "pk"):
        if round_.opens_on > today:
            groups["upcoming"].append(round_)
        elif round_.application_deadline >= today:
            groups["open"].append(round_)
        else:
            groups["closed"].insert(0, round_)
    return groups


@transaction.atomic
def milestone_add(*, initiative_id: int, actor: User, title: str, due_on: dt.date) -> Milestone:
    """The owner or team adds a milestone; it is reminded of like any deadline."""
    initiative = initiative_lock(initiative_id)
    initiative_require_editor(initiative=initiative, actor=actor)
    if initiative.status not in MILESTONE_STATUSES:
        raise DomainError(
            _("Der kan ikke tilføjes milepæle, når prøvehandlingen har status “%(status)s”.")
            % {"status": initiative.get_status_display()}
        )
    if not title.strip():
        raise DomainError(_("Beskriv milepælen."))
    milestone = Milestone.objects.create(initiative=initiative, title=title.strip(), due_on=due_on, created_by=actor)
    initiative_event_record(
        initiative=initiative,
        actor=actor,
        action="milestone_add",
        data={"milestone": milestone.pk, "title": milestone.title, "due_on": due_on.isoformat()},
    )
    return milestone


@transaction.atomic
def milestone_complete(*, milestone_id: int, actor: User) -> Milestone:
    """Mark a milestone reached; repeating it changes nothing (double clicks)."""
    milestone = Milestone.objects.get(pk=milestone_id)
    initiative = initiative_lock(milestone.initiative_id)
    initiative_require_editor(initiative=initiative, actor=actor)
    milestone = Milestone.objects.select_for_update().get(pk=milestone_id)
    if milestone.done_at is None:
        milestone.done_at = timezone.now()
        milestone.save(update_fields=["done_at"])
        initiative_event_record(
            initiative=initiative,
            actor=actor,
            action="milestone_done",
            data={"milestone": milestone.pk, "title": milestone.title},
        )
    return milestone
