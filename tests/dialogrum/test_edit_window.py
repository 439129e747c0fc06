"""Authors may correct a post for DIALOGRUM_EDIT_WINDOW_MINUTES (15 by default) after
writing it; the post then shows as edited and the earlier text stays in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dialogrum import services
from dialogrum.exceptions import ActionForbidden, EditWindowClosed
from dialogrum.models import DialogEvent

WRITTEN = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def post(public_thread, citizen):
    with time_machine.travel(WRITTEN, tick=False):
        return services.post_reply(thread_id=public_thread.pk, author=citizen, body="Første udgave")


def test_the_author_edits_within_the_window_and_the_post_shows_as_edited(client, post, public_thread, citizen):
    client.force_login(citizen)
    with time_machine.travel(WRITTEN + dt.timedelta(minutes=14, seconds=59), tick=False):
        response = client.post(reverse("dialogrum:post_edit", args=[post.pk]), {"body": "Rettet udgave"})
        assert response.status_code == 302
        page = client.get(public_thread.get_absolute_url()).content.decode()
    post.refresh_from_db()
    assert post.body == "Rettet udgave" and post.edited_at is not None
    assert "Rettet udgave" in page and "redigeret" in page and "Første udgave" not in page
    event = DialogEvent.objects.get(action="post_edit")
    assert (event.actor, event.post, event.data) == (citizen, post, {"previous_body": "Første udgave"})


def test_after_the_window_the_edit_is_refused_in_danish_and_nothing_changes(client, post, citizen):
    client.force_login(citizen)
    with time_machine.travel(WRITTEN + dt.timedelta(minutes=15, seconds=1), tick=False):
        response = client.post(reverse("dialogrum:post_edit", args=[post.pk]), {"body": "For sent"})
        with pytest.raises(EditWindowClosed, match="15 minutter"):
            services.post_edit(post_id=post.pk, actor=citizen, body="For sent")
    assert response.status_code == 200
    content = response.content.decode()
    assert "kun redigeres i 15 minutter" in content
    assert "For sent" in content  # what was typed is kept in the form
    post.refresh_from_db()
    assert post.body == "Første udgave" and post.edited_at is None
    assert not DialogEvent.objects.filter(action="post_edit").exists()


def test_the_edit_link_is_offered_only_inside_the_window(client, post, public_thread, citizen):
    client.force_login(citizen)
    edit_url = reverse("dialogrum:post_edit", args=[post.pk])
    with time_machine.travel(WRITTEN + dt.timedelta(minutes=5), tick=False):
        assert edit_url in client.get(public_thread.get_absolute_url()).content.decode()
    with time_machine.travel(WRITTEN + dt.timedelta(minutes=16), tick=False):
        assert edit_url not in client.get(public_thread.get_absolute_url()).content.decode()


def test_the_window_is_a_setting(post, citizen, settings):
    settings.DIALOGRUM_EDIT_WINDOW_MINUTES = 5
    with time_machine.travel(WRITTEN + dt.timedelta(minutes=6), tick=False):
        with pytest.raises(EditWindowClosed, match="5 minutter"):
            services.post_edit(post_id=post.pk, actor=citizen, body="Rettet")


def test_nobody_else_may_edit_a_post_not_even_a_coordinator(client, post, outsider, coordinator):
    with time_machine.travel(WRITTEN + dt.timedelta(minutes=1), tick=False):
        for user in (outsider, coordinator):
            client.force_login(user)
            assert client.post(reverse("dialogrum:post_edit", args=[post.pk]), {"body": "Overtaget"}).status_code == 403
            with pytest.raises(ActionForbidden):
                services.post_edit(post_id=post.pk, actor=user, body="Overtaget")
    post.refresh_from_db()
    assert post.body == "Første udgave"


def test_a_hidden_post_cannot_be_edited_by_its_author(post, citizen, coordinator):
    with time_machine.travel(WRITTEN + dt.timedelta(minutes=1), tick=False):
        services.post_hide(post_id=post.pk, actor=coordinator, reason="Personoplysninger")
        with pytest.raises(ActionForbidden, match="skjult"):
            services.post_edit(post_id=post.pk, actor=citizen, body="Skjult tekst ændret")


def test_editing_with_htmx_swaps_only_the_post(client, post, citizen):
    client.force_login(citizen)
    with time_machine.travel(WRITTEN + dt.timedelta(minutes=2), tick=False):
        form = client.get(reverse("dialogrum:post_edit", args=[post.pk]), HTTP_HX_REQUEST="true").content.decode()
        response = client.post(
            reverse("dialogrum:post_edit", args=[post.pk]), {"body": "Via htmx"}, HTTP_HX_REQUEST="true"
        )
    assert form.lstrip().startswith(f'<form id="post-{post.pk}"') and "<html" not in form
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="post-{post.pk}"') and "Via htmx" in html and "redigeret" in html
