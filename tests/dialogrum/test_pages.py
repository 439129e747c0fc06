"""Every dialogrum page renders, and the busy pages keep a flat query count as they grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dialogrum import services


def test_every_page_renders_for_an_owner(client, world, coordinator):
    w = world["tema_offentlig"]
    client.force_login(coordinator)
    services.post_report(post_id=w.reply.pk, reporter=world["proeve_medlemmer"].reply.author, reason="Test")
    urls = [
        reverse("dialogrum:room_list"),
        reverse("dialogrum:room_create"),
        reverse("dialogrum:room_detail", args=[w.room.pk]),
        reverse("dialogrum:room_edit", args=[w.room.pk]),
        reverse("dialogrum:room_edit", args=[world["proeve_i_gang"].room.pk]),
        reverse("dialogrum:room_members", args=[w.room.pk]),
        reverse("dialogrum:thread_create", args=[w.room.pk]),
        reverse("dialogrum:meeting_create", args=[w.room.pk]),
        reverse("dialogrum:thread_detail", args=[w.thread.pk]),
        reverse("dialogrum:post_edit", args=[w.reply.pk]),
        reverse("dialogrum:post_report", args=[w.reply.pk]),
        reverse("dialogrum:post_hide", args=[w.reply.pk]),
        reverse("dialogrum:post_restore", args=[w.reply.pk]),
        reverse("dialogrum:moderation"),
        reverse("dialogrum:meeting_detail", args=[w.meeting.pk]),
        reverse("dialogrum:meeting_edit", args=[w.meeting.pk]),
        reverse("dialogrum:minutes_edit", args=[w.meeting.pk]),
        world["proeve_i_gang"].room.initiative.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<h1" in response.content, url


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["anonymous", "citizen", "coordinator"])
def test_a_thread_page_costs_the_same_queries_with_5_or_20_replies_from_different_people(
    client, public_thread, persona, name, settings
):
    from tests.factories import UserFactory

    settings.DIALOGRUM_POSTS_PER_PAGE = 40
    if persona(name):
        client.force_login(persona(name))
    url = public_thread.get_absolute_url()
    for _n in range(5):
        services.post_reply(thread_id=public_thread.pk, author=UserFactory(), body="svar")
    few = _count(client, url)
    for _n in range(15):
        services.post_reply(thread_id=public_thread.pk, author=UserFactory(), body="svar")
    assert _count(client, url) == few


def test_the_room_list_and_a_room_cost_the_same_queries_with_more_rooms_and_threads(client, coordinator, citizen):
    from dialogrum.models import Visibility

    client.force_login(citizen)
    room = services.room_create(actor=coordinator, title="Rum 0", visibility=Visibility.PUBLIC)
    services.thread_create(room_id=room.pk, author=coordinator, title="Tråd", body="x")
    few = (_count(client, reverse("dialogrum:room_list")), _count(client, room.get_absolute_url()))
    for n in range(1, 8):
        other = services.room_create(actor=coordinator, title=f"Rum {n}", visibility=Visibility.PUBLIC)
        services.thread_create(room_id=other.pk, author=coordinator, title="Tråd", body="x")
        services.thread_create(room_id=room.pk, author=citizen, title=f"Tråd {n}", body="x")
    assert (_count(client, reverse("dialogrum:room_list")), _count(client, room.get_absolute_url())) == few
