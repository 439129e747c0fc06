"""Who may see and act in a dialogrum.

The rule, in words (tested as a matrix in tests/dialogrum/test_visibility.py):

* Coordinators (sekretariat/administrator) see every room; they moderate.
* A **public** room is readable by everyone, anonymous visitors included.
* A **staff-only** room is readable by staff (medarbejder, leder, bedømmer, politiker …).
* A **members-only** room is readable by its invited members and owners.
* An invited member reads the room whatever its visibility (a citizen panel in a staff room).
* A prøvehandling's room additionally needs the prøvehandling to be visible to the reader
  (a draft's room never leaks the draft), and the trial's owner and team count as owners.
* Posting, reporting and following need a login and read access. "Anyone can report":
  visitors see the report link too, and are asked to log in first — an anonymous report
  form would be an open spam channel into the coordinators' inbox. Moderation is for
  coordinators. Managing (visibility, invitations, meetings, minutes) is for coordinators
  and room owners.

Fetch helpers give 404 to those who may not see the object and 403 to those who may see
but not act (healthchecks' pattern). Everything that reads a room goes through
`visible_rooms`, so lists, pages, feeds and notifications share one definition.
"""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from dialogrum.models import Meeting, Post, Room, RoomUserObjectPermission, Thread, Visibility
from initiatives.models import PUBLIC_STATUSES, Initiative
from initiatives.permissions import visible_initiatives
from slagelse_ou.lib.fold import document, from_document, row_document

VIEW = "view_room"
MANAGE = "manage_room"


def _granted(user, codename: str):
    return Exists(
        RoomUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"),
            user=user,
            permission__codename=codename,
            permission__content_type__app_label="dialogrum",
        )
    )


def _involved_initiatives(user):
    return Initiative.objects.involving(user).values("pk")


def visible_rooms(user, qs: QuerySet[Room] | None = None) -> QuerySet[Room]:
    """Rooms `user` may read, as one filter (lists stay one query)."""
    qs = qs if qs is not None else Room.objects.all()
    if not user.is_authenticated:
        return qs.filter(visibility=Visibility.PUBLIC).filter(
            Q(initiative__isnull=True) | Q(initiative__status__in=PUBLIC_STATUSES)
        )
    if user.is_coordinator:
        return qs
    levels = [Visibility.PUBLIC, Visibility.STAFF] if user.is_staff_member else [Visibility.PUBLIC]
    access = Q(visibility__in=levels) | Q(_granted(user, VIEW)) | Q(initiative__in=_involved_initiatives(user))
    initiative_ok = Q(initiative__isnull=True) | Q(initiative__in=visible_initiatives(user).values("pk"))
    return qs.filter(access & initiative_ok)


def can_view_room(user, room: Room) -> bool:
    return visible_rooms(user, Room.objects.filter(pk=room.pk)).exists()


def is_room_owner(user, room: Room) -> bool:
    """Coordinators, users granted manage_room, and the trial's owner and team."""
    if not user.is_authenticated:
        return False
    if user.is_coordinator or user.has_perm(f"dialogrum.{MANAGE}", room):
        return True
    return bool(room.initiative_id) and Initiative.objects.involving(user).filter(pk=room.initiative_id).exists()


def can_create_room(user) -> bool:
    return user.is_authenticated and (user.is_coordinator or user.is_committee_member)


def can_moderate(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def get_room_for_user(user, pk: int) -> Room:
    room = visible_rooms(user, Room.objects.select_related("initiative")).filter(pk=pk).first()
    if room is None:
        raise Http404
    return room


def get_room_for_owner(user, pk: int) -> Room:
    room = get_room_for_user(user, pk)
    if not is_room_owner(user, room):
        raise PermissionDenied
    return room


# --- Compiled once per shape of reader ----------------------------------------------------------
#
# The room rules (`visible_rooms`, and within them `visible_initiatives`) are a large query to
# build and compile, ~15 ms of a page on this machine's CPU (`make bench`). Pages that read
# them on every view compile them once per process for each shape of reader, with the ids
# swapped in per request (slagelse_ou/lib/fold.py `document`).


def reader_shape(user) -> tuple:
    """What changes the rules' SQL for this reader: signed in, roles, managed units."""
    if not user.is_authenticated:
        return ("anonym",)
    return (user.is_superuser, frozenset(user.role_names), tuple(sorted(user.managed_unit_paths)))


def reader_values(user) -> dict[str, int]:
    """The reader's id, where the rules read it (they do not for coordinators)."""
    return {"user_id": user.pk} if user.is_authenticated and not user.is_coordinator else {}


def reader_for(user, user_id: int | None):
    """`user`, or for compiling, the same reader (roles, managed units) with another id."""
    if user_id is None:
        return user
    user.role_names, user.managed_unit_paths  # noqa: B018 — read (and cached) before the copy
    stand_in = copy.copy(user)
    stand_in.id = user_id
    return stand_in


THREAD_RELATED = ("room", "room__initiative", "author")


def get_thread_for_user(user, pk: int) -> Thread:
    def build(pk, user_id=None):
        rooms = visible_rooms(reader_for(user, user_id)).values("pk")
        return (
            Thread.objects.filter(pk=pk, room__in=rooms)
            .order_by()
            .values(doc=row_document(Thread, related=THREAD_RELATED))
        )

    data = document(("thread-for-user", reader_shape(user)), build, pk=pk, **reader_values(user))
    if data is None:
        raise Http404
    return from_document(Thread, data)


def get_post_for_user(user, pk: int) -> Post:
    post = (
        Post.objects.select_related("thread", "thread__room", "thread__room__initiative", "author")
        .filter(pk=pk, thread__room__in=visible_rooms(user).values("pk"))
        .first()
    )
    if post is None:
        raise Http404
    return post


def get_meeting_for_user(user, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("room", "room__initiative", "created_by")
        .filter(pk=pk, room__in=visible_rooms(user).values("pk"))
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def get_meeting_for_owner(user, pk: int) -> Meeting:
    meeting = get_meeting_for_user(user, pk)
    if not is_room_owner(user, meeting.room):
        raise PermissionDenied
    return meeting
