"""The private status link: unguessable, stored only as a hash, not enumerable, and its
pages are never cached, indexed or passed on as a Referer."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from ideas.models import Idea
from ideas.services import idea_by_token
from ideas.views import RECEIPT_COOKIE
from tests.ideas.helpers import CREATE, columns_containing, submit, valid_post

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r"/ideer/status/([A-Za-z0-9_-]+)/")


def receipt_token(client, **post) -> str:
    response = client.post(CREATE, valid_post(**post), follow=True)
    return TOKEN.search(response.content.decode()).group(1)


def test_the_receipt_gives_a_status_link_with_256_random_bits_that_opens_the_idea(client):
    token = receipt_token(client)

    assert len(token) >= 43  # secrets.token_urlsafe(32)
    page = client.get(reverse("ideas:status", args=[token]))
    assert page.status_code == 200
    assert "Fælles spisning for ensomme ældre" in page.content.decode()


def test_only_a_hash_of_the_token_is_stored_anywhere_in_the_database(client):
    token = receipt_token(client, submitter_name="Karen", email="karen@example.dk")

    assert Idea.objects.get().status_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert columns_containing(token) == []


def test_the_status_link_holds_no_personal_data_and_not_the_ideas_number(client):
    token = receipt_token(client, submitter_name="Karen Hansen", email="karen@example.dk")
    url = reverse("ideas:status", args=[token])

    idea = Idea.objects.get()
    for personal in ("karen", "hansen", "example"):
        assert personal not in url.lower()
    assert f"/{idea.pk}/" not in url


def test_every_idea_gets_its_own_token(client):
    tokens = {receipt_token(client, title=f"Idé {n}") for n in range(5)}

    assert len(tokens) == 5


@pytest.mark.parametrize("guess", ["near_miss", "other_idea_number", "empty_ish", "very_long"])
def test_a_guessed_token_finds_nothing_and_looks_like_any_other_missing_page(client, guess):
    idea, token = submit()
    guesses = {
        "near_miss": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "other_idea_number": str(idea.pk),
        "empty_ish": "-",
        "very_long": token * 4,
    }

    response = client.get(reverse("ideas:status", args=[guesses[guess]]))

    assert response.status_code == 404
    assert idea.title not in response.content.decode()
    assert idea_by_token(guesses[guess]) is None


def test_status_pages_are_not_cached_not_indexed_and_send_no_referer(client):
    _idea, token = submit()

    response = client.get(reverse("ideas:status", args=[token]))

    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert 'hx-history="false"' in response.content.decode()


def test_the_receipt_reads_the_token_from_a_short_lived_cookie_scoped_to_the_receipt(client):
    response = client.post(CREATE, valid_post())

    cookie = response.cookies[RECEIPT_COOKIE]
    assert cookie["path"] == reverse("ideas:receipt")
    assert cookie["httponly"] and cookie["max-age"] == 3600
    assert not Session.objects.exists()  # nothing written to the session table
    receipt = client.get(reverse("ideas:receipt"))
    assert receipt["Cache-Control"] == "private, no-store"


def test_the_receipt_without_its_cookie_sends_the_person_back_to_the_form(client):
    response = client.get(reverse("ideas:receipt"))

    assert response.status_code == 302 and response["Location"] == CREATE


def test_a_forged_receipt_cookie_shows_nothing(client):
    _idea, token = submit()
    client.cookies[RECEIPT_COOKIE] = token  # unsigned: a guess at the cookie's format

    response = client.get(reverse("ideas:receipt"))

    assert response.status_code == 302
