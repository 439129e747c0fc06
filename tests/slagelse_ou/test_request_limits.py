"""Issue 14.4, 14.5 and 14.9: bad input gets a Danish page in the portal's look, never a 500
or Django's bare English "Bad Request (400)", and an oversized body is refused before it
is read. Seen failing first: a 256-character username answered 500; an oversized body and
too many fields answered Django's English page; a 30 MB anonymous upload was read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ideas.models import Idea
from tests.ideas.helpers import CREATE, valid_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_a_long_username_gets_a_danish_error_and_what_was_typed_back(client, length):
    response = client.post(reverse("login"), {"username": "a" * length, "password": "x"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Højst 150 tegn" in html
    assert 'name="username"' in html


def test_too_many_fields_get_the_portal_s_danish_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post(CREATE, {f"f{i}": "x" for i in range(50)})

    assert response.status_code == 400
    html = response.content.decode()
    assert "for mange felter" in html
    assert "Bad Request" not in html
    assert 'lang="da"' in html  # the portal's own layout


def test_a_body_over_the_data_limit_gets_the_danish_413_page(client, settings, initiator):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(initiator)
    response = client.post(CREATE, valid_post(description="x" * 5000))

    assert response.status_code == 413
    assert "Det sendte er for stort" in response.content.decode()


def test_an_anonymous_upload_over_the_public_limit_is_refused_before_it_is_read(settings):
    settings.PUBLIC_REQUEST_MAX_BYTES = 1024
    client = Client()
    body = b"x" * 4096

    response = client.generic(
        "POST", CREATE, body, content_type="multipart/form-data; boundary=zzz", CONTENT_LENGTH=str(30 * 1024 * 1024)
    )

    assert response.status_code == 413
    assert "Det sendte er for stort" in response.content.decode()
    assert not Idea.objects.exists()


def test_a_form_that_is_not_utf8_is_refused_with_a_danish_page(client):
    response = client.generic(
        "POST", CREATE, b"title=%FF%FEtitel&description=x", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "tegn, som portalen ikke kan læse" in response.content.decode()
    assert not Idea.objects.exists()


def test_a_form_sent_without_a_csrf_token_gets_the_danish_403_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(CREATE, valid_post())

    assert response.status_code == 403
    assert "Formularen er udløbet" in response.content.decode()


def test_the_404_page_is_danish_and_in_the_portal_s_look(client):
    response = client.get("/findes-ikke/")

    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()
