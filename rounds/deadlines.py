"""The milestones' deadline kind, registered with the core's registry when the app is ready
(RoundsConfig.ready; see initiatives/deadlines.py)."""

from __future__ import annotations

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from initiatives.deadlines import NO_USER
from initiatives.models import Milestone, Status
from slagelse_ou.reminders import deadline_kind


def _milestones_url(object_id: int, initiative_id: int | None) -> str:
    return reverse("rounds:milestones", args=[initiative_id])


@deadline_kind("milepael", _("milepælen"), url=_milestones_url)
def milestone_deadlines() -> QuerySet:
    """Milestones the team set, while the trial is approved, running or being evaluated."""
    qs = Milestone.objects.filter(
        done_at__isnull=True, initiative__status__in=[Status.APPROVED, Status.RUNNING, Status.EVALUATION]
    )
    return qs.values(
        deadline_object_id=F("pk"),
        deadline_due_on=F("due_on"),
        deadline_initiative_id=F("initiative_id"),
        deadline_title=Concat(F("title"), Value(" – "), F("initiative__title"), output_field=CharField()),
        deadline_user_id=NO_USER,
    )
