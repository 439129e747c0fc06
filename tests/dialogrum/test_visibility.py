"""The visibility matrix: each room kind × each persona (anonymous included), through the
test client, for the room page, a thread, a post, a meeting, its .ics file, the room list
and the calendar feed. A reader either sees all of a room or nothing of it (404, absent
from lists and feeds). Rule in words: dialogrum/permissions.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.dialogrum.conftest import PERSONAS

ROOMS = ["tema_offentlig", "tema_medarbejdere", "tema_medlemmer", "proeve_i_gang", "proeve_kladde", "proeve_medlemmer"]
STAFF = {"outsider", "initiator", "team_member", "manager", "reviewer", "coordinator", "committee_member"}
EVERYONE = set(PERSONAS)

# Who sees each room.
SEES = {
    "tema_offentlig": EVERYONE,
    "tema_medarbejdere": STAFF | {"member"},  # staff, plus the invited citizen
    "tema_medlemmer": {"member", "coordinator"},  # invited members; coordinators see all
    "proeve_i_gang": EVERYONE,  # public room of a public (running) trial
    "proeve_kladde": {"initiator", "team_member", "coordinator"},  # only those who may see the draft
    "proeve_medlemmer": {"initiator", "team_member", "member", "coordinator"},  # trial team own it
}
# What a permitted reader gets; everyone else gets 404 on every surface.
ALLOWED = {"room": 200, "thread": 200, "older posts (htmx)": 200, "post": 302, "meeting": 200, "meeting .ics": 200}


def _login(client, persona, name):
    user = persona(name)
    if user is not None:
        client.force_login(user)


def _surfaces(client, w):
    """Status of every way into one room's content."""
    return {
        "room": client.get(reverse("dialogrum:room_detail", args=[w.room.pk])).status_code,
        "thread": client.get(reverse("dialogrum:thread_detail", args=[w.thread.pk])).status_code,
        "older posts (htmx)": client.get(
            reverse("dialogrum:thread_detail", args=[w.thread.pk]) + "?side=1&aeldre=1", HTTP_HX_REQUEST="true"
        ).status_code,
        "post": client.get(reverse("dialogrum:post_permalink", args=[w.reply.pk])).status_code,
        "meeting": client.get(reverse("dialogrum:meeting_detail", args=[w.meeting.pk])).status_code,
        "meeting .ics": client.get(reverse("dialogrum:meeting_ics", args=[w.meeting.pk])).status_code,
    }


@pytest.mark.parametrize("name", PERSONAS)
def test_each_persona_sees_exactly_the_rooms_the_rule_allows_on_every_surface(client, world, persona, name):
    _login(client, persona, name)
    room_list = client.get(reverse("dialogrum:room_list")).content.decode()
    feed = client.get(reverse("dialogrum:calendar_feed")).content.decode()
    wrong = []
    for key in ROOMS:
        w = world[key]
        allowed = name in SEES[key]
        for surface, status in _surfaces(client, w).items():
            want = ALLOWED[surface] if allowed else 404
            if status != want:
                wrong.append(f"{key} {surface}: {status}, expected {want}")
        in_list = f">{w.room.display_title}<" in room_list
        in_feed = f"UID:dialogmoede-{w.meeting.pk}@" in feed
        if in_list != allowed:
            wrong.append(f"{key} in room list: {in_list}, expected {allowed}")
        if in_feed != allowed:
            wrong.append(f"{key} in calendar feed: {in_feed}, expected {allowed}")
    assert wrong == []


def test_a_draft_trials_room_does_not_leak_its_title_through_a_public_meetings_agenda(
    client, world, coordinator, initiator
):
    from dialogrum import services

    draft = world["proeve_kladde"].room.initiative
    meeting = world["tema_offentlig"].meeting
    services.agenda_item_add(meeting_id=meeting.pk, actor=coordinator, title="Nyt fra kladden", initiative=draft)
    page = client.get(reverse("dialogrum:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Nyt fra kladden" in page
    assert draft.title not in page
    assert "en prøvehandling, du ikke har adgang til" in page
    client.force_login(initiator)
    assert draft.title in client.get(reverse("dialogrum:meeting_detail", args=[meeting.pk])).content.decode()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("outsider", 403),
        ("manager", 403),
        ("committee_member", 200),
        ("coordinator", 200),
    ],
)
def test_only_coordinators_and_politicians_may_create_thematic_rooms(client, persona, name, expected, db):
    _login(client, persona, name)
    assert client.get(reverse("dialogrum:room_create")).status_code == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("outsider", 403),
        ("initiator", 200),
        ("team_member", 200),
        ("manager", 403),
        ("coordinator", 200),
        ("committee_member", 403),
    ],
)
def test_a_trials_owner_and_team_own_its_room_and_others_who_see_it_get_403(client, world, persona, name, expected):
    _login(client, persona, name)
    room = world["proeve_i_gang"].room
    for url_name in ("room_edit", "room_members", "meeting_create"):
        assert client.get(reverse(f"dialogrum:{url_name}", args=[room.pk])).status_code == expected, url_name


def test_the_trials_room_is_opened_once_by_its_owner_and_then_reached_by_everyone(
    client, initiative_in, citizen, initiator
):
    from dialogrum.models import Room

    initiative = initiative_in("i_gang")
    url = reverse("dialogrum:initiative_room", args=[initiative.pk])
    assert client.get(url).status_code == 404  # no room yet, and a GET creates none
    client.force_login(initiator)
    first = client.post(url)
    client.force_login(citizen)
    second = client.get(url)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Room.objects.filter(initiative=initiative).count() == 1


def test_a_drafts_room_cannot_be_reached_or_created_by_someone_who_cannot_see_the_draft(client, draft, outsider):
    from dialogrum.models import Room

    client.force_login(outsider)
    assert client.get(reverse("dialogrum:initiative_room", args=[draft.pk])).status_code == 404
    assert not Room.objects.filter(initiative=draft).exists()
