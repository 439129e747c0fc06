"""Full-text search with PostgreSQL's `danish` configuration: stemming, ranking, highlighted
snippets, the htmx partial, the staff list, the ideas list, and the GIN index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from ideas import services
from initiatives.models import Initiative, Status
from initiatives.selectors import InitiativeFilters, initiative_public_list
from tests.ideas.helpers import submit

pytestmark = pytest.mark.django_db
PUBLIC = reverse("initiatives:public_list")
STAFF = reverse("initiatives:staff_list")


def trial(title, *, owner, status=Status.RUNNING, **text) -> Initiative:
    return Initiative.objects.create(title=title, owner=owner, owning_unit=owner.unit, status=status, **text)


def titles(qs) -> list[str]:
    return [i.title for i in qs]


def search(q, **filters) -> list[str]:
    return titles(initiative_public_list(filters=InitiativeFilters(q=q, sort="relevans", **filters)))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("borgere", "borger"), ("ældreplejen", "ældrepleje"), ("borger", "borgerne"), ("ældrepleje", "Ældreplejens")],
)
def test_danish_stemming_finds_other_forms_of_the_word(initiator, typed, stored):
    trial("Morgenmøde", owner=initiator, summary=f"Et tilbud til hver {stored} i kommunen.")
    trial("Noget helt andet", owner=initiator, summary="Cykelstier og vejbump.")

    assert search(typed) == ["Morgenmøde"]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(initiator):
    trial("Kørsel til lægen", owner=initiator, hypothesis="Genoptræning går hurtigere.")  # weight D
    trial("Genoptræning i hjemmet", owner=initiator, summary="Øvelser.")  # weight A
    trial("Spisevenner", owner=initiator, summary="Mad efter genoptræning.")  # weight B

    assert search("genoptræning") == ["Genoptræning i hjemmet", "Spisevenner", "Kørsel til lægen"]


def test_web_search_syntax_works_phrases_and_exclusions(initiator):
    trial("Ensomhed blandt ældre", owner=initiator, summary="Ældre borgere føler sig ensomme.")
    trial("Ensomhed blandt børn", owner=initiator, summary="Børn i daginstitution.")

    assert search("ensomhed -børn") == ["Ensomhed blandt ældre"]
    assert search('"blandt børn"') == ["Ensomhed blandt børn"]


def test_the_results_show_a_snippet_with_the_hits_marked_and_everything_else_escaped(client, initiator):
    trial("Spisevenner", owner=initiator, summary="<script>alert(1)</script> Ældre & børn < 5 år er ensomme <b>nu</b>.")

    html = client.get(PUBLIC, {"q": "ensomme"}).content.decode()

    assert "<mark>ensomme</mark>" in html
    assert "<script>alert(1)</script>" not in html and "<b>nu</b>" not in html
    assert "Ældre &amp; børn &lt; 5 år er <mark>ensomme</mark>" in html


def test_a_marker_character_typed_into_a_summary_cannot_open_an_unclosed_tag(client, initiator):
    trial("Spisevenner", owner=initiator, summary="Tekst med \ue000 og \ue001 i ensomme ældre.")

    html = client.get(PUBLIC, {"q": "ensomme"}).content.decode()

    assert html.count("<mark>") == html.count("</mark>") >= 1


def test_searching_combines_with_the_existing_filters(client, initiator, units):
    trial("Ældrepleje i Hjemmeplejen", owner=initiator, status=Status.RUNNING, summary="Ældrepleje.")
    trial(
        "Ældrepleje der er afsluttet",
        owner=initiator,
        status=Status.CONCLUDED,
        outcome="skaleret",
        summary="Ældrepleje.",
    )

    running = client.get(PUBLIC, {"q": "ældrepleje", "status": "i_gang"}).content.decode()
    scaled = client.get(PUBLIC, {"q": "ældrepleje", "udfald": "skaleret"}).content.decode()

    assert "Ældrepleje i Hjemmeplejen" in running and "Ældrepleje der er afsluttet" not in running
    assert "Ældrepleje der er afsluttet" in scaled and "Ældrepleje i Hjemmeplejen" not in scaled


def test_the_outcome_filter_works_without_a_search(client, initiator):
    trial("Skaleret forsøg", owner=initiator, status=Status.CONCLUDED, outcome="skaleret")
    trial("Stoppet forsøg", owner=initiator, status=Status.CONCLUDED, outcome="stoppet")

    html = client.get(PUBLIC, {"udfald": "stoppet"}).content.decode()

    assert "Stoppet forsøg" in html and "Skaleret forsøg" not in html


def test_as_you_type_requests_get_only_the_results_partial(client, initiator):
    trial("Spisevenner", owner=initiator, summary="Fællesspisning.")

    response = client.get(PUBLIC, {"q": "spisevenner"}, headers={"HX-Request": "true", "HX-Target": "results"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert ">Spisevenner</a>" in html and "<form" not in html


def test_the_search_box_works_without_javascript_and_asks_htmx_to_search_as_you_type(client):
    html = client.get(PUBLIC, {"q": "ældre"}).content.decode()

    assert 'type="search" name="q"' in html and 'value="ældre"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert '<button type="submit"' in html


def test_a_search_with_no_hits_says_so(client, initiator):
    trial("Spisevenner", owner=initiator)

    assert "Ingen prøvehandlinger matcher filtrene." in client.get(PUBLIC, {"q": "cykelsti"}).content.decode()


def test_the_staff_list_searches_what_the_person_may_see_including_their_draft(client, initiator, outsider):
    trial("Min kladde om ældrepleje", owner=initiator, status=Status.DRAFT)
    client.force_login(initiator)
    assert "Min kladde om ældrepleje" in client.get(STAFF, {"q": "ældreplejen"}).content.decode()

    client.force_login(outsider)
    assert "Min kladde om ældrepleje" not in client.get(STAFF, {"q": "ældreplejen"}).content.decode()
    assert "Min kladde om ældrepleje" not in client.get(PUBLIC, {"q": "ældreplejen"}).content.decode()


def test_private_fields_are_not_searchable(initiator):
    # A hit on a private word would reveal it (a search oracle).
    trial("Spisevenner", owner=initiator, risks="Hemmeligrisiko", resources="Hemmeligbudget")

    assert search("Hemmeligrisiko") == [] and search("Hemmeligbudget") == []


def test_published_ideas_are_searchable_with_stemming_and_unpublished_ones_are_not(client, coordinator):
    published, _ = submit(title="Flere borgere i foreningslivet", description="Foreningerne mangler frivillige.")
    services.idea_publish(idea_id=published.pk, actor=coordinator)
    submit(title="Ikke offentliggjort borgeridé", description="Borgere.")

    html = client.get(reverse("ideas:public_list"), {"q": "borger"}).content.decode()

    assert "Flere borgere i foreningslivet" in html
    assert "Ikke offentliggjort" not in html


def test_the_public_search_reads_the_gin_index_once_there_are_many_trials(initiator):
    Initiative.objects.bulk_create(
        [
            Initiative(
                title=f"Forsøg {n}",
                summary="Cykelstier og vejbump.",
                owner=initiator,
                owning_unit=initiator.unit,
                status=Status.RUNNING,
            )
            for n in range(3000)
        ]
    )
    trial("Den eneste om ældrepleje", owner=initiator, summary="Ældreplejen.")
    with connection.cursor() as cursor:
        # What autovacuum does in production: move the new rows from GIN's pending list
        # into the index proper, and gather statistics.
        cursor.execute("SELECT gin_clean_pending_list('initiative_search'::regclass)")
        cursor.execute("ANALYZE initiatives_initiative")

    qs = initiative_public_list(filters=InitiativeFilters(q="ældrepleje", sort="relevans"))

    assert "initiative_search" in qs.explain()
    assert titles(qs) == ["Den eneste om ældrepleje"]


def test_the_search_vector_is_kept_by_the_database_when_the_text_changes(initiator):
    item = trial("Spisevenner", owner=initiator, summary="Fællesspisning.")
    assert search("cykelsti") == []

    Initiative.objects.filter(pk=item.pk).update(summary="Nu handler det om en cykelsti.")

    assert search("cykelstier") == ["Spisevenner"]
