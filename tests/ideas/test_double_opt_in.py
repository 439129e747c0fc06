"""Double opt-in: an idea with an e-mail address waits until the address is confirmed from
the mailbox; only then does it reach the coordinators and only then are updates mailed."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from ideas import services
from ideas.models import Idea, IdeaMail, IdeaStatus
from slagelse_ou.celery import app
from tests.ideas.helpers import CREATE, deliver_mails, mails_to, submit, valid_post

ADDRESS = "karen@example.dk"


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def confirm_path(message) -> str:
    url = next(link for link in links_in(message) if "/ideer/bekraeft/" in link)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db
def test_an_idea_with_an_address_waits_for_confirmation_and_only_a_confirmation_request_is_sent(client, coordinator):
    client.post(CREATE, valid_post(email="Karen@Example.dk"))

    idea = Idea.objects.get()
    assert idea.status == IdeaStatus.AWAITING_CONFIRMATION
    assert idea.email == ADDRESS  # stored lower-cased
    assert deliver_mails() == 1
    [message] = mails_to(ADDRESS)
    assert message.subject == "Bekræft din e-mail"
    assert any("/ideer/bekraeft/" in link for link in links_in(message))
    # Sent by the sweeper (no on-commit hand-off here), so without the status link, whose
    # token never touches the database; the worker test below sees the link in the mail.
    assert "det private statuslink, du fik" in message.body
    assert not Idea.objects.for_triage().exists()
    assert not coordinator.notifications.exists()


@pytest.mark.django_db
def test_opening_the_link_does_not_confirm_only_pressing_the_button_does(client, coordinator):
    client.post(CREATE, valid_post(email=ADDRESS))
    deliver_mails()
    path = confirm_path(mails_to(ADDRESS)[0])

    page = client.get(path)  # what a mail scanner does
    assert page.status_code == 200 and "Bekræft min e-mail" in page.content.decode()
    # Not "no-referrer": browsers would then post `Origin: null`, and the CSRF check refuses it.
    assert page["Referrer-Policy"] == "same-origin" and page["Cache-Control"] == "private, no-store"
    assert Idea.objects.get().status == IdeaStatus.AWAITING_CONFIRMATION

    confirmed = client.post(path)

    assert confirmed.status_code == 200
    idea = Idea.objects.get()
    assert idea.status == IdeaStatus.RECEIVED and idea.email_confirmed_at is not None
    assert coordinator.notifications.filter(subject="Ny idé til behandling").count() == 1
    assert idea.events.filter(action="confirm").count() == 1


@pytest.mark.django_db
def test_confirming_twice_changes_nothing_and_sends_one_receipt(client, coordinator):
    client.post(CREATE, valid_post(email=ADDRESS))
    deliver_mails()
    path = confirm_path(mails_to(ADDRESS)[0])

    client.post(path)
    client.post(path)
    deliver_mails()

    assert [m.subject for m in mails_to(ADDRESS)] == ["Bekræft din e-mail", "Idéen er modtaget"]
    assert coordinator.notifications.count() == 1
    assert Idea.objects.get().events.filter(action="confirm").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["forged", "other_salt", "expired", "address_changed"])
def test_a_forged_expired_or_stale_confirmation_link_confirms_nothing(client, settings, tamper):
    idea, _token = submit(email=ADDRESS, confirm=False)
    code = services.confirmation_code(idea)
    if tamper == "forged":
        code = code[:-3] + ("AAA" if not code.endswith("AAA") else "BBB")
    elif tamper == "other_salt":
        code = signing.dumps({"idea": idea.pk, "to": services.email_digest(ADDRESS)[:16]}, salt="x", compress=True)
    elif tamper == "address_changed":
        Idea.objects.filter(pk=idea.pk).update(email="someone-else@example.dk")

    if tamper == "expired":
        settings.IDEA_CONFIRM_DAYS = 1
        import time_machine

        with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
            response = client.post(reverse("ideas:confirm", args=[code]))
    else:
        response = client.post(reverse("ideas:confirm", args=[code]))

    assert response.status_code == 404
    assert "Linket virker ikke" in response.content.decode()
    assert Idea.objects.get().status == IdeaStatus.AWAITING_CONFIRMATION


@pytest.mark.django_db
def test_no_update_is_mailed_to_an_address_that_was_not_confirmed():
    idea, _token = submit(email=ADDRESS, confirm=False)
    deliver_mails()
    mail.outbox.clear()
    update = IdeaMail.objects.create(idea=idea, kind=IdeaMail.Kind.PUBLISHED)

    assert services.idea_mail_deliver(mail_id=update.pk) is False

    assert mails_to(ADDRESS) == []
    assert IdeaMail.objects.get(pk=update.pk).sent_at is not None  # dealt with, not retried


@pytest.mark.django_db
def test_ideas_never_confirmed_are_deleted_after_the_confirmation_period(settings):
    settings.IDEA_CONFIRM_DAYS = 7
    stale, _ = submit(email="old@example.dk", confirm=False)
    fresh, _ = submit(email="new@example.dk", confirm=False)
    anonymous, _ = submit()
    Idea.objects.filter(pk__in=[stale.pk, anonymous.pk]).update(created_at=timezone.now() - dt.timedelta(days=8))

    assert services.idea_delete_unconfirmed() == 1
    assert services.idea_delete_unconfirmed() == 0

    assert set(Idea.objects.values_list("pk", flat=True)) == {fresh.pk, anonymous.pk}


@pytest.mark.django_db
def test_each_e_mail_is_sent_at_most_once_even_if_delivered_twice():
    idea, _ = submit(email=ADDRESS, confirm=False)
    [pending] = IdeaMail.objects.filter(idea=idea)

    assert services.idea_mail_deliver(mail_id=pending.pk) is True
    assert services.idea_mail_deliver(mail_id=pending.pk) is False

    assert len(mails_to(ADDRESS)) == 1


def wait_for(predicate, timeout: float = 20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_confirmation_and_the_receipt_from_the_on_commit_hand_off(client, coordinator):
    # No eager mode: the form's transaction commits, the hand-off goes through Redis, and a
    # Celery worker (a thread on this run's own Redis database) sends the e-mails.
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30):
        client.post(CREATE, valid_post(email=ADDRESS))
        wait_for(lambda: len(mails_to(ADDRESS)) == 1)
        [request] = mails_to(ADDRESS)
        assert request.subject == "Bekræft din e-mail"
        status_link = next(link for link in links_in(request) if "/ideer/status/" in link)

        client.post(confirm_path(request))
        wait_for(lambda: len(mails_to(ADDRESS)) == 2)

    assert mails_to(ADDRESS)[1].subject == "Idéen er modtaget"
    assert IdeaMail.objects.filter(sent_at__isnull=True).count() == 0
    status_path = "/" + status_link.split("://", 1)[1].split("/", 1)[1]
    assert "Sekretariatet har modtaget idéen" in client.get(status_path).content.decode()
