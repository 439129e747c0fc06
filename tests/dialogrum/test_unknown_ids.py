"""Issue 13.9: unknown or foreign ids give 404, not 500 (written first; all three answered
500 through DoesNotExist in the service)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogrum import services
from initiatives import services as initiative_services
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


def _meeting(room, actor, title):
    start = timezone.now() + dt.timedelta(days=3)
    return services.meeting_create(
        room_id=room.pk,
        actor=actor,
        data={
            "title": title,
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=1),
            "location": "Rådhuset",
            "online_url": "",
            "description": "",
        },
    )


def test_removing_an_unknown_or_another_trial_s_team_member_is_404(client, initiator, team_member):
    mine = make_initiative(owner=initiator)
    other = make_initiative(owner=initiator, title="Anden")
    initiative_services.team_member_add(initiative_id=other.pk, actor=initiator, user=team_member)
    foreign = other.team.get()
    client.force_login(initiator)

    for member_id in (999999, foreign.pk):
        response = client.post(reverse("initiatives:team_remove", args=[mine.pk, member_id]))
        assert response.status_code == 404


def test_removing_an_unknown_or_another_meeting_s_agenda_item_is_404(client, coordinator, public_room):
    meeting = _meeting(public_room, coordinator, "Møde 1")
    other = _meeting(public_room, coordinator, "Møde 2")
    foreign = services.agenda_item_add(meeting_id=other.pk, actor=coordinator, title="Punkt")
    client.force_login(coordinator)

    for item_id in (999999, foreign.pk):
        response = client.post(reverse("dialogrum:agenda_remove", args=[meeting.pk, item_id]))
        assert response.status_code == 404
    assert other.agenda.count() == 1


def test_dismissing_an_unknown_report_is_404(client, coordinator):
    client.force_login(coordinator)

    assert client.post(reverse("dialogrum:report_dismiss", args=[999999])).status_code == 404
