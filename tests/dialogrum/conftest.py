"""A small dialogrum world on top of the personas (tests/conftest.py).

Rooms, one of each kind the visibility rule distinguishes:
    tema_offentlig     thematic, public
    tema_medarbejdere  thematic, staff-only (a citizen, `member`, is invited)
    tema_medlemmer     thematic, members-only (`member` is invited)
    proeve_i_gang      a running trial's room, public
    proeve_kladde      a draft trial's room, public (but the draft is not)
    proeve_medlemmer   another running trial's room, members-only (`member` is invited)
Each room has a thread with an opening post and a reply, and a meeting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from dialogrum import services
from dialogrum.models import Meeting, Post, Room, Thread, Visibility
from initiatives import services as initiative_services
from slagelse_ou import roles
from tests.conftest import move
from tests.factories import UserFactory, make_initiative

PERSONAS = [
    "anonymous",
    "citizen",
    "member",
    "outsider",
    "initiator",
    "team_member",
    "manager",
    "reviewer",
    "coordinator",
    "committee_member",
]


@pytest.fixture(autouse=True)
def _dialogrum_settings(settings):
    settings.DIALOGRUM_EDIT_WINDOW_MINUTES = 15
    settings.DIALOGRUM_POSTS_PER_PAGE = 20
    settings.DIALOGRUM_MEETING_REMINDER_HOURS = 24


@pytest.fixture
def member(db):
    """A citizen invited into the staff-only and members-only rooms."""
    return UserFactory(username="inviteret", roles=[roles.BORGER])


@pytest.fixture
def persona(request):
    """persona("citizen") → the user, or None for anonymous."""

    def _get(name: str):
        return None if name == "anonymous" else request.getfixturevalue(name)

    return _get


@dataclass
class RoomWorld:
    room: Room
    thread: Thread
    opening: Post
    reply: Post
    meeting: Meeting


def _populate(room: Room, *, writer, replier, owner) -> RoomWorld:
    thread = services.thread_create(
        room_id=room.pk, author=writer, title=f"Tråd i {room.display_title}", body="Hvad mener I?"
    )
    reply = services.post_reply(thread_id=thread.pk, author=replier, body="Godt spørgsmål.")
    start = timezone.now() + dt.timedelta(days=7)
    meeting = services.meeting_create(
        room_id=room.pk,
        actor=owner,
        data={
            "title": f"Møde i {room.display_title}",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2),
            "location": "Rådhuset",
            "online_url": "",
            "description": "",
        },
    )
    return RoomWorld(room=room, thread=thread, opening=thread.posts.get(is_opening=True), reply=reply, meeting=meeting)


def running_initiative(*, owner, team, coordinator, title):
    initiative = make_initiative(owner=owner, title=title)
    initiative_services.team_member_add(initiative_id=initiative.pk, actor=owner, user=team)
    return move(
        initiative,
        "submit",
        "approve",
        "start",
        actor_by_action={"submit": owner, "approve": coordinator, "start": owner},
    )


@pytest.fixture
def world(initiator, team_member, coordinator, committee_member, member, manager, reviewer, citizen, outsider):
    rooms: dict[str, RoomWorld] = {}
    for key, visibility in (
        ("tema_offentlig", Visibility.PUBLIC),
        ("tema_medarbejdere", Visibility.STAFF),
        ("tema_medlemmer", Visibility.MEMBERS),
    ):
        room = services.room_create(actor=coordinator, title=key, visibility=visibility)
        if visibility != Visibility.PUBLIC:
            services.room_member_invite(room_id=room.pk, actor=coordinator, user=member)
        rooms[key] = _populate(room, writer=coordinator, replier=coordinator, owner=coordinator)

    running = running_initiative(owner=initiator, team=team_member, coordinator=coordinator, title="Kørende")
    rooms["proeve_i_gang"] = _populate(
        services.room_for_initiative_ensure(initiative=running), writer=initiator, replier=team_member, owner=initiator
    )

    draft = make_initiative(owner=initiator, title="Hemmelig kladde")
    initiative_services.team_member_add(initiative_id=draft.pk, actor=initiator, user=team_member)
    rooms["proeve_kladde"] = _populate(
        services.room_for_initiative_ensure(initiative=draft), writer=initiator, replier=team_member, owner=initiator
    )

    closed = running_initiative(owner=initiator, team=team_member, coordinator=coordinator, title="Lukket rum")
    room = services.room_for_initiative_ensure(initiative=closed)
    services.room_update(room_id=room.pk, actor=initiator, title="", description="", visibility=Visibility.MEMBERS)
    services.room_member_invite(room_id=room.pk, actor=initiator, user=member)
    rooms["proeve_medlemmer"] = _populate(room, writer=initiator, replier=member, owner=initiator)
    return rooms


@pytest.fixture
def public_room(coordinator):
    return services.room_create(actor=coordinator, title="Fremtidens ældrepleje", visibility=Visibility.PUBLIC)


@pytest.fixture
def public_thread(public_room, committee_member):
    return services.thread_create(
        room_id=public_room.pk,
        author=committee_member,
        title="Hvad virker?",
        body="Fortæl os, hvad der virker i hverdagen.",
    )
