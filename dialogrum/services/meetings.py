"""Dialogue meetings: agenda, participants, minutes, attaching minutes to a trial, reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dialogrum.exceptions import ActionForbidden, DomainError
from dialogrum.markdown import render_markdown
from dialogrum.models import (
    AgendaItem,
    Meeting,
    MeetingParticipant,
    MinutesLink,
    Room,
)
from dialogrum.permissions import can_view_room
from dialogrum.services._common import (
    MEETING_FIELDS,
    SCHEDULE_FIELDS,
    _event,
    _notify,
    _require_owner,
    _require_reader,
    _require_text,
    _room_followers,
)
from initiatives.models import Initiative
from initiatives.permissions import can_edit as can_edit_initiative
from initiatives.permissions import can_view as can_view_initiative
from slagelse_ou.models import User


def _check_meeting(data: dict[str, Any]) -> None:
    if not (data.get("title") or "").strip():
        raise DomainError(_("Skriv en titel på mødet."))
    if not data.get("starts_at") or not data.get("ends_at"):
        raise DomainError(_("Angiv, hvornår mødet starter og slutter."))
    if data["ends_at"] <= data["starts_at"]:
        raise DomainError(_("Mødet skal slutte efter, det starter."))
    if not (data.get("location") or "").strip() and not (data.get("online_url") or "").strip():
        raise DomainError(_("Angiv et sted eller et onlinelink."))


@transaction.atomic
def meeting_create(*, room_id: int, actor: User, data: dict[str, Any]) -> Meeting:
    room = Room.objects.select_related("initiative").get(pk=room_id)
    _require_owner(actor, room)
    _check_meeting(data)
    meeting = Meeting.objects.create(room=room, created_by=actor, **{k: data.get(k) or "" for k in MEETING_FIELDS})
    _event(action="meeting_create", actor=actor, room=room, meeting=meeting)
    _notify(
        room=room,
        recipients=_room_followers(room),
        exclude=actor,
        subject=_("Nyt dialogmøde i “%(room)s”: %(title)s") % {"room": room.display_title, "title": meeting.title},
        body=_("%(when)s. %(where)s")
        % {
            "when": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M"),
            "where": meeting.location or meeting.online_url,
        },
        url=meeting.get_absolute_url(),
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting_id: int, actor: User, data: dict[str, Any]) -> Meeting:
    """Change a meeting. A new time or place raises the iCalendar SEQUENCE (calendars that
    subscribe update the event), re-arms the reminder and tells the participants."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    room = Room.objects.select_related("initiative").get(pk=meeting.room_id)
    _require_owner(actor, room)
    _check_meeting(data)
    changed = [k for k in MEETING_FIELDS if k in data and (data[k] or "") != getattr(meeting, k)]
    if not changed:
        return meeting
    for key in changed:
        setattr(meeting, key, data[key] or "")
    update_fields = [*changed, "updated_at"]
    rescheduled = any(k in SCHEDULE_FIELDS for k in changed)
    if rescheduled:
        meeting.sequence += 1
        meeting.reminder_sent_at = None
        update_fields += ["sequence", "reminder_sent_at"]
    meeting.save(update_fields=update_fields)
    _event(action="meeting_update", actor=actor, room=room, meeting=meeting, data={"fields": changed})
    if rescheduled:
        _notify(
            room=room,
            recipients=list(meeting.participants.all()),
            exclude=actor,
            subject=_("Dialogmødet “%(title)s” er ændret") % {"title": meeting.title},
            body=_("Tid eller sted er ændret."),
            url=meeting.get_absolute_url(),
        )
    return meeting


@transaction.atomic
def agenda_item_add(
    *, meeting_id: int, actor: User, title: str, description: str = "", initiative: Initiative | None = None
) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    room = Room.objects.select_related("initiative").get(pk=meeting.room_id)
    _require_owner(actor, room)
    title = _require_text(title, _("Skriv dagsordenspunktets titel."))
    if initiative is not None and not can_view_initiative(actor, initiative):
        raise ActionForbidden(_("Du kan ikke henvise til den prøvehandling."))
    order = (meeting.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, title=title, description=description, initiative=initiative, order=order
    )
    _event(
        action="agenda_add",
        actor=actor,
        room=room,
        meeting=meeting,
        data={"item": item.pk, "title": title, "initiative": initiative.pk if initiative else None},
    )
    return item


@transaction.atomic
def agenda_item_remove(*, meeting_id: int, actor: User, item_id: int) -> None:
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    room = Room.objects.select_related("initiative").get(pk=meeting.room_id)
    _require_owner(actor, room)
    item = AgendaItem.objects.get(pk=item_id, meeting=meeting)
    item.delete()
    _event(action="agenda_remove", actor=actor, room=room, meeting=meeting, data={"title": item.title})


