"""Bench rows of issue 7 (item 8): a public dialogue room with 5,000 posts — the room, and
the first and later pages of its long thread.

The room ("Ældre og velfærd") holds one long thread of LONG_THREAD posts (the opening post
and its replies) and SHORT_THREADS threads of SHORT_POSTS posts each: 5,000 posts. Written
once with set-based SQL, whatever the number of prøvehandlinger: the pages read one room.
Authors are employees, politicians, a manager and the secretariat, with the role badge the
services store; one post in 97 is hidden by the secretariat and one in 31 was edited.
`body_html` is what dialogrum.markdown renders for a plain paragraph.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.urls import reverse

from bench import data
from bench.scenarios import Context, Scenario, _query
from dialogrum.models import ParticipantRole, Post, Room, Thread, Visibility

ROOM_TITLE = "Ældre og velfærd – åben dialog (bench)"
LONG_THREAD = 4500
SHORT_THREADS = 50
SHORT_POSTS = 10
TOTAL_POSTS = LONG_THREAD + SHORT_THREADS * SHORT_POSTS

SENTENCES = [
    "Vi har prøvet det i hjemmeplejen i Korsør, og borgerne var glade for at møde de samme medarbejdere.",
    "Hvordan sikrer vi, at de pårørende bliver inddraget, før forsøget går i gang?",
    "Som politiker vil jeg gerne høre, hvad der skal til for at gøre forsøget permanent.",
    "Det kræver en dispensation fra visitationsreglerne, men det bør kunne lade sig gøre.",
    "Tak for et godt møde i går – referatet ligger i mødet.",
    "Jeg er enig, men vi skal huske at måle ventetiden før og efter.",
    "Kan vi låne erfaringer fra Børn og Unge, hvor de har gjort noget lignende med dagplejen?",
]


def add(lo: int, hi: int, *, personas, log: Callable[[str], None]) -> None:
    """The room, its threads and 5,000 posts, unless the room exists."""
    if Room.objects.filter(title=ROOM_TITLE).exists():
        return
    coordinator, committee, manager = personas.coordinator.pk, personas.committee_member.pk, personas.manager.pk

    def write() -> int:
        room = Room.objects.create(
            kind=Room.Kind.THEME,
            title=ROOM_TITLE,
            visibility=Visibility.PUBLIC,
            created_by=personas.coordinator,
            description="Et åbent rum om forsøg med ældrepleje, hvor politikere, medarbejdere og borgere mødes.",
        )
        threads = Thread.objects.bulk_create(
            [
                Thread(
                    room=room,
                    title="Fælles spisning for ensomme ældre",
                    author=personas.committee_member,
                    post_count=LONG_THREAD,
                )
            ]
            + [
                Thread(
                    room=room,
                    title=f"Spørgsmål {n} om hverdagsrehabilitering",
                    author=personas.employee,
                    post_count=SHORT_POSTS,
                )
                for n in range(1, SHORT_THREADS + 1)
            ]
        )
        long_id, first_short = threads[0].pk, threads[1].pk
        # g = 1…TOTAL_POSTS: the long thread first, then SHORT_POSTS per short thread. Post n
        # of a thread is written n hours after its opening post (the long thread spans ~6 months);
        # the short threads started three days apart.
        n = f"CASE WHEN g <= {LONG_THREAD} THEN g ELSE 1 + mod(g - {LONG_THREAD} - 1, {SHORT_POSTS}) END"
        thread = (
            f"CASE WHEN g <= {LONG_THREAD} THEN {long_id} "
            f"ELSE {first_short} + (g - {LONG_THREAD} - 1) / {SHORT_POSTS} END"
        )
        count = f"CASE WHEN g <= {LONG_THREAD} THEN {LONG_THREAD} ELSE {SHORT_POSTS} END"
        author = (
            f"CASE WHEN {n} = 1 THEN CASE WHEN g = 1 THEN {committee} ELSE {personas.employee.pk} END "
            f"WHEN mod(g, 10) = 0 THEN {committee} WHEN mod(g, 10) = 5 THEN {manager} "
            f"WHEN mod(g, 23) = 0 THEN {coordinator} ELSE 1 + mod(g * 37, {data.EMPLOYEES}) END"
        )
        role = (
            f"CASE a.id WHEN {committee} THEN '{ParticipantRole.POLITICIAN.value}' "
            f"WHEN {manager} THEN '{ParticipantRole.MANAGER.value}' "
            f"WHEN {coordinator} THEN '{ParticipantRole.COORDINATOR.value}' "
            f"ELSE '{ParticipantRole.EMPLOYEE.value}' END"
        )
        body = f"{data._pick(SENTENCES, 'g')} || ' ' || {data._pick(SENTENCES, 'g * 7 + 3')}"
        created = (
            f"now() - ({count} - {n} + 2) * interval '1 hour' "
            f"- CASE WHEN g <= {LONG_THREAD} THEN 0 ELSE (g - {LONG_THREAD} - 1) / {SHORT_POSTS} END * interval '3 days'"
        )
        hidden = f"mod(g, 97) = 0 AND {n} > 1"
        rows = data._insert_select(
            Post,
            {
                "thread_id": "s.thread_id",
                "author_id": "a.id",
                "author_role": role,
                "is_opening": "s.n = 1",
                "body": "s.body",
                "body_html": "'<p>' || s.body || '</p>'",
                "created_at": "s.created",
                "edited_at": "CASE WHEN mod(s.g, 31) = 0 THEN s.created + interval '5 minutes' END",
                "hidden_at": "CASE WHEN s.hidden THEN s.created + interval '1 hour' END",
                "hidden_by_id": f"CASE WHEN s.hidden THEN {coordinator} END",
                "hidden_reason": "CASE WHEN s.hidden THEN 'Personoplysninger om en borger.' ELSE '' END",
            },
            f"""FROM (SELECT g, {n} AS n, {thread} AS thread_id, {author} AS author_id, {body} AS body,
                            {created} AS created, {hidden} AS hidden
                     FROM generate_series(1, {TOTAL_POSTS}) AS g) AS s
               JOIN {data.User._meta.db_table} AS a ON a.id = s.author_id""",
        )
        # Threads and room carry the time of their last post, as post_reply keeps them.
        with connection.cursor() as cursor:
            cursor.execute(f"""
                UPDATE {Thread._meta.db_table} AS t SET last_post_at = p.last, created_at = p.first
                FROM (SELECT thread_id, max(created_at) AS last, min(created_at) AS first
                      FROM {Post._meta.db_table} WHERE thread_id BETWEEN {long_id} AND {threads[-1].pk}
                      GROUP BY thread_id) AS p
                WHERE t.id = p.thread_id""")
        Room.objects.filter(pk=room.pk).update(
            last_activity_at=Thread.objects.filter(room=room).latest("last_post_at").last_post_at
        )
        return rows

    data._step(f"dialogrum med {TOTAL_POSTS:,} indlæg", log, write)


@dataclass
class State:
    room_id: int = 0
    thread_id: int = 0
    pages: int = 1


STATE = State()


def load(ctx: Context, *, rng: random.Random) -> None:
    room = Room.objects.get(title=ROOM_TITLE)
    thread = Thread.objects.filter(room=room).order_by("-post_count", "pk").first()
    replies = Post.objects.filter(thread=thread, is_opening=False).count()
    size = settings.DIALOGRUM_POSTS_PER_PAGE
    # As the paginator counts them, orphans included (dialogrum.selectors._reply_paginator).
    STATE.room_id, STATE.thread_id = room.pk, thread.pk
    STATE.pages = max(1, -(-max(0, replies - size // 2) // size))


def room_page(rng: random.Random, ctx: Context) -> str:
    return reverse("dialogrum:room_detail", args=[STATE.room_id])


def thread_newest(rng: random.Random, ctx: Context) -> str:
    return reverse("dialogrum:thread_detail", args=[STATE.thread_id])


def thread_first(rng: random.Random, ctx: Context) -> str:
    return _query(reverse("dialogrum:thread_detail", args=[STATE.thread_id]), {"side": 1})


def thread_later(rng: random.Random, ctx: Context) -> str:
    return _query(
        reverse("dialogrum:thread_detail", args=[STATE.thread_id]), {"side": rng.randint(2, max(2, STATE.pages))}
    )


def thread_older_htmx(rng: random.Random, ctx: Context) -> str:
    return _query(
        reverse("dialogrum:thread_detail", args=[STATE.thread_id]),
        {"side": rng.randint(1, max(1, STATE.pages - 1)), "aeldre": 1},
    )


SCENARIOS = [
    Scenario("dialog-room", "Dialogrum med 5.000 indlæg, trådliste", "anonym", None, room_page),
    Scenario(
        "dialog-new", "Tråd med 4.500 indlæg, første visning (nyeste side)", "medarbejder", "employee", thread_newest
    ),
    Scenario("dialog-1", "Tråd med 4.500 indlæg, side 1 (ældste)", "medarbejder", "employee", thread_first),
    Scenario("dialog-n", "Tråd med 4.500 indlæg, vilkårlig senere side", "anonym", None, thread_later),
    Scenario(
        "dialog-older", "Tråd, ældre indlæg hentet med htmx", "medarbejder", "employee", thread_older_htmx, htmx=True
    ),
]
