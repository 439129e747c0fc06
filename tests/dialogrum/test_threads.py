"""Threads and replies: with htmx a reply or a new thread is added without a reload; without
JavaScript the same forms post and redirect. Long threads are paginated, newest page first,
and older posts load on demand. Bad input gets a Danish message and keeps what was typed.
Participants carry a role badge."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dialogrum import services
from dialogrum.models import Post, Thread

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_replying_with_htmx_returns_the_new_post_and_a_fresh_form_not_a_page(client, public_thread, citizen):
    client.force_login(citizen)
    response = client.post(reverse("dialogrum:thread_reply", args=[public_thread.pk]), {"body": "Mit **svar**"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    post = Post.objects.get(thread=public_thread, is_opening=False)
    assert "<html" not in html
    assert html.lstrip().startswith(f'<article id="post-{post.pk}"') and "<strong>svar</strong>" in html
    assert 'id="reply-form"' in html and 'hx-swap-oob="true"' in html
    public_thread.refresh_from_db()
    assert public_thread.post_count == 2


def test_replying_without_javascript_redirects_to_the_new_post(client, public_thread, citizen):
    client.force_login(citizen)
    response = client.post(reverse("dialogrum:thread_reply", args=[public_thread.pk]), {"body": "Uden JS"})
    post = Post.objects.get(thread=public_thread, is_opening=False)
    assert response.status_code == 302 and response["Location"] == reverse("dialogrum:post_permalink", args=[post.pk])
    page = client.get(response["Location"], follow=True)
    assert "Uden JS" in page.content.decode()
    assert page.redirect_chain[-1][0].endswith(f"#post-{post.pk}")


def test_an_empty_reply_with_htmx_gets_a_danish_error_in_place(client, public_thread, citizen):
    client.force_login(citizen)
    response = client.post(reverse("dialogrum:thread_reply", args=[public_thread.pk]), {"body": "   "}, **HTMX)
    assert response.status_code == 200  # htmx swaps 200s only
    assert response["HX-Retarget"] == "#reply-form" and response["HX-Reswap"] == "outerHTML"
    assert "Skriv dit svar." in response.content.decode()
    assert not Post.objects.filter(thread=public_thread, is_opening=False).exists()


def test_a_too_long_reply_without_javascript_keeps_the_typed_text(client, public_thread, citizen):
    client.force_login(citizen)
    text = "langt " * 2000
    response = client.post(reverse("dialogrum:thread_reply", args=[public_thread.pk]), {"body": text})
    content = response.content.decode()
    assert response.status_code == 200 and "må højst være 10000 tegn" in content
    assert text.strip()[:200] in content


def test_anonymous_visitors_read_public_threads_but_are_asked_to_log_in_to_reply(client, public_thread):
    page = client.get(public_thread.get_absolute_url()).content.decode()
    assert "Fortæl os, hvad der virker" in page and "for at svare" in page
    response = client.post(reverse("dialogrum:thread_reply", args=[public_thread.pk]), {"body": "Hej"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_starting_a_thread_with_htmx_adds_it_to_the_list(client, public_room, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("dialogrum:thread_create", args=[public_room.pk]), {"title": "Ny idé", "body": "Lad os prøve"}, **HTMX
    )
    html = response.content.decode()
    thread = Thread.objects.get(title="Ny idé")
    assert html.lstrip().startswith("<li") and thread.get_absolute_url() in html
    assert 'id="thread-form"' in html and 'hx-swap-oob="true"' in html


def test_starting_a_thread_without_a_title_keeps_the_text_and_explains_in_danish(client, public_room, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("dialogrum:thread_create", args=[public_room.pk]), {"title": "", "body": "Min lange tekst"}
    )
    content = response.content.decode()
    assert response.status_code == 200 and "Skriv en overskrift." in content and "Min lange tekst" in content
    assert not Thread.objects.exists()


def test_a_citizen_cannot_post_in_a_staff_room_even_by_calling_the_service(world, citizen):
    from dialogrum.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden):
        services.post_reply(thread_id=world["tema_medarbejdere"].thread.pk, author=citizen, body="Hej")
    with pytest.raises(ActionForbidden):
        services.thread_create(room_id=world["tema_medarbejdere"].room.pk, author=citizen, title="x", body="y")


@pytest.fixture
def long_thread(public_thread, citizen, settings):
    settings.DIALOGRUM_POSTS_PER_PAGE = 20
    # 65 replies at 20 per page: 1–20, 21–40 and the newest page 41–65 (orphans fold in).
    for n in range(1, 66):
        services.post_reply(thread_id=public_thread.pk, author=citizen, body=f"Svar nummer {n}.")
    return public_thread


def test_a_long_thread_opens_on_its_newest_page_with_the_question_on_top(client, long_thread):
    page = client.get(long_thread.get_absolute_url()).content.decode()
    assert "Fortæl os, hvad der virker" in page  # the opening post is on every page
    assert "Svar nummer 65." in page and "Svar nummer 41." in page
    assert "Svar nummer 40." not in page
    assert "Indlæs ældre indlæg" in page and "?side=2" in page


def test_older_posts_load_as_a_fragment_with_htmx_and_as_a_page_without(client, long_thread):
    url = long_thread.get_absolute_url()
    fragment = client.get(url + "?side=2&aeldre=1", **HTMX).content.decode()
    assert "<html" not in fragment
    assert "Svar nummer 21." in fragment and "Svar nummer 40." in fragment
    assert "Svar nummer 20." not in fragment and "Svar nummer 41." not in fragment
    assert "side=1&amp;aeldre=1" in fragment  # the next "load older" button
    assert "Fortæl os, hvad der virker" not in fragment  # the opening post is not repeated

    full = client.get(url + "?side=1").content.decode()
    assert "<html" in full and "Svar nummer 1." in full and "Svar nummer 21." not in full
    assert "Indlæs ældre indlæg" not in full and "Nyere indlæg" in full


@pytest.mark.parametrize(("n", "page"), [(3, 1), (20, 1), (21, 2), (41, 3), (65, 3)])
def test_a_permalink_finds_the_page_a_post_is_on(client, long_thread, n, page):
    post = Post.objects.get(body=f"Svar nummer {n}.")
    response = client.get(reverse("dialogrum:post_permalink", args=[post.pk]))
    assert response["Location"].endswith(f"?side={page}#post-{post.pk}")


@pytest.mark.parametrize(
    ("name", "badge"),
    [
        ("committee_member", "Politiker"),
        ("initiator", "Medarbejder"),
        ("manager", "Leder"),
        ("citizen", "Borger"),
        ("coordinator", "Sekretariat"),
    ],
)
def test_every_participant_carries_a_role_badge(client, public_thread, persona, name, badge):
    post = services.post_reply(thread_id=public_thread.pk, author=persona(name), body="Mit indlæg")
    assert post.get_author_role_display() == badge
    page = client.get(public_thread.get_absolute_url()).content.decode()
    article = page[page.index(f'id="post-{post.pk}"') :]
    assert f'<span class="status-tag">{badge}</span>' in article[:600]
