"""Trials in the states the reminder tests need, at a chosen moment.

The review workflow that leads to these states is tested in tests/initiatives and
tests/criteria; here only the state and the audit row the deadlines read ("start") matter,
so they are written directly."""

from __future__ import annotations

import datetime as dt

import time_machine

from initiatives import services
from initiatives.models import Initiative, InitiativeEvent, Status
from tests.factories import make_initiative
from tests.reminders.conftest import at


def trial(*, owner, team=(), day: dt.date, status: str = Status.RUNNING, **overrides) -> Initiative:
    """A trial whose start (if running) happened on `day`; its evaluation is far away."""
    fields = {
        "start_date": day,
        "end_date": day + dt.timedelta(days=180),
        "evaluation_date": day + dt.timedelta(days=210),
        **overrides,
    }
    with time_machine.travel(at(day), tick=False):
        initiative = make_initiative(owner=owner, **fields)
        for member in team:
            services.team_member_add(initiative_id=initiative.pk, actor=owner, user=member)
        if status != Status.DRAFT:
            Initiative.objects.filter(pk=initiative.pk).update(status=status)
        if status in (Status.RUNNING, Status.EVALUATION):
            InitiativeEvent.objects.create(
                initiative=initiative,
                actor=owner,
                action="start",
                from_status=Status.APPROVED,
                to_status=Status.RUNNING,
            )
    initiative.refresh_from_db()
    return initiative
