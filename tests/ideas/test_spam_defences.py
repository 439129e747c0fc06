"""The public idea form's spam defences. Each test changes exactly one thing about an
otherwise good submission, so each defence is shown to block a bot on its own."""

from __future__ import annotations

import time

import pytest
import redis
from django.conf import settings
from django.core import signing
from django.urls import reverse

from ideas import spam
from ideas.models import Idea, IdeaStatus
from tests.ideas.helpers import CREATE, valid_post

pytestmark = pytest.mark.django_db


def test_a_person_filling_the_form_at_human_pace_gets_a_receipt(client):
    response = client.post(CREATE, valid_post())

    assert response.status_code == 302
    assert response["Location"] == reverse("ideas:receipt")
    idea = Idea.objects.get()
    assert idea.status == IdeaStatus.RECEIVED
    assert client.get(response["Location"]).status_code == 200


def test_the_form_carries_an_empty_honeypot_and_a_signed_start_time(client):
    html = client.get(CREATE).content.decode()

    assert f'name="{spam.HONEYPOT_FIELD}"' in html
    assert 'class="form-honeypot" aria-hidden="true"' in html
    assert f'name="{spam.STARTED_FIELD}"' in html


def test_the_honeypot_alone_blocks_a_bot(client):
    response = client.post(CREATE, valid_post(**{spam.HONEYPOT_FIELD: "https://spam.example"}))

    assert response.status_code == 400
    assert not Idea.objects.exists()
    assert "Lad dette felt være tomt" in response.content.decode()


def test_posting_sooner_than_the_minimum_fill_time_alone_blocks_a_bot(client):
    just_now = spam.form_started_token(now=time.time() - settings.IDEA_MIN_FILL_SECONDS + 1)

    response = client.post(CREATE, valid_post(**{spam.STARTED_FIELD: just_now}))

    assert response.status_code == 400
    assert not Idea.objects.exists()
    assert "sendt meget hurtigt" in response.content.decode()


@pytest.mark.parametrize(
    "started",
    [
        "",  # a bot posting without loading the form
        signing.dumps({"t": time.time() - 60}, salt="another-salt"),  # a forged start time
        "eyJ0IjowfQ:1abcde:forged-signature",
        "expired",
    ],
)
def test_a_missing_forged_or_expired_start_time_alone_blocks_a_bot(client, started):
    if started == "expired":
        started = spam.form_started_token(now=time.time() - settings.IDEA_FORM_MAX_AGE_HOURS * 3600 - 60)

    response = client.post(CREATE, valid_post(**{spam.STARTED_FIELD: started}))

    assert response.status_code == 400
    assert not Idea.objects.exists()
    html = response.content.decode()
    assert "Formularen er udløbet" in html
    # The person gets a fresh start time and keeps what they typed.
    fresh = html.split(f'name="{spam.STARTED_FIELD}" value="')[1].split('"')[0]
    assert fresh != started
    assert spam.fill_time_problem(fresh, now=time.time() + 60) == ""
    assert "Fælles spisning for ensomme ældre" in html


def test_a_rejected_post_keeps_everything_the_person_typed(client):
    post = valid_post(**{spam.HONEYPOT_FIELD: "x"}, submitter_name="Karen Hansen", email="karen@example.dk")

    html = client.post(CREATE, post).content.decode()

    for value in (
        "Fælles spisning for ensomme ældre",
        "Ældre borgere spiser alene",
        "Karen Hansen",
        "karen@example.dk",
    ):
        assert value in html
    assert 'value="aeldre_sundhed" selected' in html


def test_the_rate_limit_alone_blocks_a_bot_after_the_limit(client, settings):
    settings.IDEA_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(CREATE, valid_post()).status_code == 302

    response = client.post(CREATE, valid_post(title="Den fjerde idé"))

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= settings.IDEA_RATE_WINDOW_SECONDS + 1
    assert Idea.objects.count() == 3
    html = response.content.decode()
    assert "mange idéer fra din internetforbindelse" in html and "Den fjerde idé" in html


