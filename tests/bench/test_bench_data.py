"""`make bench` on a small scale, inside the test database: the generated data obeys the
portal's own rules (owner and team hold the object permissions, every event trail ends in the
initiative's status), growing appends, and every measured page answers 200."""

from __future__ import annotations

import pytest
from django.db.models import Max

from bench import data, report, scenarios
from initiatives.models import Initiative, InitiativeEvent, Status, TeamMember
from initiatives.permissions import can_edit, can_view, is_involved


@pytest.fixture
def bench_data(db):
    data.reset()
    personas = data.create_organisation()
    data.add_initiatives(1, 300, span_of=450, log=lambda message: None)
    return personas


def test_owner_and_team_members_hold_the_object_permissions_the_services_would_grant(bench_data):
    initiative = Initiative.objects.get(pk=123)
    members = [m.user for m in TeamMember.objects.filter(initiative=initiative).select_related("user")]

    assert len(members) == 2
    assert initiative.owner not in members
    for user in [initiative.owner, *members]:
        assert is_involved(user, initiative)
        assert can_edit(user, initiative)
    assert not can_edit(bench_data.manager, initiative)


def test_every_event_trail_ends_in_the_initiatives_status(bench_data):
    last = dict(
        InitiativeEvent.objects.values("initiative").annotate(last=Max("created_at")).values_list("initiative", "last")
    )
    ends = {
        event.initiative_id: event.to_status
        for event in InitiativeEvent.objects.all()
        if event.created_at == last[event.initiative_id]
    }
    statuses = dict(Initiative.objects.values_list("pk", "status"))

    assert ends == statuses
    assert set(statuses.values()) == set(Status.values)


def test_the_personas_see_what_their_roles_allow(bench_data):
    draft = Initiative.objects.filter(status=Status.DRAFT).exclude(owner=bench_data.employee).first()

    assert can_view(bench_data.coordinator, draft)
    assert not can_view(bench_data.committee_member, draft)
    assert Initiative.objects.involving(bench_data.employee).exists()


def test_growing_appends_the_next_ids(bench_data):
    data.add_initiatives(301, 450, span_of=450, log=lambda message: None)

    assert data.initiative_count() == 450
    assert Initiative.objects.aggregate(Max("pk"))["pk__max"] == 450


def test_every_page_of_the_bench_answers_and_the_report_names_them_all(bench_data, settings):
    import random

    ctx = scenarios.Context.load(bench_data, rng=random.Random(1), page_size=settings.PAGE_SIZE)
    results = {300: {s.key: scenarios.run(s, ctx, requests=2, warmup=0, seed=1) for s in scenarios.SCENARIOS}}

    table = report.table(results)
    for scenario in scenarios.SCENARIOS:
        assert scenario.page in table
        assert results[300][scenario.key].queries
    assert len(report.checks(results)) == len(scenarios.SCENARIOS) + sum(s.is_list for s in scenarios.SCENARIOS)
