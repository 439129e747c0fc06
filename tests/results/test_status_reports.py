"""Status reports on running trials: narrative, measurements against baseline and target,
obstacles and help needed; the detail page shows each indicator over time as an SVG chart
with its numbers in a table; the team's notes stay private."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from initiatives.exceptions import ActionForbidden
from initiatives.models import InitiativeEvent
from results import services
from results.models import IndicatorMeasurement, StatusReport
from slagelse_ou.models import Notification
from tests.results.conftest import NARRATIVE_CANARY


@pytest.fixture
def running(initiative_in):
    return initiative_in("i_gang")


def post_report(client, initiative, **data):
    indicator = initiative.indicators.get()
    payload = {
        "reported_on": timezone.localdate().isoformat(),
        "narrative": "Vi er godt i gang.",
        "obstacles": "",
        "help_needed": "",
        f"indikator_{indicator.pk}": "31,5",
    }
    payload.update(data)
    return client.post(reverse("results:status_report_create", args=[initiative.pk]), payload)


def test_the_team_posts_a_status_report_with_a_measurement_in_danish_notation(client, running, team_member):
    client.force_login(team_member)
    response = post_report(client, running, help_needed="")

    assert response.status_code == 302 and response["Location"].endswith("#resultater")
    report = StatusReport.objects.get(initiative=running)
    assert report.author == team_member and report.narrative == "Vi er godt i gang."
    measurement = IndicatorMeasurement.objects.get(status_report=report)
    assert measurement.value == Decimal("31.5") and measurement.measured_on == report.reported_on
    assert InitiativeEvent.objects.filter(initiative=running, action="status_report_add", actor=team_member).exists()


def test_bad_input_gets_danish_messages_and_keeps_everything_typed(client, running, initiator):
    client.force_login(initiator)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = post_report(
        client,
        running,
        narrative="",
        reported_on=future,
        obstacles="Vikarer mangler",
        **{f"indikator_{running.indicators.get().pk}": "tolv"},
    )
    page = response.content.decode()

    assert response.status_code == 200
    assert "Fortæl kort, hvad der er sket siden sidst." in page
    assert "Datoen for målingerne kan ikke ligge i fremtiden." in page
    assert "Skriv et tal, fx 12 eller 12,5." in page
    assert "Vikarer mangler" in page and 'value="tolv"' in page and f'value="{future}"' in page
    assert not StatusReport.objects.exists()


def test_asking_for_help_tells_the_coordinators(running, initiator, coordinator):
    services.status_report_create(
        initiative_id=running.pk,
        actor=initiator,
        reported_on=timezone.localdate(),
        narrative="Status.",
        help_needed="Vi mangler en jurist.",
    )
    notification = Notification.objects.get(recipient=coordinator, subject__contains="beder om hjælp")
    assert notification.body == "Vi mangler en jurist."


@pytest.mark.parametrize("persona", ["outsider", "manager", "coordinator", "committee_member"])
def test_only_the_owner_and_team_may_report(client, request, running, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("results:status_report_create", args=[running.pk])).status_code == 403
    assert post_report(client, running).status_code == 403
    with pytest.raises(ActionForbidden):
        services.status_report_create(
            initiative_id=running.pk,
            actor=request.getfixturevalue(persona),
            reported_on=timezone.localdate(),
            narrative="x",
        )
    assert not StatusReport.objects.exists()


def test_no_status_reports_before_the_trial_runs(client, initiative_in, initiator):
    approved = initiative_in("godkendt")
    client.force_login(initiator)
    assert client.get(reverse("results:status_report_create", args=[approved.pk])).status_code == 403


def test_the_detail_page_charts_each_indicator_over_time_with_a_data_table(client, running, initiator):
    indicator = running.indicators.get()
    for days, value in ((28, "36"), (14, "30"), (0, "22,5")):
        client.force_login(initiator)
        post_report(
            client,
            running,
            reported_on=(timezone.localdate() - dt.timedelta(days=days)).isoformat(),
            narrative=NARRATIVE_CANARY,
            **{f"indikator_{indicator.pk}": value},
        )
    client.logout()

    page = client.get(reverse("initiatives:detail", args=[running.pk])).content.decode()

    assert f'<figure class="chart" id="indikator-{indicator.pk}">' in page
    assert 'role="img" aria-labelledby="indikator-' in page
    assert "<desc" in page and "Udgangspunkt 40 antal, mål 10 antal. Målinger:" in page
    assert page.count("<circle") == 3 and "<polyline" in page
    assert '<td class="num">22,5</td>' in page and '<td class="num">36</td>' in page
    assert NARRATIVE_CANARY not in page  # the team's notes are not public


def test_the_team_sees_its_status_reports_on_the_detail_page(client, running, initiator):
    client.force_login(initiator)
    post_report(client, running, narrative=NARRATIVE_CANARY, obstacles="Sygdom", help_needed="Vikarer")
    page = client.get(reverse("initiatives:detail", args=[running.pk])).content.decode()
    assert NARRATIVE_CANARY in page and "Sygdom" in page and "Vikarer" in page
    assert "Dobbeltbesøg: 31,5 antal" in page


def test_the_detail_pages_query_count_does_not_grow_with_status_reports(client, running, initiator):
    client.force_login(initiator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("initiatives:detail", args=[running.pk])).status_code == 200
        return len(captured)

    post_report(client, running, reported_on=(timezone.localdate() - dt.timedelta(days=20)).isoformat())
    one = queries()
    for days in (10, 5, 0):
        post_report(client, running, reported_on=(timezone.localdate() - dt.timedelta(days=days)).isoformat())
    assert queries() == one
