"""The dashboard for committee members and coordinators: the report's figures and charts as
HTML — trials by state, område, pejlemærke and outcome; time from submission to decision;
overdue trials; rule exemptions in force — in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from slagelse_ou.models import OverdueFlag


def test_the_dashboard_shows_the_figures_and_charts_with_their_tables(client, build, initiator, committee_member):
    with time_machine.travel(timezone.now() - dt.timedelta(days=10)):
        waiting = build.submitted(owner=initiator, title="Lang sagsbehandling")
    build.decided(build.reviewed(waiting))  # decided 10 days after submission
    running = build.running(
        owner=initiator, title="Med dispensation", rules=[{"rule": "Åbningstider i borgerservice", "kind": "procedure"}]
    )
    build.concluded(owner=initiator, title="Stoppet forsøg", outcome="stoppet")
    OverdueFlag.objects.create(
        kind="statusrapport",
        object_id=running.pk,
        due_on=timezone.localdate() - dt.timedelta(days=9),
        initiative_id=running.pk,
        title=running.title,
        flagged_at=timezone.now(),
    )
    client.force_login(committee_member)

    page = client.get(reverse("results:dashboard")).content.decode()

    assert "<strong>3</strong> prøvehandlinger" in page
    assert "<strong>3,3</strong> dage i gennemsnit" in page  # (10 + 0 + 0) / 3
    assert "<strong>0</strong> dage (median)" in page
    assert "<strong>1</strong> med overskredne frister" in page and "9 dage over fristen" in page
    assert "<strong>1</strong> dispensationer i kraft" in page and "Åbningstider i borgerservice" in page
    for chart in ("dash-status", "dash-omraade", "dash-pejlemaerke", "dash-udfald"):
        assert f'<figure class="chart" id="{chart}">' in page
    assert '<th scope="row">Stoppet</th><td class="num">1</td>' in page
    assert '<th scope="row">Velfærd</th><td class="num">3</td>' in page


def test_the_dashboard_can_show_one_round(client, build, initiator, round_, coordinator):
    build.submitted(owner=initiator, title="I runden", round_=round_)
    build.submitted(owner=initiator, title="Uden runde")
    client.force_login(coordinator)
    page = client.get(reverse("results:dashboard"), {"runde": round_.pk}).content.decode()
    assert "<h2>Forårsrunden</h2>" in page and "<strong>1</strong> prøvehandlinger" in page


def test_the_dashboards_query_count_does_not_grow_with_the_number_of_trials(client, build, initiator, coordinator):
    client.force_login(coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("results:dashboard")).status_code == 200
        return len(captured)

    build.concluded(owner=initiator, title="En", rules=[{"rule": "R1", "kind": "procedure"}])
    few = queries()
    for n in range(3):
        build.running(owner=initiator, title=f"Flere {n}", rules=[{"rule": f"R{n}", "kind": "procedure"}])
    assert queries() == few
