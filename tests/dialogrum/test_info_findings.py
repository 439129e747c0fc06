"""Issue 13.13 (written first, seen failing): a GET never creates a trial's room, and a
hidden thread takes no replies."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dialogrum import services
from dialogrum.models import Room
from tests.factories import make_initiative

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["anonymous", "initiator", "outsider", "coordinator"])
def test_a_get_on_a_trial_s_room_address_creates_no_room(client, request, who):
    owner = request.getfixturevalue("initiator")
    initiative = make_initiative(owner=owner)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("dialogrum:initiative_room", args=[initiative.pk]))

    assert not Room.objects.filter(initiative=initiative).exists()
    assert response.status_code == (200 if who in ("initiator", "coordinator") else 404)


def test_the_owner_opens_the_room_with_a_post(client, initiator):
    initiative = make_initiative(owner=initiator)
    client.force_login(initiator)

    response = client.post(reverse("dialogrum:initiative_room", args=[initiative.pk]))

    room = Room.objects.get(initiative=initiative)
    assert response.status_code == 302 and response["Location"] == room.get_absolute_url()


def test_a_hidden_thread_takes_no_replies(client, public_thread, coordinator, committee_member):
    opening = public_thread.posts.get(is_opening=True)
    services.post_hide(post_id=opening.pk, actor=coordinator, reason="Krænkende")
    public_thread.refresh_from_db()
    assert public_thread.hidden
    client.force_login(committee_member)

    response = client.post(reverse("dialogrum:thread_reply", args=[public_thread.pk]), {"body": "Et svar"})

    assert public_thread.posts.count() == 1
    assert "kan ikke få nye svar" in response.content.decode() or response.status_code == 404


def test_signing_someone_else_up_for_a_meeting_is_403_for_a_non_owner(
    client, public_room, coordinator, citizen, member
):
    import datetime as dt

    from django.utils import timezone

    start = timezone.now() + dt.timedelta(days=2)
    meeting = services.meeting_create(
        room_id=public_room.pk,
        actor=coordinator,
        data={
            "title": "Borgermøde",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=1),
            "location": "Rådhuset",
            "online_url": "",
            "description": "",
        },
    )
    client.force_login(citizen)

    response = client.post(reverse("dialogrum:participation", args=[meeting.pk]), {"user": member.pk, "attending": "1"})

    assert response.status_code == 403
    assert not meeting.participations.filter(user=member).exists()
