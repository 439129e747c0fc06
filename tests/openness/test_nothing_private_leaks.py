"""A canary in every private field never appears on any public page, feed or export.

Private: a citizen's name and e-mail, a decline reason, an unpublished idea; a draft and a
submitted application in full; and on a public trial its owner, team, partners, resources,
risks, challenged rules, attachments and history notes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ideas import services as idea_services
from initiatives import services
from initiatives.models import Attachment, ExternalPartner, Initiative, RuleChallenge, Status
from tests.factories import UserFactory, make_initiative
from tests.ideas.helpers import CANARY, CANARY_EMAIL, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything_private(initiator, coordinator, units, initiative_in):
    """Public rows that carry the canary only in their private parts, plus wholly private rows."""
    # A public trial (running) whose private parts hold the canary.
    public = initiative_in("i_gang")
    Initiative.objects.filter(pk=public.pk).update(resources=f"Budget {CANARY}", risks=f"Risiko {CANARY}")
    ExternalPartner.objects.create(
        initiative=public, name=f"Partner {CANARY}", kind="borger", contribution=f"Bidrag {CANARY}"
    )
    RuleChallenge.objects.create(initiative=public, rule=f"Regel {CANARY}", exemption_needed=f"Dispensation {CANARY}")
    Attachment.objects.create(
        initiative=public,
        file=SimpleUploadedFile("x.pdf", b"%PDF"),
        original_name=f"{CANARY}.pdf",
        content_type="application/pdf",
        size=4,
        uploaded_by=initiator,
    )
    secret_colleague = UserFactory(first_name=CANARY, last_name="Kollega", unit=units["jobcenter"])
    services.team_member_add(initiative_id=public.pk, actor=initiator, user=secret_colleague)
    initiator.first_name = CANARY  # the owner's name is private too
    initiator.save(update_fields=["first_name"])
    services.initiative_begin_evaluation(initiative_id=public.pk, actor=initiator, note=f"Note {CANARY}")
    # Wholly private: a draft and a submitted application with the canary everywhere.
    canary_text = {
        field: f"{field} {CANARY}" for field in ("summary", "problem", "idea", "hypothesis", "expected_effect")
    }
    make_initiative(owner=coordinator, title=f"Kladde {CANARY}", **canary_text)
    submitted = make_initiative(owner=coordinator, title=f"Indsendt {CANARY}", **canary_text)
    services.initiative_submit(initiative_id=submitted.pk, actor=coordinator)
    # Ideas: a published one whose submitter and history are private; an unpublished and a declined one.
    published, _ = submit(title="Offentlig idé om ældre", name=f"Karen {CANARY}", email=CANARY_EMAIL)
    idea_services.idea_publish(idea_id=published.pk, actor=coordinator)
    submit(title=f"Upubliceret {CANARY}", description=CANARY)
    declined, _ = submit(title="Afvist idé", name=CANARY)
    idea_services.idea_decline(idea_id=declined.pk, actor=coordinator, reason=f"Begrundelse {CANARY}")
    return {"public": public, "idea": published, "declined": declined}


def public_urls(everything_private) -> list[str]:
    public, idea = everything_private["public"], everything_private["idea"]
    urls = [
        reverse("home"),
        reverse("initiatives:public_list"),
        reverse("initiatives:detail", args=[public.pk]),
        reverse("ideas:public_list"),
        reverse("ideas:detail", args=[idea.pk]),
        reverse("ideas:create"),
        reverse("openness:index"),
        reverse("openness:feed"),
        reverse("openness:unit_feed", args=[public.owning_unit_id]),
        reverse("openness:initiatives_csv"),
        reverse("openness:initiatives_json"),
        reverse("openness:ideas_csv"),
        reverse("openness:ideas_json"),
        reverse("openness:rounds_ical"),
        reverse("openness:privacy"),
        reverse("openness:accessibility"),
    ]
    return urls


SEARCHES = [CANARY, "Kollega", "Karen", CANARY_EMAIL, "Dispensation", "Budget", "Risiko"]


def test_the_canary_is_really_in_the_database(everything_private):
    from tests.ideas.helpers import columns_containing

    hits = set(columns_containing(CANARY))
    for column in (
        "ideas_idea.submitter_name",
        "ideas_idea.decline_reason",
        "initiatives_initiative.risks",
        "initiatives_externalpartner.name",
        "initiatives_rulechallenge.rule",
        "slagelse_ou_user.first_name",
        "initiatives_attachment.original_name",
        "initiatives_initiativeevent.note",
    ):
        assert column in hits


def test_no_public_page_feed_or_export_shows_the_canary(client, everything_private):
    for url in public_urls(everything_private):
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode()
        assert CANARY.lower() not in text.lower(), url
        assert CANARY_EMAIL not in text, url


@pytest.mark.parametrize("q", SEARCHES)
@pytest.mark.parametrize("list_name", ["initiatives:public_list", "ideas:public_list"])
def test_searching_the_public_lists_for_a_private_word_finds_nothing(client, everything_private, list_name, q):
    # Only the results region: the search box rightly echoes what was typed.
    response = client.get(reverse(list_name), {"q": q}, headers={"HX-Request": "true", "HX-Target": "results"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "empty-state" in html
    assert CANARY.lower() not in html.lower()


def test_the_public_trial_page_shows_its_public_fields_but_none_of_its_private_ones(client, everything_private):
    html = client.get(everything_private["public"].get_absolute_url()).content.decode()

    assert everything_private["public"].title in html  # the page is there, with public content
    assert CANARY not in html


def test_private_ideas_and_applications_have_no_public_page(client, everything_private):
    declined = everything_private["declined"]
    hidden = Initiative.objects.filter(title__contains=CANARY)

    assert client.get(reverse("ideas:detail", args=[declined.pk])).status_code == 404
    assert all(client.get(i.get_absolute_url()).status_code == 404 for i in hidden)
    assert set(hidden.values_list("status", flat=True)) == {Status.DRAFT, Status.SUBMITTED}
