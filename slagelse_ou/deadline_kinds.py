"""Every kind of deadline the portal reminds people of — one decorated function each.

To add a kind: write a function returning a queryset `.values()` with the five columns of
`slagelse_ou.reminders.COLUMNS` (object id, due date, initiative id or NULL, title, direct
recipient or NULL = the initiative's owner and team) and decorate it with `@deadline_kind`.
The scan, "Mine frister", escalation and the overdue page pick it up; nothing else changes.
A deadline is *open* while its row is returned: when the report is posted, the milestone
reached or the trial moves on, the row disappears and so do its reminders and flag.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import BigIntegerField, CharField, DateField, F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, InitiativeEvent, Milestone, Status
from slagelse_ou.reminders import deadline_kind

NO_USER = Value(None, output_field=BigIntegerField())


def _initiative_url(object_id: int, initiative_id: int | None) -> str:
    return reverse("initiatives:detail", args=[initiative_id])


def _milestones_url(object_id: int, initiative_id: int | None) -> str:
    return reverse("rounds:milestones", args=[initiative_id])


def _initiative_deadlines(qs: QuerySet, due) -> QuerySet:
    return qs.values(
        deadline_object_id=F("pk"),
        deadline_due_on=due,
        deadline_initiative_id=F("pk"),
        deadline_title=F("title"),
        deadline_user_id=NO_USER,
    )


@deadline_kind("ansoegningsfrist", _("ansøgningsfristen"), url=_initiative_url, overdue=False)
def application_deadlines() -> QuerySet:
    """A draft applying into a round: the round's application deadline. Not repeated after
    the deadline — the round is closed then (a submission is refused)."""
    qs = Initiative.objects.filter(status=Status.DRAFT, round__isnull=False)
    return _initiative_deadlines(qs, F("round__application_deadline"))


@deadline_kind("opstart", _("opstart af prøvehandlingen"), url=_initiative_url)
def start_deadlines() -> QuerySet:
    """An approved trial that has not started by its start date — the known failure of
    trial programmes, so it escalates like any other overdue deadline."""
    qs = Initiative.objects.filter(status=Status.APPROVED, start_date__isnull=False)
    return _initiative_deadlines(qs, F("start_date"))


@deadline_kind("statusrapport", _("statusrapport"), url=_initiative_url)
def status_report_deadlines() -> QuerySet:
    """A running trial reports every N weeks (per trial, default STATUS_REPORT_WEEKS),
    counted from its last report or, before the first, from the day it started."""
    started = (
        InitiativeEvent.objects.filter(initiative=OuterRef("pk"), action="start")
        .order_by("-created_at")
        .values(day=TruncDate("created_at"))[:1]
    )
    parts = [*_last_status_report_day(), Subquery(started), F("start_date")]
    base = Coalesce(*parts, output_field=DateField())
    weeks = Coalesce(F("status_report_interval_weeks"), Value(settings.STATUS_REPORT_WEEKS))
    # date + integer is a date in PostgreSQL: base + 7 * weeks.
    due = Func(base, weeks, arg_joiner=" + 7 * ", template="(%(expressions)s)", output_field=DateField())
    return _initiative_deadlines(Initiative.objects.filter(status=Status.RUNNING), due)


def _last_status_report_day() -> list:
    """The day of the trial's latest status report (results.StatusReport); before the first
    report the deadline counts from the day the trial started."""
    from django.apps import apps

    try:
        model = apps.get_model("results", "StatusReport")
    except LookupError:
        return []
    latest = model.objects.filter(initiative=OuterRef("pk")).order_by("-created_at").values(day=TruncDate("created_at"))
    return [Subquery(latest[:1])]


@deadline_kind("evaluering", _("evalueringen"), url=_initiative_url)
def evaluation_deadlines() -> QuerySet:
    """The evaluation is due on the evaluation date (after the end date), or on the end date
    when none was set; open until the trial is concluded."""
    qs = Initiative.objects.filter(status__in=[Status.RUNNING, Status.EVALUATION]).exclude(
        evaluation_date__isnull=True, end_date__isnull=True
    )
    return _initiative_deadlines(qs, Coalesce(F("evaluation_date"), F("end_date")))


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


def _review_url(object_id: int, initiative_id: int | None) -> str:
    try:
        return reverse("criteria:review", args=[object_id])
    except NoReverseMatch:  # criteria's URLs not mounted (yet): the trial itself
        return _initiative_url(object_id, initiative_id)


@deadline_kind("bedoemmelse", _("bedømmelsen"), url=_review_url, escalate_to_manager=False)
def review_deadlines() -> QuerySet:
    """A reviewer's open assignment (criteria.ReviewAssignment.due_date). Reminds the
    reviewer only; the owner's manager is the wrong person to tell, so the escalation goes
    straight to the coordinators' overdue page."""
    from criteria.models import ReviewAssignment

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
    from criteria.models import ReviewAssignment

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
