"""A page reads the same number of queries whether it shows one prøvehandling or many
(STYLE.md §3). `make bench` measures the same at 10,000 and 100,000 rows; these tests prove
it on a few rows, with more rows than fit on a page."""

from __future__ import annotations

import re

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
    assert big <= 23  # one query per list and panel (tests/initiatives/test_detail_queries.py)


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


def initiative_counts(captured) -> list[str]:
    return [q["sql"] for q in captured if "COUNT(" in q["sql"].upper() and "initiatives_initiative" in q["sql"]]


def test_a_list_that_fits_on_one_page_is_not_counted(client, settings, initiator, team_member):
    """Mine prøvehandlinger reads its first page before it counts (CappedPaginator without `few`)."""
    settings.PAGE_SIZE = 5
    client.force_login(initiator)
    add_running(3, owner=initiator, team_member=team_member)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("initiatives:mine"))
    assert "3 prøvehandlinger" in response.content.decode()
    assert not initiative_counts(captured)

    add_running(4, owner=initiator, team_member=team_member)  # 7: two pages, so counted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("initiatives:mine"))
    assert "7 prøvehandlinger" in response.content.decode() and "Side 1 af 2" in response.content.decode()
    assert initiative_counts(captured)


def test_the_count_has_no_order(client, settings, coordinator, initiator, team_member):
    """Which rows are counted up to the cap does not change the number; an ORDER BY made
    PostgreSQL sort every match before counting them."""
    settings.LIST_COUNT_CAP = 4
    client.force_login(coordinator)
    add_running(6, owner=initiator, team_member=team_member)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("initiatives:staff_list") + "?status=i_gang&sorter=titel")
    assert "Mere end 4 prøvehandlinger" in response.content.decode()
    counts = initiative_counts(captured)
    assert counts and not [sql for sql in counts if "ORDER BY" in sql]


@pytest.mark.parametrize("sort", ["opdateret", "oprettet", "titel", "status", "start"])
@pytest.mark.parametrize("page", ["initiatives:staff_list", "initiatives:public_list"])
def test_few_and_many_matches_are_listed_in_the_same_order(
    client, settings, coordinator, initiator, team_member, page, sort
):
    """With few matches (within the count cap) the list reads them all and sorts them; with
    many it walks an index in the list's order. The order is the same."""
    from datetime import date, timedelta

    settings.PAGE_SIZE = 100
    client.force_login(coordinator)
    add_running(9, owner=initiator, team_member=team_member)
    for number, initiative in enumerate(Initiative.objects.order_by("pk")):
        # Dates and titles in another order than the ids, with ties and an empty start date.
        Initiative.objects.filter(pk=initiative.pk).update(
            start_date=None if number == 4 else date(2026, 1, 1) + timedelta(days=(number * 5) % 3),
            status=Status.RUNNING if number % 2 else Status.EVALUATION,
        )
    url = reverse(page) + f"?sorter={sort}"

    def listed(cap: int) -> tuple[list[str], str]:
        settings.LIST_COUNT_CAP = cap
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url).content.decode()
        orders = [
            q["sql"].rsplit("ORDER BY", 1)[1].split(" LIMIT")[0]
            for q in captured
            if "ORDER BY" in q["sql"] and "_initiative" in q["sql"]
        ]
        return re.findall(r"(Prøvehandling \d+)</a>", html), orders[-1]

    few, few_order = listed(100)
    many, many_order = listed(5)

    assert len(few) == 9 and few[:5] == many[:5]
    # Few: sorted by expressions (the rows are read, then sorted); many: by the indexed columns.
    if sort == "oprettet":  # its index holds every column a list row reads: it stays
        assert few_order == many_order
    else:
        assert few_order != many_order and "(" in few_order and "(" not in many_order
