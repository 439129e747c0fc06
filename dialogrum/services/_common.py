"""Helpers shared by the dialogrum services: audit rows, actor checks, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dialogrum.exceptions import ActionForbidden, ReasonRequired
from dialogrum.models import (
    DialogEvent,
    Meeting,
    Post,
    Room,
    Thread,
)
from dialogrum.permissions import can_view_room, is_room_owner
from slagelse_ou.models import User
from slagelse_ou.services import notifications_create

MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url", "description")
# A change to one of these makes calendars update the event (iCalendar SEQUENCE).
SCHEDULE_FIELDS = ("starts_at", "ends_at", "location", "online_url")


def edit_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.DIALOGRUM_EDIT_WINDOW_MINUTES)


def _event(
    *,
    action: str,
    actor: User | None,
    room: Room | None = None,
    post: Post | None = None,
    meeting: Meeting | None = None,
    subject_user: User | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DialogEvent:
    return DialogEvent.objects.create(
        action=action,
        actor=actor,
        room=room,
        post=post,
        meeting=meeting,
        subject_user=subject_user,
        note=note,
        data=data or {},
    )


def _require_reader(user: User, room: Room) -> None:
    if not user.is_authenticated or not user.is_active or not can_view_room(user, room):
        raise ActionForbidden(_("Du har ikke adgang til dette dialogrum."))


def _require_owner(user: User, room: Room) -> None:
    if not is_room_owner(user, room):
        raise ActionForbidden(_("Kun rummets ejere og sekretariatet kan gøre dette."))


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ReasonRequired(message)
    return value


def _notify(*, room: Room, recipients: Iterable[User], exclude: User | None, subject: str, body: str, url: str) -> None:
    people = {u.pk: u for u in recipients if u.is_active and (exclude is None or u.pk != exclude.pk)}
    # One read-access check per recipient: the same rule as the pages, so a notification
    # never tells someone about a room they cannot open.
    audience = [u for u in people.values() if can_view_room(u, room)]
    if audience:
        notifications_create(recipients=audience, subject=subject, body=body, url=url)


def _room_followers(room: Room) -> list[User]:
    return list(User.objects.filter(dialog_follows__room=room))


def _thread_followers(thread: Thread) -> list[User]:
    return list(User.objects.filter(dialog_follows__thread=thread))
