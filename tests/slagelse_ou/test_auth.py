"""Logging in and out, in Danish, with brute-force protection (django-axes) and password reset."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from slagelse_ou import roles
from tests.factories import UserFactory

PASSWORD = "hemmelig-kode-123"
LOGIN = reverse("login")
WRONG = "Indtast venligst korrekt brugernavn og adgangskode."


@pytest.fixture
def employee(db):
    return UserFactory(username="medarbejder1", email="medarbejder1@slagelse.dk", roles=[roles.MEDARBEJDER])


def log_in(client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_the_login_page_is_in_danish(client, db):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in html
    for text in ("<h1>Log ind</h1>", "Brugernavn", "Adgangskode", "Glemt din adgangskode?"):
        assert text in html


def test_the_right_password_logs_in_and_goes_to_my_initiatives(client, employee):
    response = log_in(client, "medarbejder1", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:mine")
    assert client.session["_auth_user_id"] == str(employee.pk)


def test_a_login_page_reached_from_a_protected_page_returns_there(client, employee):
    response = log_in(client, "medarbejder1", PASSWORD, QUERY_STRING="next=/sagsbehandling/")

    assert response["Location"] == "/sagsbehandling/"


def test_a_wrong_password_gives_a_danish_message_and_keeps_the_username(client, employee):
    response = log_in(client, "medarbejder1", "forkert")

    html = response.content.decode()
    assert response.status_code == 200
    assert WRONG in html
    assert 'value="medarbejder1"' in html
    assert "_auth_user_id" not in client.session


def test_axes_locks_the_account_after_the_configured_number_of_failures(client, employee):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert log_in(client, "medarbejder1", "forkert").status_code == 200

    locked = log_in(client, "medarbejder1", "forkert")

    assert locked.status_code == 429
    assert "Kontoen er midlertidigt låst" in locked.content.decode()
    assert "for mange mislykkede forsøg" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    again = log_in(client, "medarbejder1", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_applies_to_the_username_from_that_address_not_to_everyone(client, employee):
    colleague = UserFactory(username="kollega", roles=[roles.MEDARBEJDER])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "medarbejder1", "forkert")

    other_user = log_in(client, colleague.username, PASSWORD)
    other_address = log_in(client, "medarbejder1", PASSWORD, REMOTE_ADDR="10.0.0.7")

    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock_and_a_success_resets_the_count(client, employee):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        log_in(client, "medarbejder1", "forkert")
    assert log_in(client, "medarbejder1", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(limit - 1):
        assert log_in(client, "medarbejder1", "forkert").status_code == 200
    assert log_in(client, "medarbejder1", PASSWORD).status_code == 302


def test_password_reset_sends_a_danish_mail_with_a_working_link(client, employee, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "medarbejder1@slagelse.dk"})

    assert response.status_code == 302
    assert "Tjek din e-mail" in client.get(response["Location"]).content.decode()
    [message] = mailoutbox
    assert message.to == ["medarbejder1@slagelse.dk"]
    assert message.subject == "Nulstil din adgangskode til Prøvehandlingsportalen"
    assert "Du har bedt om at nulstille din adgangskode til Prøvehandlingsportalen." in message.body
    assert "Har du ikke bedt om det, kan du se bort fra denne e-mail." in message.body

    link = re.search(r"https?://[^/\s]+(/konto/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Vælg en ny adgangskode" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "nyt-Kodeord-2027", "new_password2": "nyt-Kodeord-2027"},
        follow=True,
    )
    assert "Din adgangskode er nulstillet" in done.content.decode()
    assert log_in(client, "medarbejder1", "nyt-Kodeord-2027").status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, employee, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "ukendt@example.dk"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_reset_with_mismatched_passwords_gives_a_danish_error(client, employee, mailoutbox):
    client.post(reverse("password_reset"), {"email": "medarbejder1@slagelse.dk"})
    link = re.search(r"(/konto/reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "nyt-Kodeord-2027", "new_password2": "andet-Kodeord-2027"})

    assert response.status_code == 200
    assert "De to adgangskoder var ikke identiske." in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client, employee):
    client.force_login(employee)

    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("initiatives:mine")).status_code == 302  # back to the login page


def test_every_page_offers_logout_as_a_form_not_a_link(client, employee):
    client.force_login(employee)

    html = client.get(reverse("home")).content.decode()

    assert f'<form method="post" action="{reverse("logout")}"' in html
    assert f'href="{reverse("logout")}"' not in html


def test_behind_the_proxy_axes_locks_the_client_not_the_proxy(client, settings, initiator):
    """Issue 13.2 (written first, seen failing): axes ignored AXES_PROXY_COUNT, so behind the
    reverse proxy every client had the proxy's address and one attacker locked everybody
    out; a forged X-Forwarded-For before the trusted hop is ignored."""
    from django.urls import reverse

    settings.CLIENT_IP_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 3
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):  # the attacker, at 203.0.113.9, forging a first hop
        client.post(
            reverse("login"),
            {"username": initiator.username, "password": "forkert"},
            HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
            **proxy,
        )
    attacker = client.post(
        reverse("login"),
        {"username": initiator.username, "password": "forkert"},
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
        **proxy,
    )
    assert attacker.status_code in (403, 429)

    initiator.set_password("rigtig-kode-123")
    initiator.save()
    other = client.post(
        reverse("login"),
        {"username": initiator.username, "password": "rigtig-kode-123"},
        HTTP_X_FORWARDED_FOR="192.0.2.44",
        **proxy,
    )
    assert other.status_code == 302  # another client behind the same proxy signs in