def test_the_rate_limit_is_per_ip_address(client, settings):
    settings.IDEA_RATE_LIMIT = 1
    assert client.post(CREATE, valid_post(), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(CREATE, valid_post(), REMOTE_ADDR="10.0.0.1").status_code == 429

    assert client.post(CREATE, valid_post(), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_behind_a_trusted_proxy_the_limit_follows_the_forwarded_address_that_cannot_be_spoofed(client, settings):
    settings.IDEA_RATE_LIMIT = 1
    settings.CLIENT_IP_PROXY_COUNT = 1
    # The client forges a first X-Forwarded-For entry; our proxy appends the real address.
    assert client.post(CREATE, valid_post(), HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.7").status_code == 302

    response = client.post(CREATE, valid_post(), HTTP_X_FORWARDED_FOR="2.2.2.2, 10.0.0.7")

    assert response.status_code == 429


def test_the_limit_counts_in_redis_under_a_keyed_hash_that_expires_with_its_window(client, settings):
    client.post(CREATE, valid_post(), REMOTE_ADDR="192.0.2.44")

    connection = redis.Redis.from_url(settings.REDIS_URL)
    keys = [key.decode() for key in connection.keys("*ideas:rate:*")]
    assert len(keys) == 1
    assert "192.0.2.44" not in keys[0]
    assert 0 < connection.ttl(keys[0]) <= settings.IDEA_RATE_WINDOW_SECONDS + 5


def test_a_new_window_lets_the_address_send_again(settings):
    settings.IDEA_RATE_LIMIT = 1
    now = 1_800_000_000.0

    assert spam.rate_limit_take("10.0.0.9", now=now)
    assert not spam.rate_limit_take("10.0.0.9", now=now + 1)
    assert spam.rate_limit_take("10.0.0.9", now=now + settings.IDEA_RATE_WINDOW_SECONDS)


def test_typing_mistakes_do_not_use_up_the_limit(client, settings):
    settings.IDEA_RATE_LIMIT = 1
    for _ in range(3):
        assert client.post(CREATE, valid_post(title="")).status_code == 200

    assert client.post(CREATE, valid_post()).status_code == 302


def test_an_address_that_is_never_confirmed_never_reaches_the_coordinators(client, coordinator):
    # The fourth defence: a bot that leaves an address it cannot read stops here.
    client.post(CREATE, valid_post(email="bot@example.invalid"))

    idea = Idea.objects.get()
    assert idea.status == IdeaStatus.AWAITING_CONFIRMATION
    assert not Idea.objects.for_triage().exists()
    assert not coordinator.notifications.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Skriv en titel på idéen."),
        ("description", "", "Beskriv idéen – bare et par linjer."),
        ("area", "", "Vælg det område, idéen handler om."),
        ("email", "ikke-en-adresse", "Skriv en gyldig e-mailadresse"),
        ("consent", "", "Sæt kryds, hvis du giver samtykke"),
    ],
)
def test_a_person_who_leaves_out_something_gets_a_danish_message(client, field, value, message):
    post = valid_post(**{field: value})
    if not value:
        post.pop(field)

    response = client.post(CREATE, post)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Idea.objects.exists()


def test_one_shown_form_makes_one_idea_however_often_it_is_posted(client):
    """Issue 13.12 (written first, seen failing): the signed start time was reusable for 24
    hours from any IP; now the second post of the same shown form is refused, with what was
    typed kept and a fresh form token to send again."""
    data = valid_post(title="Første")
    assert client.post(CREATE, data).status_code == 302

    again = client.post(CREATE, {**data, "title": "Anden"})

    assert again.status_code == 200
    html = again.content.decode()
    assert "allerede brugt" in html and 'value="Anden"' in html
    assert Idea.objects.count() == 1
    assert f'value="{data[spam.STARTED_FIELD]}"' not in html  # a fresh token to send again
