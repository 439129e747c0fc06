"""Personal data: anonymisation after the retention period, the coordinator's export of
everything about an e-mail address (GDPR art. 15) and its erasure (art. 17). "No trace"
is checked by searching every text column of every table in the database for a canary."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from ideas import services, tasks
from ideas.models import Idea, IdeaEvent, IdeaMail, IdeaStatus, PersonalDataRequest
from initiatives.models import Initiative
from tests.ideas.helpers import CANARY, CANARY_EMAIL, columns_containing, deliver_mails, submit

pytestmark = pytest.mark.django_db


def canary_idea(*, title: str = "Idé", **kwargs) -> Idea:
    idea, _ = submit(title=title, name=f"Karen {CANARY}", email=CANARY_EMAIL, **kwargs)
    return idea


@pytest.fixture
def closed_ideas(coordinator, initiator):
    """Ideas from the canary's address in every closed state, plus one still open."""
    converted = canary_idea(title="Omdannet")
    services.idea_convert(idea_id=converted.pk, actor=coordinator, owner=initiator)
    target, _ = submit(title="Mål for sammenlægning")
    merged = canary_idea(title="Sammenlagt")
    services.idea_merge(idea_id=merged.pk, actor=coordinator, into_id=target.pk)
    declined = canary_idea(title="Afvist")
    services.idea_decline(idea_id=declined.pk, actor=coordinator, reason="Ikke nu")
    deliver_mails()
    return {"converted": converted, "merged": merged, "declined": declined}


def age(ideas, days: int) -> None:
    Idea.objects.filter(pk__in=[i.pk for i in ideas]).update(closed_at=timezone.now() - dt.timedelta(days=days))


def test_contact_details_of_closed_ideas_are_anonymised_after_the_retention_period(settings, closed_ideas):
    settings.IDEA_RETENTION_DAYS = 30
    age(closed_ideas.values(), days=31)
    assert columns_containing(CANARY) != []  # the canary really is there to begin with

    assert services.idea_anonymise_expired() == 3

    assert columns_containing(CANARY) == []
    for idea in Idea.objects.filter(pk__in=[i.pk for i in closed_ideas.values()]):
        assert (idea.submitter_name, idea.email, idea.email_confirmed_at) == ("", "", None)
        assert idea.anonymised_at is not None and idea.title  # the idea itself stays
        assert idea.events.filter(action="anonymise").count() == 1


def test_open_and_recently_closed_ideas_keep_their_contact_details(settings, coordinator, closed_ideas):
    settings.IDEA_RETENTION_DAYS = 30
    age([closed_ideas["declined"]], days=29)
    open_idea = canary_idea(title="Åben")
    services.idea_publish(idea_id=open_idea.pk, actor=coordinator)
    Idea.objects.filter(pk=open_idea.pk).update(created_at=timezone.now() - dt.timedelta(days=400))

    assert services.idea_anonymise_expired() == 0

    assert Idea.objects.get(pk=open_idea.pk).email == CANARY_EMAIL
    assert Idea.objects.get(pk=closed_ideas["declined"].pk).email == CANARY_EMAIL


def test_the_retention_task_run_twice_anonymises_once(settings, closed_ideas):
    settings.IDEA_RETENTION_DAYS = 30
    age(closed_ideas.values(), days=31)

    first = tasks.ideas_retention.apply().get()
    second = tasks.ideas_retention.apply().get()

    assert first["anonymised"] == 3 and second["anonymised"] == 0
    assert IdeaEvent.objects.filter(action="anonymise").count() == 3


def test_a_mail_queued_before_anonymisation_is_not_sent_after_it(settings, coordinator):
    settings.IDEA_RETENTION_DAYS = 1
    idea = canary_idea()
    deliver_mails()
    services.idea_decline(idea_id=idea.pk, actor=coordinator, reason="Nej")
    age([idea], days=2)
    services.idea_anonymise_expired()

    assert deliver_mails() == 0


