""" "Er det prøvet før?": while writing an application, similar public trials and published
ideas are suggested — by the server on page load (no JavaScript) and by htmx while typing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ideas import services
from initiatives.models import Initiative, Status
from tests.factories import make_initiative
from tests.ideas.helpers import submit

pytestmark = pytest.mark.django_db
SIMILAR = reverse("ideas:similar")


@pytest.fixture
def earlier(initiator, coordinator):
    """A concluded trial and a published idea about loneliness, and a private draft."""
    concluded = Initiative.objects.create(
        title="Spisevenner mod ensomhed",
        summary="Fællesspisning for ensomme ældre borgere.",
        owner=initiator,
        owning_unit=initiator.unit,
        status=Status.CONCLUDED,
        outcome="skaleret",
    )
    idea, _ = submit(title="Besøgsven til ensomme", description="Frivillige besøger ensomme ældre.")
    services.idea_publish(idea_id=idea.pk, actor=coordinator)
    draft = Initiative.objects.create(
        title="Hemmelig kladde om ensomhed",
        summary="Ensomme ældre.",
        owner=coordinator,
        owning_unit=initiator.unit,
        status=Status.DRAFT,
    )
    unpublished, _ = submit(title="Upubliceret idé om ensomhed", description="Ensomme.")
    return {"concluded": concluded, "idea": idea, "draft": draft, "unpublished": unpublished}


def test_typing_suggests_similar_public_trials_and_ideas_and_nothing_private(client, initiator, earlier):
    client.force_login(initiator)

    response = client.get(
        SIMILAR,
        {"title": "Mindre ensomhed", "summary": "For ældre, der er ensomme"},
        headers={"HX-Request": "true", "HX-Target": "similar-results"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="similar-results"')
    assert "Spisevenner mod ensomhed" in html and "Skaleret" in html
    assert "Besøgsven til ensomme" in html
    assert "Hemmelig kladde" not in html and "Upubliceret idé" not in html


def test_nothing_in_common_suggests_nothing(client, initiator, earlier):
    client.force_login(initiator)

    html = client.get(SIMILAR, {"title": "Cykelstier", "summary": "Vejbump"}).content.decode()

    assert "Ingen lignende prøvehandlinger eller idéer endnu." in html


def test_query_syntax_in_the_text_cannot_break_the_search(client, initiator, earlier):
    client.force_login(initiator)

    response = client.get(SIMILAR, {"title": "ensomhed & | ! ( ) :* '\\", "idea": "<-> ældre"})

    assert response.status_code == 200
    assert "Spisevenner mod ensomhed" in response.content.decode()


def test_the_application_form_shows_suggestions_without_javascript(client, initiator, earlier):
    draft = make_initiative(owner=initiator, title="Ensomhed blandt ældre", summary="Ensomme borgere.")
    client.force_login(initiator)

    html = client.get(reverse("initiatives:edit", args=[draft.pk])).content.decode()

    assert "Er det prøvet før?" in html
    assert "Spisevenner mod ensomhed" in html
    assert f'"initiative": "{draft.pk}"' in html  # htmx refreshes exclude the draft itself
    assert 'hx-get="/proevehandlinger/lignende/"' in html


def test_a_new_application_form_shows_the_panel_empty(client, initiator, earlier):
    client.force_login(initiator)

    html = client.get(reverse("initiatives:create")).content.decode()

    assert "Er det prøvet før?" in html and "Spisevenner mod ensomhed" not in html


def test_a_trial_is_not_suggested_to_itself(client, initiator, earlier):
    client.force_login(initiator)
    concluded = earlier["concluded"]

    html = client.get(SIMILAR, {"title": concluded.title, "initiative": concluded.pk}).content.decode()

    assert "Spisevenner mod ensomhed" not in html


@pytest.mark.parametrize(("persona", "expected"), [("anonymous", 302), ("citizen", 403), ("initiator", 200)])
def test_suggestions_are_for_staff_writing_applications(client, request, persona, expected):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    assert client.get(SIMILAR, {"title": "ensomhed"}).status_code == expected
