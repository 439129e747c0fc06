"""The trial's own deadlines, registered with the core's registry (slagelse_ou.reminders) when
the app is ready (InitiativesConfig.ready). Other apps register theirs the same way: criteria
(reviews), results (status reports), rounds (milestones).

A kind is a function returning a queryset `.values()` with the five columns of
`slagelse_ou.reminders.COLUMNS` (object id, due date, initiative id or NULL, title, direct
recipient or NULL = the initiative's owner and team), decorated with `@deadline_kind`. The
scan, "Mine frister", escalation and the overdue page pick it up; nothing else changes. A
deadline is *open* while its row is returned: when the report is posted, the milestone reached
or the trial moves on, the row disappears and so do its reminders and flag.
"""

from __future__ import annotations

from django.db.models import BigIntegerField, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, Status, TeamMember
from slagelse_ou.reminders import deadline_kind, deadline_subject_register

# A deadline with no direct recipient reminds the trial's owner and team, and escalates to the
# owning unit's manager: the core's scan reads who those are from this registration.
deadline_subject_register(model=Initiative, team_model=TeamMember, team_column="initiative_id")

NO_USER = Value(None, output_field=BigIntegerField())


def initiative_deadline_url(object_id: int, initiative_id: int | None) -> str:
    return reverse("initiatives:detail", args=[initiative_id])


def initiative_deadline_values(qs: QuerySet, due) -> QuerySet:
    return qs.values(
        deadline_object_id=F("pk"),
        deadline_due_on=due,
        deadline_initiative_id=F("pk"),
        deadline_title=F("title"),
        deadline_user_id=NO_USER,
    )


@deadline_kind("ansoegningsfrist", _("ansøgningsfristen"), url=initiative_deadline_url, overdue=False)
def application_deadlines() -> QuerySet:
    """A draft applying into a round: the round's application deadline. Not repeated after
    the deadline — the round is closed then (a submission is refused)."""
    qs = Initiative.objects.filter(status=Status.DRAFT, round__isnull=False)
    return initiative_deadline_values(qs, F("round__application_deadline"))


@deadline_kind("opstart", _("opstart af prøvehandlingen"), url=initiative_deadline_url)
def start_deadlines() -> QuerySet:
    """An approved trial that has not started by its start date — the known failure of
    trial programmes, so it escalates like any other overdue deadline."""
    qs = Initiative.objects.filter(status=Status.APPROVED, start_date__isnull=False)
    return initiative_deadline_values(qs, F("start_date"))


@deadline_kind("evaluering", _("evalueringen"), url=initiative_deadline_url)
def evaluation_deadlines() -> QuerySet:
    """The evaluation is due on the evaluation date (after the end date), or on the end date
    when none was set; open until the trial is concluded."""
    qs = Initiative.objects.filter(status__in=[Status.RUNNING, Status.EVALUATION]).exclude(
        evaluation_date__isnull=True, end_date__isnull=True
    )
    return initiative_deadline_values(qs, Coalesce(F("evaluation_date"), F("end_date")))
