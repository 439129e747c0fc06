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

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from dialogrum.models import Meeting, Post, Room, RoomUserObjectPermission, Thread, Visibility
from initiatives.models import PUBLIC_STATUSES, Initiative
from initiatives.permissions import visible_initiatives

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
    initiative_id = room.initiative_id
    return initiative_id is not None and Initiative.objects.involving(user).filter(pk=initiative_id).exists()


def may_open_initiative_room(user, initiative: Initiative) -> bool:
    """Who may open a trial's room: its owner and team (`involving`) and the secretariat."""
    if not user.is_authenticated:
        return False
    return user.is_coordinator or Initiative.objects.involving(user).filter(pk=initiative.pk).exists()


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


def get_thread_for_user(user, pk: int) -> Thread:
    thread = (
        Thread.objects.select_related("room", "room__initiative", "author")
        .filter(pk=pk, room__in=visible_rooms(user).values("pk"))
        .first()
    )
    if thread is None:
        raise Http404
    return thread


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
