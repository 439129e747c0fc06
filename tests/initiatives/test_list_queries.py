"""A page reads the same number of queries whether it shows one prøvehandling or many
(STYLE.md §3). `make bench` measures the same at 10,000 and 100,000 rows; these tests prove
it on a few rows, with more rows than fit on a page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives import services
from initiatives.models import Initiative, Status
from slagelse_ou import roles
from tests.factories import UserFactory, make_initiative


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_running(count: int, *, owner, team_member) -> None:
    for number in range(count):
        initiative = make_initiative(owner=owner, title=f"Prøvehandling {number}")
        services.team_member_add(initiative_id=initiative.pk, actor=owner, user=team_member)
    # A reading test: the rows only need a public status, not a history leading to it.
    Initiative.objects.update(status=Status.RUNNING)


LISTS = [
    ("coordinator", "initiatives:staff_list", ""),
    ("coordinator", "initiatives:staff_list", "?side=2&sorter=titel"),
    ("coordinator", "initiatives:staff_list", "?status=i_gang&pejlemaerke=1&sorter=start"),
    ("manager", "initiatives:staff_list", "?side=2"),
    ("committee_member", "initiatives:staff_list", ""),
    ("anonymous", "initiatives:public_list", "?side=2&sorter=oprettet"),
    ("initiator", "initiatives:mine", "?side=2"),
]


@pytest.mark.parametrize(("persona", "page", "query"), LISTS)
def test_a_list_page_reads_as_many_queries_for_many_rows_as_for_one(
    request, client, settings, initiator, team_member, persona, page, query
):
    settings.PAGE_SIZE = 5
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = reverse(page) + query
    # A full first page: a list that fits on one page skips its COUNT (one query fewer).
    add_running(5, owner=initiator, team_member=team_member)
    queries(client, url)  # first request: caches (content types, session) filled
    with_one = queries(client, url)

    add_running(12, owner=initiator, team_member=team_member)
    with_many = queries(client, url)

    assert with_many == with_one
    assert with_many <= 12


@pytest.mark.parametrize("persona", ["initiator", "team_member", "coordinator", "anonymous"])
def test_the_detail_page_reads_as_many_queries_with_a_big_team_and_a_long_history(
    request, client, units, initiator, team_member, persona
):
    initiative = make_initiative(owner=initiator)
    services.team_member_add(initiative_id=initiative.pk, actor=initiator, user=team_member)
    Initiative.objects.filter(pk=initiative.pk).update(status=Status.RUNNING)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = reverse("initiatives:detail", args=[initiative.pk])
    queries(client, url)
    small = queries(client, url)

    for number in range(6):
        colleague = UserFactory(username=f"kollega{number}", unit=units["jobcenter"], roles=[roles.MEDARBEJDER])
        services.team_member_add(initiative_id=initiative.pk, actor=initiator, user=colleague)
    big = queries(client, url)

    assert big == small
    assert big <= 12


def test_a_list_counts_at_most_the_cap_and_says_there_are_more(client, settings, coordinator, initiator, team_member):
    settings.PAGE_SIZE = 5
    settings.LIST_COUNT_CAP = 10
    client.force_login(coordinator)
    add_running(10, owner=initiator, team_member=team_member)

    exact = client.get(reverse("initiatives:staff_list")).content.decode()
    assert "10 prøvehandlinger" in exact and "Mere end" not in exact
    assert "Side 1 af 2" in exact

    add_running(3, owner=initiator, team_member=team_member)
    with CaptureQueriesContext(connection) as captured:
        capped = client.get(reverse("initiatives:staff_list")).content.decode()
    assert "Mere end 10 prøvehandlinger. Listen viser de første 10" in capped
    assert "Side 1 af 2" in capped  # pages through the first 10 only
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper() and "initiatives_initiative" in q["sql"]]
    assert counts and all("LIMIT 11" in sql for sql in counts)  # stops counting at the cap

    last = client.get(reverse("initiatives:staff_list") + "?side=99").content.decode()
    assert "Side 2 af 2" in last  # a page past the cap shows the last one


def test_the_public_list_and_mine_count_with_the_cap_too(client, settings, initiator, team_member):
    settings.PAGE_SIZE = 5
    settings.LIST_COUNT_CAP = 4
    add_running(6, owner=initiator, team_member=team_member)
    assert "Mere end 4 prøvehandlinger" in client.get(reverse("initiatives:public_list")).content.decode()
    client.force_login(initiator)
    assert "Mere end 4 prøvehandlinger" in client.get(reverse("initiatives:mine")).content.decode()


def test_a_list_that_fits_on_one_page_is_not_counted(client, settings, coordinator, initiator, team_member):
    settings.PAGE_SIZE = 5
    client.force_login(coordinator)
    add_running(3, owner=initiator, team_member=team_member)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("initiatives:staff_list") + "?status=i_gang")
    assert "3 prøvehandlinger" in response.content.decode()
    assert not [q for q in captured if "COUNT(" in q["sql"].upper() and "initiatives_initiative" in q["sql"]]

    add_running(4, owner=initiator, team_member=team_member)  # 7: two pages, so counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("initiatives:staff_list") + "?status=i_gang")
    assert "7 prøvehandlinger" in response.content.decode() and "Side 1 af 2" in response.content.decode()
    assert [q for q in captured if "COUNT(" in q["sql"].upper() and "initiatives_initiative" in q["sql"]]