@transaction.atomic
def meeting_participation_set(*, meeting_id: int, actor: User, user: User, attending: bool) -> bool:
    """Sign yourself up (or off); owners may also add or remove others."""
    meeting = Meeting.objects.select_related("room", "room__initiative").get(pk=meeting_id)
    room = meeting.room
    _require_reader(actor, room)
    if user.pk != actor.pk:
        _require_owner(actor, room)
        if attending and not can_view_room(user, room):
            raise ActionForbidden(_("%(user)s har ikke adgang til rummet. Invitér personen først.") % {"user": user})
    if attending:
        _row, created = MeetingParticipant.objects.get_or_create(
            meeting=meeting, user=user, defaults={"added_by": actor}
        )
    else:
        created = bool(MeetingParticipant.objects.filter(meeting=meeting, user=user).delete()[0])
    if created:
        _event(
            action="participant_add" if attending else "participant_remove",
            actor=actor,
            room=room,
            meeting=meeting,
            subject_user=user,
        )
    return attending


@transaction.atomic
def meeting_minutes_save(*, meeting_id: int, actor: User, minutes: str) -> Meeting:
    """Write or correct the minutes. The first time, participants and followers are told."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    room = Room.objects.select_related("initiative").get(pk=meeting.room_id)
    _require_owner(actor, room)
    minutes = _require_text(minutes, _("Skriv referatet."))
    if minutes == meeting.minutes:
        return meeting
    first = meeting.minutes_published_at is None
    previous = meeting.minutes
    meeting.minutes, meeting.minutes_html = minutes, render_markdown(minutes)
    if first:
        meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_html", "minutes_published_at", "updated_at"])
    _event(action="minutes_save", actor=actor, room=room, meeting=meeting, data={"previous": previous})
    if first:
        _notify(
            room=room,
            recipients=[*meeting.participants.all(), *_room_followers(room)],
            exclude=actor,
            subject=_("Referat fra “%(title)s”") % {"title": meeting.title},
            body=_("Referatet fra dialogmødet er klar."),
            url=meeting.get_absolute_url(),
        )
    return meeting


@transaction.atomic
def meeting_minutes_attach(
    *, meeting_id: int, actor: User, initiative: Initiative, purpose: str = MinutesLink.Purpose.DECISION, note: str = ""
) -> MinutesLink:
    """Attach a meeting's minutes to a prøvehandling as input to its decision or evaluation.
    Coordinators, and the trial's owner or team, may do it; the minutes then show on the
    trial's page to those who may read the meeting's room."""
    meeting = Meeting.objects.select_related("room", "room__initiative").get(pk=meeting_id)
    _require_reader(actor, meeting.room)
    if not meeting.minutes_published_at:
        raise DomainError(_("Mødet har endnu intet referat."))
    if not (actor.is_coordinator or can_edit_initiative(actor, initiative)):
        raise ActionForbidden(_("Kun sekretariatet og prøvehandlingens team kan knytte referater til den."))
    if purpose not in MinutesLink.Purpose.values:
        raise DomainError(_("Vælg, hvad referatet er input til."))
    try:
        with transaction.atomic():
            link = MinutesLink.objects.create(
                meeting=meeting, initiative=initiative, purpose=purpose, note=note, attached_by=actor
            )
    except IntegrityError:
        raise ActionForbidden(
            _("Referatet er allerede knyttet til “%(title)s”.") % {"title": initiative.title}
        ) from None
    _event(
        action="minutes_attach",
        actor=actor,
        room=meeting.room,
        meeting=meeting,
        data={"initiative": initiative.pk, "purpose": purpose},
    )
    return link


def meeting_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind participants of meetings starting within DIALOGRUM_MEETING_REMINDER_HOURS.

    Exactly once per meeting (and once more after a reschedule re-arms it): the reminder is
    claimed with a conditional UPDATE in the same transaction that writes the outbox rows,
    so a second worker or a retry claims nothing, and a failure rolls back claim and rows
    together. Safe to run as often as the beat likes.
    """
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=settings.DIALOGRUM_MEETING_REMINDER_HOURS)
    due = list(
        Meeting.objects.filter(reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lte=horizon).values_list(
            "pk", flat=True
        )
    )
    sent = 0
    for pk in due:
        with transaction.atomic():
            if not Meeting.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue
            meeting = Meeting.objects.select_related("room", "room__initiative").get(pk=pk)
            _notify(
                room=meeting.room,
                recipients=list(meeting.participants.all()),
                exclude=None,
                subject=_("Påmindelse: dialogmødet “%(title)s”") % {"title": meeting.title},
                body=_("Mødet starter %(when)s. %(where)s")
                % {
                    "when": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M"),
                    "where": meeting.location or meeting.online_url,
                },
                url=meeting.get_absolute_url(),
            )
            sent += 1
    return sent
