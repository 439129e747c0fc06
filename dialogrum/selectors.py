"""Reads. Every list is scoped by `visible_rooms` and fetches its related rows up front, so
a page's query count does not grow with its rows (tests/dialogrum/test_queries.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.utils import timezone

from dialogrum.models import (
    Follow,
    Meeting,
    MinutesLink,
    Post,
    PostReport,
    Room,
    RoomUserObjectPermission,
    Thread,
)
from dialogrum.permissions import MANAGE, VIEW, may_open_initiative_room, visible_rooms
from slagelse_ou.lib.paginator import TailPaginator
from slagelse_ou.models import User


def room_list_for_user(*, user) -> QuerySet[Room]:
    return (
        visible_rooms(user, Room.objects.select_related("initiative"))
        .annotate(thread_count=Count("threads"))
        .order_by("-last_activity_at", "-pk")
    )


def room_threads(*, room: Room) -> QuerySet[Thread]:
    return Thread.objects.filter(room=room).select_related("author").order_by("-last_post_at", "-pk")


def thread_opening_post(*, thread: Thread) -> Post | None:
    return Post.objects.select_related("author", "hidden_by").filter(thread=thread, is_opening=True).first()


def thread_replies(*, thread: Thread) -> QuerySet[Post]:
    return (
        Post.objects.filter(thread=thread, is_opening=False)
        .select_related("author", "hidden_by")
        .order_by("created_at", "pk")
    )


def _reply_paginator(thread: Thread) -> Paginator:
    # Orphans: the newest page, which readers land on, is never a stub of one or two posts;
    # up to half a page is folded into the page before it.
    size = settings.DIALOGRUM_POSTS_PER_PAGE
    return TailPaginator(thread_replies(thread=thread), size, orphans=size // 2)


def reply_page(*, thread: Thread, number: str | int | None) -> Page:
    """A page of replies; without a number, the newest page (older ones load on demand)."""
    paginator = _reply_paginator(thread)
    if number in (None, ""):
        number = paginator.num_pages
    return paginator.get_page(number)


def page_of_post(*, post: Post) -> int:
    if post.is_opening:
        return 1
    before = Post.objects.filter(thread_id=post.thread_id, is_opening=False, created_at__lt=post.created_at).count()
    same_time = Post.objects.filter(
        thread_id=post.thread_id, is_opening=False, created_at=post.created_at, pk__lt=post.pk
    ).count()
    page = (before + same_time) // settings.DIALOGRUM_POSTS_PER_PAGE + 1
    return min(page, _reply_paginator(post.thread).num_pages)


def room_meetings(*, room: Room, now: dt.datetime | None = None) -> dict[str, list[Meeting]]:
    now = now or timezone.now()
    qs = Meeting.objects.filter(room=room)
    return {
        "upcoming": list(qs.filter(ends_at__gte=now).order_by("starts_at", "pk")[:10]),
        "past": list(qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:10]),
    }


def meetings_for_user(*, user, since: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings in rooms `user` may read (the calendar feed)."""
    since = since or timezone.now() - dt.timedelta(days=365)
    return (
        Meeting.objects.filter(room__in=visible_rooms(user).values("pk"), ends_at__gte=since)
        .select_related("room", "room__initiative")
        .order_by("starts_at", "pk")
    )


def meeting_detail(*, pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("room", "room__initiative", "created_by")
        .prefetch_related("agenda__initiative", "participations__user", "initiative_links__initiative")
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Member:
    user: User
    is_owner: bool


def room_members(*, room: Room) -> list[Member]:
    rows = (
        RoomUserObjectPermission.objects.filter(content_object=room, permission__codename__in=[VIEW, MANAGE])
        .select_related("user", "permission")
        .order_by("user__first_name", "user__last_name", "user__pk")
    )
    members: dict[int, Member] = {}
    for row in rows:
        current = members.get(row.user_id)
        is_owner = row.permission.codename == MANAGE or (current is not None and current.is_owner)
        members[row.user_id] = Member(user=row.user, is_owner=is_owner)
    return list(members.values())


def is_following(*, user, room: Room | None = None, thread: Thread | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if room is not None:
        return Follow.objects.filter(user=user, room=room).exists()
    return Follow.objects.filter(user=user, thread=thread).exists()


def open_reports() -> QuerySet[PostReport]:
    return (
        PostReport.objects.filter(resolved_at__isnull=True)
        .select_related("reporter", "post", "post__author", "post__thread", "post__thread__room")
        .order_by("created_at", "pk")
    )


def initiative_dialog_panel(*, user, initiative) -> dict:
    """The dialogue panel on a trial's page: the minutes the reader may see (from rooms she
    may open) and whether the trial's room is open to her. A trial without a room yet is
    linked only for those who may open it (owner, team, secretariat): a GET creates nothing.

    Two small queries, and a third only when there is a room or a minute to check: the room
    visibility rule is the costly part to build, so it is applied once, to those rooms only."""
    minutes = list(
        MinutesLink.objects.filter(initiative=initiative)
        .select_related("meeting", "attached_by")
        .order_by("-meeting__starts_at", "-pk")
    )
    room_id = Room.objects.filter(initiative=initiative).values_list("pk", flat=True).first()
    candidates = {link.meeting.room_id for link in minutes} | ({room_id} if room_id else set())
    visible = set(visible_rooms(user).filter(pk__in=candidates).values_list("pk", flat=True)) if candidates else set()
    return {
        "minutes": [link for link in minutes if link.meeting.room_id in visible],
        "show_room": room_id in visible if room_id else may_open_initiative_room(user, initiative),
    }


def initiative_minutes_for_user(*, user, initiative) -> list[MinutesLink]:
    """Minutes attached to a trial, only from rooms the reader may open."""
    return list(
        MinutesLink.objects.filter(initiative=initiative, meeting__room__in=visible_rooms(user).values("pk"))
        .select_related("meeting", "meeting__room", "meeting__room__initiative", "attached_by")
        .order_by("-meeting__starts_at", "-pk")
    )
