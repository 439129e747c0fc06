"""Results' deadline kind: the running trial's status report, registered with the core's
registry when the app is ready (ResultsConfig.ready; see initiatives/deadlines.py)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import DateField, F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from initiatives.deadlines import initiative_deadline_url, initiative_deadline_values
from initiatives.models import Initiative, InitiativeEvent, Status
from results.models import StatusReport
from slagelse_ou.reminders import deadline_kind


@deadline_kind("statusrapport", _("statusrapport"), url=initiative_deadline_url)
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
    return initiative_deadline_values(Initiative.objects.filter(status=Status.RUNNING), due)


def _last_status_report_day() -> list:
    """The day of the trial's latest status report; before the first report the deadline
    counts from the day the trial started."""
    latest = (
        StatusReport.objects.filter(initiative=OuterRef("pk"))
        .order_by("-created_at")
        .values(day=TruncDate("created_at"))
    )
    return [Subquery(latest[:1])]
