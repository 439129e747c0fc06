"""The pages of this feature climb the permission ladder (anonymous → login, no permission
→ 403/404, permitted → 200 with content), and bad input gets a Danish message."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from initiatives.models import Milestone, Round, Status
from slagelse_ou.models import Notification, OverdueFlag
from tests.reminders.conftest import at
from tests.reminders.factories import trial

TODAY = dt.date(2027, 3, 15)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(TODAY, hour=12), tick=False):
        yield


@pytest.mark.parametrize("name", ["deadlines:mine", "deadlines:overdue", "deadlines:preferences", "rounds:create"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["deadlines:overdue", "rounds:create"])
def test_employees_may_not_open_the_coordinators_pages(client, initiator, name):
    client.force_login(initiator)
    assert client.get(reverse(name)).status_code == 403


def test_mine_frister_shows_the_users_deadlines(client, initiator, outsider):
    initiative = trial(owner=initiator, day=TODAY - dt.timedelta(days=7))
    client.force_login(initiator)
    page = client.get(reverse("deadlines:mine")).content.decode()
    assert initiative.title in page and "Statusrapport" in page and "Om 21 dage" in page
    client.force_login(outsider)
    assert initiative.title not in client.get(reverse("deadlines:mine")).content.decode()


def test_the_overdue_page_lists_open_flags_for_coordinators(client, coordinator, initiator):
    initiative = trial(owner=initiator, day=TODAY - dt.timedelta(days=60))
    OverdueFlag.objects.create(
        kind="statusrapport",
        object_id=initiative.pk,
        due_on=TODAY - dt.timedelta(days=32),
        initiative_id=initiative.pk,
        title=initiative.title,
        flagged_at=at(TODAY),
    )
    client.force_login(coordinator)
    page = client.get(reverse("deadlines:overdue")).content.decode()
    assert initiative.title in page and "32 dage" in page and f"/proevehandlinger/{initiative.pk}/" in page


def test_the_unread_badge_is_an_htmx_fragment_with_the_count(client, initiator):
    Notification.objects.create(recipient=initiator, subject="Hej", body="")
    client.force_login(initiator)
    response = client.get(reverse("deadlines:notification_badge"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'hx-trigger="every 60s"' in body and ">1<" in body
    assert 'id="notification-badge"' in client.get(reverse("home")).content.decode()


def test_preferences_are_saved_and_a_missing_choice_gets_a_danish_message(client, initiator):
    client.force_login(initiator)
    url = reverse("deadlines:preferences")
    response = client.post(url, {"email_non_essential": "on"})
    assert response.status_code == 200 and "Vælg straks eller dagligt sammendrag." in response.content.decode()
    client.post(url, {"notification_preference": "daily"})
    initiator.refresh_from_db()
    assert (initiator.notification_preference, initiator.email_non_essential) == ("daily", False)


def test_a_coordinator_creates_a_round_and_wrong_dates_get_danish_messages_keeping_the_input(client, coordinator):
    client.force_login(coordinator)
    url = reverse("rounds:create")
    data = {
        "title": "Efterårsrunden",
        "description": "Tema: ensomhed",
        "opens_on": "2027-09-01",
        "application_deadline": "2027-08-01",
        "review_deadline": "2027-10-01",
        "committee_meeting_on": "2027-10-20",
    }
    page = client.post(url, data).content.decode()
    assert "Ansøgningsfristen skal ligge på eller efter åbningsdatoen." in page
    assert 'value="Efterårsrunden"' in page and "Tema: ensomhed" in page
    response = client.post(url, {**data, "application_deadline": "2027-09-30"})
    round_ = Round.objects.get()
    assert response.status_code == 302 and response.url == reverse("rounds:detail", args=[round_.pk])
    assert "Søg i denne runde" in client.get(response.url).content.decode()


def test_the_team_adds_milestones_and_marks_them_reached(client, initiator, team_member):
    initiative = trial(owner=initiator, team=[team_member], day=TODAY)
    client.force_login(team_member)
    url = reverse("rounds:milestones", args=[initiative.pk])
    page = client.post(url, {"title": "Første workshop"}).content.decode()
    assert "Vælg en dato." in page and 'value="Første workshop"' in page
    client.post(url, {"title": "Første workshop", "due_on": "2027-04-01"})
    milestone = Milestone.objects.get()
    assert (milestone.title, milestone.due_on, milestone.created_by) == (
        "Første workshop",
        dt.date(2027, 4, 1),
        team_member,
    )
    client.post(reverse("rounds:milestone_done", args=[initiative.pk, milestone.pk]))
    assert Milestone.objects.get().done_at is not None
    assert initiative.events.filter(action__in=["milestone_add", "milestone_done"]).count() == 2


def test_people_outside_the_trial_cannot_see_or_add_milestones(client, initiator, outsider):
    running = trial(owner=initiator, day=TODAY)
    draft = trial(owner=initiator, day=TODAY, status=Status.DRAFT)
    client.force_login(outsider)
    assert client.get(reverse("rounds:milestones", args=[draft.pk])).status_code == 404
    # The trial is public, its milestones are not: 404, as for every private page (issue 13.13).
    assert client.get(reverse("rounds:milestones", args=[running.pk])).status_code == 404
    assert (
        client.post(reverse("rounds:milestones", args=[running.pk]), {"title": "x", "due_on": "2027-04-01"}).status_code
        == 404
    )
    assert not Milestone.objects.exists()


def test_mine_frister_and_the_notification_list_link_to_the_preferences(client, initiator):
    client.force_login(initiator)
    assert reverse("deadlines:preferences") in client.get(reverse("deadlines:mine")).content.decode()
    assert reverse("deadlines:preferences") in client.get(reverse("notifications")).content.decode()
