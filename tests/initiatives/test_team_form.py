"""The team form finds a colleague by what the editor types (initiatives.forms.TeamMemberForm):
one match is added, several are offered to choose from, none is a Danish error with the text
kept; the owner, the team, inactive users and users without a unit are never offered. The
detail page no longer lists every employee, and htmx shows the matches while typing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.forms import TeamMemberForm
from initiatives.models import Initiative
from slagelse_ou import roles
from tests.factories import UserFactory


@pytest.fixture
def people(units):
    def person(username, first, last, unit="jobcenter", **extra):
        return UserFactory(
            username=username,
            first_name=first,
            last_name=last,
            unit=units[unit] if unit else None,
            roles=[roles.MEDARBEJDER],
            **extra,
        )

    return {
        "anne": person("ahansen", "Anne", "Hansen"),
        "anders": person("ajensen", "Anders", "Jensen"),
        "bo": person("bo.nielsen", "Bo", "Nielsen", email="bo@slagelse.dk"),
        "nameless": person("uden.navn", "", ""),
        "stopped": person("stoppet", "Anne", "Stoppet", is_active=False),
        "unitless": person("uden.enhed", "Anne", "Udenenhed", unit=None),
    }


def form(draft, **data) -> TeamMemberForm:
    return TeamMemberForm({"role": "deltager", **data}, initiative=draft)


def test_matches_are_named_with_their_unit_and_exclude_owner_team_inactive_and_unitless(
    draft, people, initiator, team_member
):
    found = form(draft, kollega="anne").matches
    assert found == [(people["anne"].pk, "Anne Hansen (Jobcenter)")]
    assert form(draft, kollega="uden.navn").matches == [(people["nameless"].pk, "uden.navn (Jobcenter)")]
    for taken in (initiator, team_member):
        assert taken.pk not in [pk for pk, _ in form(draft, kollega=taken.username).matches]


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Anne", "anne"),
        ("anne h", "anne"),
        ("hansen", "anne"),
        ("AHANSEN", "anne"),
        ("bo@slagelse.dk", "bo"),
        ("niel", "bo"),
    ],
)
def test_one_match_is_the_colleague_added(draft, people, text, who):
    bound = form(draft, kollega=text)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["user"] == people[who]


def test_several_matches_are_offered_and_the_chosen_one_is_added(draft, people):
    several = form(draft, kollega="a")  # Anne, Anders (first names starting with a)
    assert not several.is_valid()
    assert several.errors["kollega"] == ["Flere kolleger passer til “a”. Vælg én herunder."]
    assert [pk for pk, _ in several.matches] == [people["anders"].pk, people["anne"].pk]

    chosen = form(draft, kollega="a", user=str(people["anders"].pk))
    assert chosen.is_valid() and chosen.cleaned_data["user"] == people["anders"]


def test_no_match_and_no_text_are_danish_errors(draft, people):
    assert form(draft, kollega="Zacharias").errors["kollega"] == [
        "Ingen kollega passer til “Zacharias”. Prøv med et andet navn, brugernavn eller e-mail."
    ]
    assert form(draft, kollega="  ").errors["kollega"] == ["Skriv navnet på en kollega."]


def test_a_chosen_colleague_already_on_the_team_is_refused(draft, team_member, people):
    bound = form(draft, user=str(team_member.pk))
    assert not bound.is_valid()
    assert bound.errors["kollega"] == ["Vælg en kollega fra listen."]
    assert form(draft, user=str(people["stopped"].pk)).errors["kollega"] == ["Vælg en kollega fra listen."]


def test_more_matches_than_shown_asks_for_more_of_the_name(draft, units):
    for number in range(12):
        UserFactory(
            username=f"kollega{number:02d}", first_name="Kim", last_name=f"Nr{number:02d}", unit=units["jobcenter"]
        )
    bound = form(draft, kollega="kim")
    assert len(bound.matches) == TeamMemberForm.MATCHES_SHOWN and bound.more_matches


def test_the_editors_page_lists_no_employees_and_reads_no_user_list(client, draft, initiator, people):
    client.force_login(initiator)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="kollega"' in page and people["anne"].last_name not in page
    # No list of active users (the request's own user is read with its columns, is_active among them).
    assert not [
        q for q in captured if 'FROM "slagelse_ou_user"' in q["sql"] and "is_active" in q["sql"].split("WHERE")[-1]
    ]


def test_adding_by_name_without_javascript(client, draft, initiator, people):
    client.force_login(initiator)
    url = reverse("initiatives:team_add", args=[draft.pk])

    several = client.post(url, {"kollega": "a", "role": "deltager"})
    html = several.content.decode()
    assert several.status_code == 200 and "Vælg én herunder" in html
    assert 'value="a"' in html  # what was typed is kept
    assert f'name="user" value="{people["anders"].pk}"' in html and f'name="user" value="{people["anne"].pk}"' in html

    response = client.post(url, {"kollega": "a", "user": people["anne"].pk, "role": "deltager"})
    assert response.status_code == 302
    assert Initiative.objects.get(pk=draft.pk).team.filter(user=people["anne"]).exists()


def test_matches_while_typing_with_htmx(client, draft, initiator, people, outsider):
    client.force_login(initiator)
    url = reverse("initiatives:team_matches", args=[draft.pk])
    response = client.get(url, {"kollega": "bo"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="team-matches"')
    assert f'value="{people["bo"].pk}" id="team-user-{people["bo"].pk}" checked' in html  # the only match
    assert "Ingen kollega passer" in client.get(url, {"kollega": "Zacharias"}).content.decode()

    client.force_login(outsider)  # not an editor of this trial
    assert client.get(url, {"kollega": "bo"}).status_code in (403, 404)
