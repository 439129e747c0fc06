"""Rooms, memberships (guardian grants) and follows."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from dialogrum.exceptions import ActionForbidden, DomainError
from dialogrum.models import (
    Follow,
    Room,
    RoomUserObjectPermission,
    Thread,
    Visibility,
)
from dialogrum.permissions import MANAGE, VIEW, can_create_room
from dialogrum.services._common import (
    _event,
    _require_owner,
    _require_reader,
    _require_text,
)
from initiatives.models import Initiative
from slagelse_ou.models import User
from slagelse_ou.services import notifications_create


@transaction.atomic
def room_create(*, actor: User, title: str, description: str = "", visibility: str = Visibility.PUBLIC) -> Room:
    """A thematic room. Coordinators and politicians create them; the creator becomes owner."""
    if not can_create_room(actor):
        raise ActionForbidden(_("Kun sekretariatet og politikere kan oprette dialogrum."))
    title = _require_text(title, _("Skriv en titel på rummet."))
    if visibility not in Visibility.values:
        raise DomainError(_("Vælg, hvem der kan se rummet."))
    room = Room.objects.create(
        kind=Room.Kind.THEME, title=title, description=description, visibility=visibility, created_by=actor
    )
    assign_perm(VIEW, actor, room)
    assign_perm(MANAGE, actor, room)
    _event(action="room_create", actor=actor, room=room, data={"visibility": visibility})
    return room


@transaction.atomic
def room_for_initiative_ensure(*, initiative: Initiative) -> Room:
    """The prøvehandling's own room, created the first time anyone opens it.

    Lazily instead of in `initiative_create`, so the initiatives app does not depend on
    the dialogrum. To readers it is the same: every trial has a room. It starts public,
    which means "whoever may see the trial" (see permissions.visible_rooms); the trial's
    owner and team own it without stored grants, so team changes need no syncing.
    The unique initiative column makes two first visitors at once create one room
    (get_or_create re-reads after the losing INSERT).
    """
    room, created = Room.objects.get_or_create(
        initiative=initiative,
        defaults={"kind": Room.Kind.INITIATIVE, "title": initiative.title[:200], "visibility": Visibility.PUBLIC},
    )
    if created:
        _event(action="room_create", actor=None, room=room, data={"initiative": initiative.pk})
    return room


@transaction.atomic
def room_update(*, room_id: int, actor: User, title: str, description: str, visibility: str) -> Room:
    room = Room.objects.select_for_update().get(pk=room_id)
    _require_owner(actor, room)
    if visibility not in Visibility.values:
        raise DomainError(_("Vælg, hvem der kan se rummet."))
    changes: dict[str, Any] = {}
    if room.kind == Room.Kind.THEME:
        title = _require_text(title, _("Skriv en titel på rummet."))
        if title != room.title:
            changes["title"] = [room.title, title]
            room.title = title
    if description != room.description:
        changes["description"] = True
        room.description = description
    if visibility != room.visibility:
        changes["visibility"] = [room.visibility, visibility]
        room.visibility = visibility
    if changes:
        room.save(update_fields=["title", "description", "visibility"])
        _event(action="room_update", actor=actor, room=room, data=changes)
    return room


def _has_grant(room: Room, user: User, codename: str) -> bool:
    return RoomUserObjectPermission.objects.filter(
        content_object=room, user=user, permission__codename=codename
    ).exists()


@transaction.atomic
def room_member_invite(*, room_id: int, actor: User, user: User, as_owner: bool = False) -> None:
    """Grant `user` read access (and ownership if `as_owner`) to a room; audited, notified."""
    # The room row lock serialises invitations to one room, so two owners inviting the same
    # person at once produce one grant and one event.
    room = Room.objects.select_for_update(of=("self",)).select_related("initiative").get(pk=room_id)
    _require_owner(actor, room)
    if not user.is_active:
        raise ActionForbidden(_("%(user)s kan ikke inviteres.") % {"user": user})
    is_member, is_owner = _has_grant(room, user, VIEW), _has_grant(room, user, MANAGE)
    if is_member and (is_owner or not as_owner):
        raise ActionForbidden(_("%(user)s er allerede medlem af rummet.") % {"user": user})
    assign_perm(VIEW, user, room)
    if as_owner:
        assign_perm(MANAGE, user, room)
    _event(action="member_invite", actor=actor, room=room, subject_user=user, data={"owner": as_owner})
    notifications_create(
        recipients=[user],
        subject=_("Du er inviteret til dialogrummet “%(room)s”") % {"room": room.display_title},
        body=_("%(actor)s har inviteret dig%(as_owner)s.")
        % {"actor": actor, "as_owner": _(" som ejer") if as_owner else ""},
        url=room.get_absolute_url(),
    )


@transaction.atomic
def room_member_remove(*, room_id: int, actor: User, user: User) -> None:
    room = Room.objects.select_for_update(of=("self",)).select_related("initiative").get(pk=room_id)
    _require_owner(actor, room)
    if not (_has_grant(room, user, VIEW) or _has_grant(room, user, MANAGE)):
        raise ActionForbidden(_("%(user)s er ikke medlem af rummet.") % {"user": user})
    remove_perm(VIEW, user, room)
    remove_perm(MANAGE, user, room)
    _event(action="member_remove", actor=actor, room=room, subject_user=user)


def room_follow_set(*, room_id: int, user: User, follow: bool) -> bool:
    room = Room.objects.select_related("initiative").get(pk=room_id)
    _require_reader(user, room)
    if follow:
        Follow.objects.get_or_create(user=user, room=room)
    else:
        Follow.objects.filter(user=user, room=room).delete()
    return follow


def thread_follow_set(*, thread_id: int, user: User, follow: bool) -> bool:
    thread = Thread.objects.select_related("room", "room__initiative").get(pk=thread_id)
    _require_reader(user, thread.room)
    if follow:
        Follow.objects.get_or_create(user=user, thread=thread)
    else:
        Follow.objects.filter(user=user, thread=thread).delete()
    return follow
