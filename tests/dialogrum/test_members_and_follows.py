"""Members are invited by coordinators or room owners: object permissions (django-guardian,
direct FK table) granted and revoked only in services, audited and notified. Following a
room or a thread brings notifications through the outbox, only to people who can read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dialogrum import services
from dialogrum.exceptions import ActionForbidden
from dialogrum.models import DialogEvent, Follow, RoomUserObjectPermission, Visibility
from slagelse_ou.models import Notification


@pytest.fixture
def closed_room(coordinator):
    return services.room_create(actor=coordinator, title="Politisk sparring", visibility=Visibility.MEMBERS)


def test_an_owner_invites_a_member_who_can_then_read_and_is_told(client, closed_room, coordinator, committee_member):
    client.force_login(committee_member)
    assert client.get(closed_room.get_absolute_url()).status_code == 404
    client.force_login(coordinator)
    response = client.post(reverse("dialogrum:room_members", args=[closed_room.pk]), {"user": committee_member.pk})
    assert response.status_code == 302
    grant = RoomUserObjectPermission.objects.get(content_object=closed_room, user=committee_member)
    assert grant.permission.codename == "view_room"
    event = DialogEvent.objects.get(action="member_invite")
    assert (event.actor, event.room, event.subject_user, event.data) == (
        coordinator,
        closed_room,
        committee_member,
        {"owner": False},
    )
    assert Notification.objects.filter(recipient=committee_member, subject__contains="inviteret").exists()
    client.force_login(committee_member)
    assert client.get(closed_room.get_absolute_url()).status_code == 200
    assert client.get(reverse("dialogrum:room_members", args=[closed_room.pk])).status_code == 403


def test_an_invited_owner_may_invite_others_and_a_plain_member_may_not(closed_room, coordinator, manager, citizen):
    services.room_member_invite(room_id=closed_room.pk, actor=coordinator, user=manager, as_owner=True)
    services.room_member_invite(room_id=closed_room.pk, actor=manager, user=citizen)
    with pytest.raises(ActionForbidden):
        services.room_member_invite(room_id=closed_room.pk, actor=citizen, user=coordinator)
    with pytest.raises(ActionForbidden, match="allerede medlem"):
        services.room_member_invite(room_id=closed_room.pk, actor=manager, user=citizen)


def test_removing_a_member_revokes_access_and_is_audited(client, closed_room, coordinator, citizen):
    services.room_member_invite(room_id=closed_room.pk, actor=coordinator, user=citizen)
    client.force_login(coordinator)
    client.post(reverse("dialogrum:room_member_remove", args=[closed_room.pk, citizen.pk]))
    assert not RoomUserObjectPermission.objects.filter(content_object=closed_room, user=citizen).exists()
    assert DialogEvent.objects.filter(action="member_remove", subject_user=citizen, actor=coordinator).exists()
    client.force_login(citizen)
    assert client.get(closed_room.get_absolute_url()).status_code == 404


def test_changing_a_rooms_visibility_is_audited(client, closed_room, coordinator):
    client.force_login(coordinator)
    client.post(
        reverse("dialogrum:room_edit", args=[closed_room.pk]),
        {"title": "Åben sparring", "description": "", "visibility": "offentlig"},
    )
    event = DialogEvent.objects.get(action="room_update")
    assert event.data["visibility"] == ["medlemmer", "offentlig"] and event.actor == coordinator
    assert client.logout() is None and client.get(closed_room.get_absolute_url()).status_code == 200


def test_following_a_room_brings_new_threads_and_meetings_but_not_your_own(public_room, citizen, outsider, coordinator):
    services.room_follow_set(room_id=public_room.pk, user=citizen, follow=True)
    services.room_follow_set(room_id=public_room.pk, user=outsider, follow=True)
    services.thread_create(room_id=public_room.pk, author=outsider, title="Nyt emne", body="Tekst")
    assert Notification.objects.filter(recipient=citizen, subject__contains="Nyt emne").count() == 1
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_following_a_thread_brings_replies_and_authors_follow_their_own_threads(
    public_thread, committee_member, citizen
):
    assert Follow.objects.filter(user=committee_member, thread=public_thread).exists()
    post = services.post_reply(thread_id=public_thread.pk, author=citizen, body="Svar")
    note = Notification.objects.get(recipient=committee_member)
    assert note.subject == "Nyt svar i “Hvad virker?”"
    assert note.url == reverse("dialogrum:post_permalink", args=[post.pk])
    assert not Notification.objects.filter(recipient=citizen).exists()


def test_unfollowing_stops_notifications(client, public_thread, committee_member, citizen):
    client.force_login(committee_member)
    response = client.post(
        reverse("dialogrum:thread_follow", args=[public_thread.pk]), {"follow": "0"}, HTTP_HX_REQUEST="true"
    )
    assert "Følg tråden" in response.content.decode() and "<html" not in response.content.decode()
    services.post_reply(thread_id=public_thread.pk, author=citizen, body="Svar")
    assert not Notification.objects.filter(recipient=committee_member).exists()


def test_a_follower_who_has_lost_access_hears_nothing(closed_room, coordinator, citizen, outsider):
    services.room_member_invite(room_id=closed_room.pk, actor=coordinator, user=citizen)
    services.room_follow_set(room_id=closed_room.pk, user=citizen, follow=True)
    services.room_member_remove(room_id=closed_room.pk, actor=coordinator, user=citizen)
    Notification.objects.all().delete()
    services.thread_create(room_id=closed_room.pk, author=coordinator, title="Fortroligt", body="Tekst")
    assert not Notification.objects.filter(recipient=citizen).exists()


def test_you_cannot_follow_a_room_you_cannot_read(closed_room, outsider):
    with pytest.raises(ActionForbidden):
        services.room_follow_set(room_id=closed_room.pk, user=outsider, follow=True)
