"""The knowledge base: concluded trials, stopped ones included, with their learnings;
searchable with PostgreSQL's Danish full-text search (the trial's text and its learnings);
filterable by outcome, pejlemærke and unit; "copy this trial" starts a new draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from initiatives.models import Initiative, InitiativeEvent, Pejlemaerke, RuleChallenge, Status


@pytest.fixture
def knowledge(build, initiator, units):
    scaled = build.concluded(owner=initiator, title="Spisevenner for ældre", outcome="skaleret")
    stopped = build.concluded(owner=initiator, title="Robotstøvsugere i hjemmeplejen", outcome="stoppet")
    running = build.running(owner=initiator, title="Spisevenner i gang")
    return {"scaled": scaled, "stopped": stopped, "running": running}


def titles(response) -> list[str]:
    page = response.content.decode()
    return [t for t in ("Spisevenner for ældre", "Robotstøvsugere i hjemmeplejen", "Spisevenner i gang") if t in page]


def test_concluded_trials_are_listed_stopped_ones_included_but_not_running_ones(client, knowledge):
    response = client.get(reverse("results:knowledge"))
    assert response.status_code == 200
    assert titles(response) == ["Spisevenner for ældre", "Robotstøvsugere i hjemmeplejen"]
    assert "Stoppet" in response.content.decode() and "2 afsluttede prøvehandlinger" in response.content.decode()


def test_the_search_finds_a_trial_by_its_learnings_with_danish_stemming(client, build, initiator, knowledge):
    build.concluded(
        owner=initiator, title="Nattevagter", outcome="stoppet", what_worked="Pårørendemøderne gav tryghed om natten."
    )
    response = client.get(reverse("results:knowledge"), {"q": "pårørendemøde"})  # singular finds the plural
    page = response.content.decode()
    assert "Nattevagter" in page and titles(response) == []
    assert "<mark>Pårørendemøderne</mark>" in page


def test_the_search_also_finds_the_trials_own_text(client, knowledge):
    assert titles(client.get(reverse("results:knowledge"), {"q": "robotstøvsuger"})) == [
        "Robotstøvsugere i hjemmeplejen"
    ]


def test_filters_by_outcome_pejlemaerke_and_unit(client, build, initiator, units, knowledge):
    assert titles(client.get(reverse("results:knowledge"), {"udfald": "stoppet"})) == ["Robotstøvsugere i hjemmeplejen"]
    second = Pejlemaerke.objects.get(number=2)
    Initiative.objects.get(pk=knowledge["scaled"].pk).pejlemaerker.add(second)
    assert titles(client.get(reverse("results:knowledge"), {"pejlemaerke": second.pk})) == ["Spisevenner for ældre"]
    assert len(titles(client.get(reverse("results:knowledge"), {"enhed": units["center"].pk}))) == 2
    assert titles(client.get(reverse("results:knowledge"), {"enhed": units["jobcenter"].pk})) == []


def test_filters_by_target_group_set_on_the_application_form(client, initiator, knowledge):
    # Setting it through the form is tested in tests/initiatives/test_forms.py.
    Initiative.objects.filter(pk=knowledge["scaled"].pk).update(target_group="aeldre")
    assert titles(client.get(reverse("results:knowledge"), {"maalgruppe": "aeldre"})) == ["Spisevenner for ældre"]
    assert titles(client.get(reverse("results:knowledge"), {"maalgruppe": "virksomheder"})) == []
    unknown = client.get(reverse("results:knowledge"), {"maalgruppe": "ukendt"})
    assert len(titles(unknown)) == 2  # an unknown value is ignored, not an error


def test_htmx_filtering_swaps_only_the_results(client, knowledge):
    response = client.get(
        reverse("results:knowledge"), {"udfald": "skaleret"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"') and "<h1>" not in page
    assert "Spisevenner for ældre" in page


def test_copy_this_trial_starts_a_new_draft_owned_by_the_copier(client, knowledge, outsider):
    source = knowledge["stopped"]
    client.force_login(outsider)
    page = client.get(reverse("results:knowledge")).content.decode()
    assert reverse("results:copy", args=[source.pk]) in page

    response = client.post(reverse("results:copy", args=[source.pk]))

    copy = Initiative.objects.get(copied_from=source)
    assert response.status_code == 302 and response["Location"] == reverse("initiatives:edit", args=[copy.pk])
    assert copy.status == Status.DRAFT and copy.owner == outsider and copy.owning_unit == outsider.unit
    assert copy.title == "Kopi af: Robotstøvsugere i hjemmeplejen" and copy.hypothesis == source.hypothesis
    assert list(copy.indicators.values_list("name", "baseline", "target")) == list(
        source.indicators.values_list("name", "baseline", "target")
    )
    assert list(copy.pejlemaerker.all()) == list(source.pejlemaerker.all())
    assert not copy.team.exists() and copy.start_date is None
    assert InitiativeEvent.objects.get(initiative=copy, action="create").data == {"copied_from": source.pk}


def test_only_staff_may_copy_and_only_concluded_trials(client, knowledge, citizen, outsider):
    assert client.post(reverse("results:copy", args=[knowledge["scaled"].pk])).status_code == 302  # to log in
    client.force_login(citizen)
    assert "Kopiér til ny prøvehandling" not in client.get(reverse("results:knowledge")).content.decode()
    assert client.post(reverse("results:copy", args=[knowledge["scaled"].pk])).status_code == 403
    client.force_login(outsider)
    assert client.post(reverse("results:copy", args=[knowledge["running"].pk])).status_code == 403
    assert not Initiative.objects.filter(copied_from__isnull=False).exists()


def test_a_copy_carries_only_what_the_copier_may_read(client, knowledge, outsider, initiator):
    """Issue 13.3 (written first, seen failing): an outsider's copy held the source's private
    resources and challenged rules with their exemptions; the owner's copy keeps them."""
    source = knowledge["stopped"]
    Initiative.objects.filter(pk=source.pk).update(resources="Hemmelig pulje på 400.000 kr.")
    RuleChallenge.objects.create(initiative=source, rule="Serviceloven § 83", exemption_needed="Fritagelse")

    client.force_login(outsider)
    client.post(reverse("results:copy", args=[source.pk]))
    theirs = Initiative.objects.get(copied_from=source, owner=outsider)
    assert theirs.resources == "" and not theirs.rule_challenges.exists()

    client.force_login(initiator)
    client.post(reverse("results:copy", args=[source.pk]))
    mine = Initiative.objects.get(copied_from=source, owner=initiator)
    assert mine.resources == "Hemmelig pulje på 400.000 kr."
    assert list(mine.rule_challenges.values_list("rule", "exemption_needed")) == [("Serviceloven § 83", "Fritagelse")]
