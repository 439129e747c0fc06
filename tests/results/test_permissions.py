"""The permission ladder on every page and download of results/: anonymous → log in;
no permission → 403 (a page) or 404 (an object whose existence is not revealed);
permitted → 200 with content."""

from __future__ import annotations

import pytest
from django.urls import reverse

from results import services
from results.models import GeneratedReport

COMMITTEE_READERS = {"coordinator", "committee_member"}
EVERYONE = ["initiator", "team_member", "manager", "reviewer", "coordinator", "committee_member", "citizen", "outsider"]


@pytest.fixture
def finished_report(round_, coordinator):
    report = services.report_request(actor=coordinator, kind=GeneratedReport.Kind.ROUND, round_id=round_.pk)
    services.report_generate(report_id=report.pk)
    return GeneratedReport.objects.get(pk=report.pk)


def login(client, request, persona: str):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


@pytest.mark.parametrize("name", ["results:dashboard", "results:report_list"])
@pytest.mark.parametrize("persona", EVERYONE)
def test_the_dashboard_and_the_report_list_are_for_coordinators_and_committee_members(client, request, name, persona):
    login(client, request, persona)
    response = client.get(reverse(name))
    assert response.status_code == (200 if persona in COMMITTEE_READERS else 403)


@pytest.mark.parametrize("name", ["results:report_detail", "results:report_download"])
@pytest.mark.parametrize("persona", EVERYONE)
def test_a_stored_report_is_shown_and_downloaded_only_by_coordinators_and_committee_members(
    client, request, finished_report, name, persona
):
    login(client, request, persona)
    response = client.get(reverse(name, args=[finished_report.pk]))
    if persona in COMMITTEE_READERS:
        assert response.status_code == 200
        if name == "results:report_download":
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["Cache-Control"] == "private, no-store"
            assert b"".join(response.streaming_content).startswith(b"%PDF")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", EVERYONE)
def test_ordering_and_regenerating_reports_is_refused_to_everyone_else(
    client, request, round_, finished_report, persona
):
    login(client, request, persona)
    before = GeneratedReport.objects.count()
    create = client.post(reverse("results:report_create"), {"kind": "rundrapport", "runde-runde": round_.pk})
    regenerate = client.post(reverse("results:report_regenerate", args=[finished_report.pk]))
    if persona in COMMITTEE_READERS:
        assert create.status_code == 302 and regenerate.status_code == 302
        assert GeneratedReport.objects.count() == before + 2
    else:
        assert (create.status_code, regenerate.status_code) == (403, 404)
        assert GeneratedReport.objects.count() == before


@pytest.mark.parametrize(
    "name", ["results:dashboard", "results:report_list", "results:report_detail", "results:report_download"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, finished_report, name):
    url = reverse(name, args=[finished_report.pk]) if name.endswith(("detail", "download")) else reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unfinished_report_cannot_be_downloaded_yet(client, round_, coordinator):
    report = services.report_request(actor=coordinator, kind=GeneratedReport.Kind.ROUND, round_id=round_.pk)
    client.force_login(coordinator)
    assert client.get(reverse("results:report_download", args=[report.pk])).status_code == 404


def test_bad_report_orders_get_danish_messages_and_keep_what_was_typed(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("results:report_create"),
        {"kind": "portefoelje", "periode-fra": "2026-06-30", "periode-til": "2026-01-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Slutdatoen skal ligge efter startdatoen." in page
    assert 'value="2026-06-30"' in page and 'value="2026-01-01"' in page
    missing = client.post(reverse("results:report_create"), {"kind": "rundrapport"}).content.decode()
    assert "Vælg den ansøgningsrunde, rapporten skal handle om." in missing
    assert not GeneratedReport.objects.exists()
