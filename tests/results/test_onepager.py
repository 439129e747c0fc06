"""The one-page PDF of a trial, from its detail page: one page, titled and in Danish; public
fields only when the reader may not see private ones; reviews never (canaries)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from initiatives import services as lifecycle
from tests.results.conftest import (
    COMMENT_CANARY,
    NARRATIVE_CANARY,
    REVIEW_CANARY,
    RISK_CANARY,
    pdf_pages,
    pdf_reader,
)

CANARIES = [REVIEW_CANARY, COMMENT_CANARY, RISK_CANARY, NARRATIVE_CANARY]


@pytest.fixture
def trial(build, initiator, team_member):
    initiative = build.running(owner=initiator, title="Fælles morgenmøde i hjemmeplejen", risks=RISK_CANARY)
    lifecycle.team_member_add(initiative_id=initiative.pk, actor=initiator, user=team_member)
    build.report(initiative, value="27.5", narrative=NARRATIVE_CANARY)
    return initiative


def onepager(client, initiative) -> tuple[bytes, str]:
    response = client.get(reverse("results:initiative_pdf", args=[initiative.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # A visitor's copy may be kept and revalidated by its ETag; a signed-in reader's never.
    signed_in = "_auth_user_id" in client.session
    assert response["Cache-Control"] == ("private, no-store" if signed_in else "no-cache")
    pages = pdf_pages(response.content)
    assert len(pages) == 1, "the one-pager runs over one page"
    return response.content, pages[0]


# An assigned reviewer holds a view grant on the application (criteria), so sees it as staff.
@pytest.mark.parametrize("persona", [None, "citizen", "outsider"])
def test_a_reader_who_may_not_see_private_fields_gets_the_public_fields_only(client, request, trial, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    _content, text = onepager(client, trial)

    assert "Fælles morgenmøde i hjemmeplejen" in text and "Hjemmeplejen" in text
    assert "Dobbeltbesøg (antal): udgangspunkt 40 · seneste 27,5" in text
    assert "Afgørelse: Godkendt" in text and "Princip 1: Opfyldt" in text
    for canary in CANARIES:
        assert canary not in text
    assert str(trial.owner) not in text and "Til internt brug" not in text


@pytest.mark.parametrize("persona", ["initiator", "team_member", "manager", "coordinator", "committee_member"])
def test_staff_who_may_see_private_fields_also_get_the_internal_ones_but_never_reviews(client, request, trial, persona):
    client.force_login(request.getfixturevalue(persona))
    _content, text = onepager(client, trial)

    assert "Til internt brug" in text and RISK_CANARY in text and NARRATIVE_CANARY in text
    assert str(trial.owner) in text
    assert REVIEW_CANARY not in text and COMMENT_CANARY not in text


def test_the_one_pager_has_the_trial_as_title_and_danish_as_language_and_is_tagged(client, trial):
    content, _text = onepager(client, trial)
    reader = pdf_reader(content)
    assert reader.metadata.title == "Fælles morgenmøde i hjemmeplejen"
    assert reader.trailer["/Root"]["/Lang"] == "da" and "/StructTreeRoot" in reader.trailer["/Root"]


def test_a_long_application_still_fits_on_one_page(client, build, initiator):
    long = " ".join(["Borgerne oplever mange skift mellem medarbejdere i løbet af ugen."] * 60)
    initiative = build.running(
        owner=initiator,
        title="En meget grundig ansøgning",
        summary=long,
        problem=long,
        idea=long,
        hypothesis=long,
        expected_effect=long,
        risks=long,
    )
    client.force_login(initiator)
    onepager(client, initiative)


def test_a_draft_is_not_printed_for_anyone_but_its_applicants(client, draft, initiator, outsider):
    url = reverse("results:initiative_pdf", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(initiator)
    assert client.get(url).status_code == 200


def test_the_detail_page_links_to_the_one_pager(client, trial):
    page = client.get(reverse("initiatives:detail", args=[trial.pk])).content.decode()
    assert reverse("results:initiative_pdf", args=[trial.pk]) in page


def test_the_one_pager_is_rendered_once_per_content_and_answers_304_by_its_etag(client, trial, monkeypatch):
    """Issue 13.10 (written first: there was no ETag and every request rendered a PDF)."""
    from results import pdf, views

    renders = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(views, "html_to_pdf", lambda html: renders.append(1) or real(html))
    url = reverse("results:initiative_pdf", args=[trial.pk])

    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first["ETag"] == second["ETag"]
    assert len(renders) <= 1  # the second came from the cache (none at all if an earlier run cached it)

    not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304 and not not_modified.content

    lifecycle_title = "Ny titel på prøvehandlingen"
    type(trial).objects.filter(pk=trial.pk).update(title=lifecycle_title)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
