"""Dialogue meetings: time, place or online link, an agenda that can point at prøvehandlinger,
participants, minutes afterwards, attaching the minutes to a trial (shown on its page),
reminders exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogrum import services
from dialogrum.exceptions import ActionForbidden, DomainError
from dialogrum.models import AgendaItem, DialogEvent, Meeting, MinutesLink, Visibility
from slagelse_ou.models import Notification


def _data(start=None, **overrides):
    start = start or timezone.now() + dt.timedelta(days=3)
    data = {
        "title": "Dialogmøde om hjemmepleje",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "location": "Slagelse Rådhus, mødelokale 2",
        "online_url": "",
        "description": "Alle er velkomne.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def meeting(public_room, coordinator):
    return services.meeting_create(room_id=public_room.pk, actor=coordinator, data=_data())


@pytest.fixture
def held_meeting(public_room, coordinator):
    """A meeting that took place yesterday and has minutes."""
    meeting = services.meeting_create(
        room_id=public_room.pk, actor=coordinator, data=_data(start=timezone.now() - dt.timedelta(days=1))
    )
    return services.meeting_minutes_save(
        meeting_id=meeting.pk, actor=coordinator, minutes="## Referat\n\nVi aftalte at **prøve** morgenmødet."
    )


def test_an_owner_plans_a_meeting_through_the_form(client, public_room, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("dialogrum:meeting_create", args=[public_room.pk]),
        {
            "title": "Borgermøde",
            "starts_at": "2027-03-05T16:00",
            "ends_at": "2027-03-05T18:00",
            "location": "",
            "online_url": "https://moede.slagelse.dk/abc",
            "description": "",
        },
    )
    meeting = Meeting.objects.get(title="Borgermøde")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M") == "05.03.2027 16:00"
    assert DialogEvent.objects.filter(action="meeting_create", meeting=meeting, actor=coordinator).exists()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "fredag 5. marts 2027 kl. 16:00" in page and "https://moede.slagelse.dk/abc" in page


def test_a_meeting_that_ends_before_it_starts_or_has_no_place_is_refused_in_danish(client, public_room, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("dialogrum:meeting_create", args=[public_room.pk]),
        {
            "title": "Forkert møde",
            "starts_at": "2027-03-05T16:00",
            "ends_at": "2027-03-05T15:00",
            "location": "",
            "online_url": "",
            "description": "Min beskrivelse",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mødet skal slutte efter, det starter." in content and "Angiv et sted eller et onlinelink." in content
    assert "Forkert møde" in content and "Min beskrivelse" in content  # nothing typed is lost
    assert not Meeting.objects.exists()
    with pytest.raises(DomainError, match="slutte efter"):
        services.meeting_create(room_id=public_room.pk, actor=coordinator, data=_data(ends_at=timezone.now()))


def test_only_room_owners_plan_meetings(public_room, outsider, committee_member):
    for user in (outsider, committee_member):
        with pytest.raises(ActionForbidden):
            services.meeting_create(room_id=public_room.pk, actor=user, data=_data())


def test_agenda_items_can_point_at_a_trial_and_link_to_it(client, meeting, coordinator, initiative_in):
    initiative = initiative_in("i_gang")
    client.force_login(coordinator)
    response = client.post(
        reverse("dialogrum:agenda_add", args=[meeting.pk]),
        {"title": "Status på morgenmødet", "initiative": initiative.pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="form-section" id="agenda"')
    assert "Status på morgenmødet" in html and initiative.get_absolute_url() in html
    assert AgendaItem.objects.get(meeting=meeting).initiative == initiative


def test_people_sign_up_themselves_and_owners_add_others_who_can_see_the_room(
    client, meeting, citizen, outsider, coordinator, world
):
    client.force_login(citizen)
    client.post(reverse("dialogrum:participation", args=[meeting.pk]), {"attending": "1"})
    assert list(meeting.participants.all()) == [citizen]
    client.post(reverse("dialogrum:participation", args=[meeting.pk]), {"attending": "0"})
    assert not meeting.participants.exists()

    services.meeting_participation_set(meeting_id=meeting.pk, actor=coordinator, user=outsider, attending=True)
    assert list(meeting.participants.all()) == [outsider]
    with pytest.raises(ActionForbidden):  # citizens may not add others
        services.meeting_participation_set(meeting_id=meeting.pk, actor=citizen, user=coordinator, attending=True)

    staff_meeting = world["tema_medarbejdere"].meeting
    with pytest.raises(ActionForbidden, match="Invitér personen først"):
        services.meeting_participation_set(meeting_id=staff_meeting.pk, actor=coordinator, user=citizen, attending=True)


def test_anonymous_visitors_see_how_many_take_part_but_not_who(client, meeting, citizen):
    services.meeting_participation_set(meeting_id=meeting.pk, actor=citizen, user=citizen, attending=True)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "1 deltager har meldt sig til." in page and str(citizen) not in page


def test_minutes_are_written_after_the_meeting_and_participants_and_followers_are_told(
    client, public_room, coordinator, citizen, outsider
):
    meeting = services.meeting_create(room_id=public_room.pk, actor=coordinator, data=_data())
    services.meeting_participation_set(meeting_id=meeting.pk, actor=citizen, user=citizen, attending=True)
    services.room_follow_set(room_id=public_room.pk, user=outsider, follow=True)
    client.force_login(coordinator)
    client.post(reverse("dialogrum:minutes_edit", args=[meeting.pk]), {"minutes": "Vi aftalte *noget*."})
    meeting.refresh_from_db()
    assert meeting.minutes_html == "<p>Vi aftalte <em>noget</em>.</p>" and meeting.minutes_published_at
    for user in (citizen, outsider):
        assert Notification.objects.filter(recipient=user, subject__startswith="Referat fra").count() == 1
    services.meeting_minutes_save(meeting_id=meeting.pk, actor=coordinator, minutes="Rettet referat.")
    assert Notification.objects.filter(subject__startswith="Referat fra").count() == 2  # a correction tells no one
    assert DialogEvent.objects.filter(action="minutes_save").last().data == {"previous": "Vi aftalte *noget*."}


def test_minutes_attached_to_a_trial_show_on_the_trials_page(client, held_meeting, initiative_in, initiator):
    initiative = initiative_in("i_gang")
    client.force_login(initiator)
    response = client.post(
        reverse("dialogrum:minutes_attach", args=[held_meeting.pk]),
        {"initiative": initiative.pk, "purpose": "evaluering", "note": "Input til evalueringen"},
    )
    assert response.status_code == 302
    link = MinutesLink.objects.get()
    assert (link.initiative, link.purpose, link.attached_by) == (initiative, "evaluering", initiator)
    assert DialogEvent.objects.filter(action="minutes_attach", meeting=held_meeting).exists()

    client.logout()  # the trial and the room are public: anyone sees the minutes on the trial
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Referater fra dialogmøder" in page and held_meeting.title in page
    assert "Input til evaluering" in page and "<strong>prøve</strong>" in page
    # The trial has no room of its own yet: only its owner, team and the secretariat are
    # offered to open one (a GET creates nothing), so a visitor gets no link to a 404.
    assert reverse("dialogrum:initiative_room", args=[initiative.pk]) not in page


def test_minutes_from_a_closed_room_do_not_show_on_a_public_trial_to_outsiders(
    client, held_meeting, public_room, initiative_in, coordinator, citizen
):
    initiative = initiative_in("i_gang")
    services.meeting_minutes_attach(meeting_id=held_meeting.pk, actor=coordinator, initiative=initiative)
    services.room_update(
        room_id=public_room.pk,
        actor=coordinator,
        title=public_room.title,
        description="",
        visibility=Visibility.MEMBERS,
    )
    client.force_login(citizen)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert held_meeting.title not in page
    client.force_login(coordinator)
    assert held_meeting.title in client.get(initiative.get_absolute_url()).content.decode()


def test_only_coordinators_and_the_trials_team_attach_minutes_and_only_once(
    held_meeting, initiative_in, outsider, team_member, coordinator
):
    initiative = initiative_in("i_gang")
    with pytest.raises(ActionForbidden):
        services.meeting_minutes_attach(meeting_id=held_meeting.pk, actor=outsider, initiative=initiative)
    services.meeting_minutes_attach(meeting_id=held_meeting.pk, actor=team_member, initiative=initiative)
    with pytest.raises(ActionForbidden, match="allerede knyttet"):
        services.meeting_minutes_attach(meeting_id=held_meeting.pk, actor=coordinator, initiative=initiative)


def test_a_meeting_without_minutes_cannot_be_attached(meeting, initiative_in, coordinator):
    with pytest.raises(DomainError, match="intet referat"):
        services.meeting_minutes_attach(meeting_id=meeting.pk, actor=coordinator, initiative=initiative_in("i_gang"))


def test_moving_a_meeting_raises_its_calendar_sequence_and_tells_participants(meeting, coordinator, citizen):
    services.meeting_participation_set(meeting_id=meeting.pk, actor=citizen, user=citizen, attending=True)
    same_time = {"starts_at": meeting.starts_at, "ends_at": meeting.ends_at}
    services.meeting_update(meeting_id=meeting.pk, actor=coordinator, data=_data(location="Borgernes Hus", **same_time))
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.location == "Borgernes Hus"
    assert Notification.objects.filter(recipient=citizen, subject__contains="er ændret").exists()
    services.meeting_update(
        meeting_id=meeting.pk,
        actor=coordinator,
        data=_data(location="Borgernes Hus", description="Ny tekst", **same_time),
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 1  # a new description does not move the event


def test_participants_are_reminded_once_even_when_the_job_runs_twice(meeting, citizen, outsider, coordinator):
    for user in (citizen, outsider):
        services.meeting_participation_set(meeting_id=meeting.pk, actor=user, user=user, attending=True)
    too_early = meeting.starts_at - dt.timedelta(hours=30)
    assert services.meeting_reminders_send(now=too_early) == 0
    now = meeting.starts_at - dt.timedelta(hours=20)
    assert services.meeting_reminders_send(now=now) == 1
    assert services.meeting_reminders_send(now=now + dt.timedelta(minutes=15)) == 0
    reminders = Notification.objects.filter(subject__startswith="Påmindelse")
    assert sorted(r.recipient_id for r in reminders) == sorted([citizen.pk, outsider.pk])

    # Moving the meeting re-arms the reminder once.
    later = _data(start=meeting.starts_at + dt.timedelta(days=7))
    services.meeting_update(meeting_id=meeting.pk, actor=coordinator, data=later)
    assert services.meeting_reminders_send(now=later["starts_at"] - dt.timedelta(hours=2)) == 1
    assert services.meeting_reminders_send(now=later["starts_at"] - dt.timedelta(hours=1)) == 0
    assert Notification.objects.filter(subject__startswith="Påmindelse").count() == 4


@pytest.mark.parametrize("invited_asks_first", [True, False])
def test_readers_with_the_same_roles_each_see_the_minutes_of_their_own_rooms(
    client, held_meeting, public_room, initiative_in, coordinator, citizen, invited_asks_first
):
    """Two citizens with the same roles, in either order: the panel (dialogrum.selectors
    `initiative_dialog_panel`) shows each the minutes of the rooms she may open."""
    from slagelse_ou import roles
    from tests.factories import UserFactory

    initiative = initiative_in("i_gang")
    services.meeting_minutes_attach(meeting_id=held_meeting.pk, actor=coordinator, initiative=initiative)
    services.room_update(
        room_id=public_room.pk,
        actor=coordinator,
        title=public_room.title,
        description="",
        visibility=Visibility.MEMBERS,
    )
    invited = UserFactory(username="inviteret", roles=[roles.BORGER])
    services.room_member_invite(room_id=public_room.pk, actor=coordinator, user=invited)

    def sees_minutes(user) -> bool:
        client.force_login(user)
        return held_meeting.title in client.get(initiative.get_absolute_url()).content.decode()

    order = [(invited, True), (citizen, False)]
    for user, expected in order if invited_asks_first else reversed(order):
        assert sees_minutes(user) is expected, user.username


@pytest.mark.parametrize("invited_asks_first", [True, False])
def test_readers_with_the_same_roles_each_open_only_the_threads_of_their_own_rooms(
    client, public_thread, public_room, coordinator, citizen, invited_asks_first
):
    """Two citizens with the same roles, in either order: `get_thread_for_user` lets each
    open only the threads of the rooms she may read."""
    from slagelse_ou import roles
    from tests.factories import UserFactory

    services.room_update(
        room_id=public_room.pk,
        actor=coordinator,
        title=public_room.title,
        description="",
        visibility=Visibility.MEMBERS,
    )
    invited = UserFactory(username="inviteret2", roles=[roles.BORGER])
    services.room_member_invite(room_id=public_room.pk, actor=coordinator, user=invited)
    url = reverse("dialogrum:thread_detail", args=[public_thread.pk])

    order = [(invited, 200), (citizen, 404)]
    for user, expected in order if invited_asks_first else reversed(order):
        client.force_login(user)
        assert client.get(url).status_code == expected, user.username
