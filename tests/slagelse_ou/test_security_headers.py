"""Issue 13.7: the headers a careful reviewer looks for, and sessions that end (written first:
there was no CSP, no Permissions-Policy, no no-store and a 14-day session)."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_has_a_strict_csp_and_a_permissions_policy(client):
    response = client.get(reverse("home"))

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("style-src-attr")[0]  # no inline script or <style>
    assert "unsafe-eval" not in csp
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_pages_for_a_signed_in_user_are_never_stored(client, initiator):
    client.force_login(initiator)

    for name in ("initiatives:mine", "notifications"):
        response = client.get(reverse(name))
        assert "no-store" in response["Cache-Control"], name


def test_public_pages_for_visitors_are_not_marked_no_store(client):
    assert "no-store" not in client.get(reverse("initiatives:public_list")).get("Cache-Control", "")


def test_a_session_ends_after_its_maximum_age(client, initiator, settings):
    settings.SESSION_MAX_AGE_SECONDS = 60
    client.force_login(initiator)
    assert client.get(reverse("initiatives:mine")).status_code == 200
    session = client.session
    session["_signed_in_at"] = int(time.time()) - 120
    session.save()

    response = client.get(reverse("initiatives:mine"))

    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("initiatives:mine")).status_code == 302  # signed out for good


def test_the_session_cookie_expires_after_the_idle_time(client, initiator, settings):
    initiator.set_password("en-god-adgangskode-1")
    initiator.save()
    response = client.post(reverse("login"), {"username": initiator.username, "password": "en-god-adgangskode-1"})

    assert response.status_code == 302
    assert settings.SESSION_COOKIE_AGE == 3600
    assert response.cookies["sessionid"]["max-age"] == 3600


def test_an_ordinary_page_does_not_write_the_session(client, initiator):
    client.force_login(initiator)
    client.get(reverse("initiatives:mine"))
    session_key = client.session.session_key
    from django.contrib.sessions.models import Session

    before = Session.objects.get(session_key=session_key).expire_date
    client.get(reverse("initiatives:mine"))
    assert Session.objects.get(session_key=session_key).expire_date == before