def test_a_coordinator_downloads_everything_held_about_an_address(coordinator_client, closed_ideas, coordinator):
    other, _ = submit(title="En andens idé", email="anden@example.dk")

    response = coordinator_client.post(reverse("ideas:personal_data"), {"email": CANARY_EMAIL.upper(), "export": "1"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert {item["titel"] for item in data["idéer"]} == {"Omdannet", "Sammenlagt", "Afvist"}
    declined = next(item for item in data["idéer"] if item["titel"] == "Afvist")
    assert declined["navn"] == f"Karen {CANARY}" and declined["e-mail"] == CANARY_EMAIL
    assert [step["handling"] for step in declined["historik"]] == ["submit", "confirm", "decline"]
    assert {m["type"] for m in declined["e-mails"]} == {"Bekræft din e-mail", "Idéen er modtaget", "Idéen er afvist"}
    assert other.title not in response.content.decode()
    request = PersonalDataRequest.objects.get()
    assert request.kind == PersonalDataRequest.Kind.EXPORT and request.ideas_count == 3
    assert request.actor == coordinator


def test_erasure_leaves_no_trace_in_any_table_history_included(coordinator_client, closed_ideas, coordinator):
    # The canary also in an idea's own text and in a coordinator's note in its history.
    own_text = canary_idea(title=f"Idé om {CANARY}", description=f"Beskrivelse {CANARY}")
    services.idea_decline(idea_id=own_text.pk, actor=coordinator, reason=f"Kære Karen {CANARY}")
    deliver_mails()
    converted_initiative = Idea.objects.get(pk=closed_ideas["converted"].pk).initiative
    survivor, _ = submit(title="Anden borgers idé", email="anden@example.dk")
    assert len(columns_containing(CANARY)) >= 4

    unconfirmed = coordinator_client.post(reverse("ideas:personal_data"), {"email": CANARY_EMAIL, "erase": "1"})
    assert "Sæt kryds for at bekræfte" in unconfirmed.content.decode()
    assert Idea.objects.with_email(CANARY_EMAIL).count() == 4

    response = coordinator_client.post(
        reverse("ideas:personal_data"), {"email": CANARY_EMAIL, "erase": "1", "confirm": "on"}, follow=True
    )

    assert "Slettet: 4 idé(er)" in response.content.decode()
    assert columns_containing(CANARY) == []
    assert columns_containing(CANARY_EMAIL) == []
    assert not IdeaEvent.objects.filter(idea__email=CANARY_EMAIL).exists()
    assert not IdeaMail.objects.exclude(idea__in=Idea.objects.all()).exists()
    # The municipality's own draft stays; only its link to the idea is gone.
    initiative = Initiative.objects.get(pk=converted_initiative.pk)
    assert not Idea.objects.filter(initiative=initiative).exists()
    # Another person's idea, and the one the canary's idea was merged into, are untouched.
    assert Idea.objects.filter(pk=survivor.pk).exists()
    assert Idea.objects.filter(title="Mål for sammenlægning", status=IdeaStatus.RECEIVED).exists()
    erase = PersonalDataRequest.objects.get(kind=PersonalDataRequest.Kind.ERASE)
    assert erase.ideas_count == 4 and erase.email_digest == services.email_digest(CANARY_EMAIL)


def test_erasure_and_export_are_for_coordinators_only(initiator, closed_ideas):
    from initiatives.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden):
        services.personal_data_erase(email=CANARY_EMAIL, actor=initiator)
    with pytest.raises(ActionForbidden):
        services.personal_data_export(email=CANARY_EMAIL, actor=initiator)

    assert Idea.objects.with_email(CANARY_EMAIL).count() == 3


def test_an_invalid_address_gets_a_danish_message(coordinator_client):
    response = coordinator_client.post(reverse("ideas:personal_data"), {"email": "ikke en adresse", "export": "1"})

    assert response.status_code == 200
    assert "Skriv en gyldig e-mailadresse" in response.content.decode()
