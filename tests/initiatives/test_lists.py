"""The staff list and the public list: filters, sorting, pagination, the htmx results
partial, and query counts that do not grow with the rows (STYLE.md convention 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from initiatives.models import (
    Attachment,
    ExternalPartner,
    Indicator,
    Initiative,
    InitiativeEvent,
    InitiativeUserObjectPermission,
    Pejlemaerke,
    RuleChallenge,
    Status,
    TeamMember,
)
from initiatives.services import OBJECT_PERMS
from slagelse_ou import roles
from tests.factories import UserFactory

STAFF = reverse("initiatives:staff_list")
PUBLIC = reverse("initiatives:public_list")
THIS_YEAR = timezone.localdate().year


def add_rows(*, owner, unit, n: int, status: str = Status.RUNNING, prefix: str = "Række") -> list[Initiative]:
    """Bulk rows for list tests (the lifecycle itself is tested through the services elsewhere)."""
    rows = Initiative.objects.bulk_create(
        [
            Initiative(title=f"{prefix} {i:03d}", summary="Resumé", owner=owner, owning_unit=unit, status=status)
            for i in range(n)
        ]
    )
    pejlemaerke = Pejlemaerke.objects.get(number=1)
    Initiative.pejlemaerker.through.objects.bulk_create(
        [Initiative.pejlemaerker.through(initiative=row, pejlemaerke=pejlemaerke) for row in rows]
    )
    # bulk_create sends no m2m_changed: copy the pejlemærker to the list column as it would.
    Initiative.objects.filter(pk__in=[row.pk for row in rows]).pejlemaerke_ids_refresh()
    return rows


def make(title, *, owner, unit, status, pejlemaerker=(1,), years_ago=0, start=None) -> Initiative:
    initiative = Initiative.objects.create(title=title, owner=owner, owning_unit=unit, status=status, start_date=start)
    initiative.pejlemaerker.set(Pejlemaerke.objects.filter(number__in=pejlemaerker))
    if years_ago:
        created = timezone.now().replace(year=THIS_YEAR - years_ago, month=6, day=15)
        Initiative.objects.filter(pk=initiative.pk).update(created_at=created)
    return initiative


@pytest.fixture
def catalogue(units, initiator):
    """Six trials across units, states, pejlemærker and years. Titles sort alphabetically."""
    u = units
    return {
        "Alfa": make("Alfa", owner=initiator, unit=u["hjemmeplejen"], status=Status.RUNNING, start=dt.date(2026, 3, 1)),
        "Beta": make(
            "Beta",
            owner=initiator,
            unit=u["jobcenter"],
            status=Status.APPROVED,
            pejlemaerker=(2,),
            years_ago=1,
            start=dt.date(2026, 1, 1),
        ),
        "Delta": make(
            "Delta", owner=initiator, unit=u["hjemmeplejen"], status=Status.SUBMITTED, start=dt.date(2027, 1, 1)
        ),
        "Epsilon": make(
            "Epsilon",
            owner=initiator,
            unit=u["center"],
            status=Status.EVALUATION,
            pejlemaerker=(3,),
            start=dt.date(2025, 1, 1),
        ),
        "Gamma": make(
            "Gamma",
            owner=initiator,
            unit=u["plejecentret"],
            status=Status.CONCLUDED,
            pejlemaerker=(1, 3),
            years_ago=3,
            start=dt.date(2024, 1, 1),
        ),
        "Zeta": make("Zeta", owner=initiator, unit=u["jobcenter"], status=Status.DRAFT, pejlemaerker=(2,)),
    }


def titles(response) -> list[str]:
    """The titles in the results table, in page order."""
    page = response.context["page"]
    return [initiative.title for initiative in page.object_list]


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


# --- Filters ------------------------------------------------------------------------------


def test_the_staff_list_filters_by_status(coordinator_client, catalogue):
    response = coordinator_client.get(STAFF, {"status": "indsendt"})

    assert titles(response) == ["Delta"]
    assert '<option value="indsendt" selected>' in response.content.decode()


def test_the_unit_filter_includes_the_units_below(coordinator_client, catalogue, units):
    center = coordinator_client.get(STAFF, {"enhed": units["center"].pk, "sorter": "titel"})
    hjemmeplejen = coordinator_client.get(STAFF, {"enhed": units["hjemmeplejen"].pk, "sorter": "titel"})

    assert titles(center) == ["Alfa", "Delta", "Epsilon", "Gamma"]
    assert titles(hjemmeplejen) == ["Alfa", "Delta"]


def test_the_staff_list_filters_by_pejlemaerke(coordinator_client, catalogue):
    first = Pejlemaerke.objects.get(number=1)

    response = coordinator_client.get(STAFF, {"pejlemaerke": first.pk, "sorter": "titel"})

    assert titles(response) == ["Alfa", "Delta", "Gamma"]


def test_the_staff_list_filters_by_the_year_created(coordinator_client, catalogue):
    assert titles(coordinator_client.get(STAFF, {"aar": THIS_YEAR - 1})) == ["Beta"]
    assert titles(coordinator_client.get(STAFF, {"aar": THIS_YEAR - 3})) == ["Gamma"]
    assert titles(coordinator_client.get(STAFF, {"aar": THIS_YEAR, "sorter": "titel"})) == [
        "Alfa",
        "Delta",
        "Epsilon",
        "Zeta",
    ]


def test_filters_combine(coordinator_client, catalogue, units):
    first = Pejlemaerke.objects.get(number=1)

    response = coordinator_client.get(
        STAFF, {"enhed": units["center"].pk, "pejlemaerke": first.pk, "status": "afsluttet"}
    )

    assert titles(response) == ["Gamma"]


def test_the_public_list_filters_only_among_public_trials(client, catalogue, units):
    assert titles(client.get(PUBLIC, {"status": "i_gang"})) == ["Alfa"]
    assert titles(client.get(PUBLIC, {"enhed": units["center"].pk, "sorter": "titel"})) == [
        "Alfa",
        "Epsilon",
        "Gamma",
    ]
    # A non-public status is not a choice on the public list; nothing private appears.
    submitted = client.get(PUBLIC, {"status": "indsendt", "sorter": "titel"})
    assert "Delta" not in titles(submitted) and "Zeta" not in titles(submitted)
    assert '<option value="indsendt"' not in submitted.content.decode()


def test_a_filter_with_no_match_says_so_in_danish(coordinator_client, catalogue):
    response = coordinator_client.get(STAFF, {"status": "afvist"})

    assert titles(response) == []
    assert "Ingen prøvehandlinger matcher filtrene." in response.content.decode()


# --- Sorting ------------------------------------------------------------------------------


def test_the_staff_list_sorts_by_title_start_date_and_status(coordinator_client, catalogue):
    assert titles(coordinator_client.get(STAFF, {"sorter": "titel"})) == [
        "Alfa",
        "Beta",
        "Delta",
        "Epsilon",
        "Gamma",
        "Zeta",
    ]
    by_start = titles(coordinator_client.get(STAFF, {"sorter": "start"}))
    assert by_start[:5] == ["Gamma", "Epsilon", "Beta", "Alfa", "Delta"]  # no start date last
    by_status = titles(coordinator_client.get(STAFF, {"sorter": "status"}))
    assert [Initiative.objects.get(title=t).status for t in by_status] == sorted(s.status for s in catalogue.values())


def test_the_default_order_is_most_recently_updated_first(coordinator_client, catalogue):
    Initiative.objects.filter(title="Gamma").update(updated_at=timezone.now() + dt.timedelta(minutes=5))

    assert titles(coordinator_client.get(STAFF))[0] == "Gamma"


def test_an_unknown_sort_falls_back_to_the_default(coordinator_client, catalogue):
    response = coordinator_client.get(STAFF, {"sorter": "drop table"})

    assert response.status_code == 200
    assert len(titles(response)) == 6


# --- Pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected", "pages"),
    [(STAFF, ["Delta", "Epsilon"], 3), (PUBLIC, ["Epsilon", "Gamma"], 2)],  # the public list has 4 of the 6
)
def test_page_two_shows_the_next_rows_and_links_keep_the_filters(
    coordinator_client, catalogue, settings, url, expected, pages
):
    settings.PAGE_SIZE = 2

    response = coordinator_client.get(url, {"sorter": "titel", "side": 2})

    assert titles(response) == expected
    html = response.content.decode()
    assert f"Side 2 af {pages}" in html
    assert "?sorter=titel&amp;side=1" in html
    assert ("?sorter=titel&amp;side=3" in html) == (pages == 3)


def test_a_page_number_past_the_end_shows_the_last_page(coordinator_client, catalogue, settings):
    settings.PAGE_SIZE = 4

    assert titles(coordinator_client.get(STAFF, {"sorter": "titel", "side": 99})) == ["Gamma", "Zeta"]
    assert titles(coordinator_client.get(STAFF, {"sorter": "titel", "side": "x"})) == [
        "Alfa",
        "Beta",
        "Delta",
        "Epsilon",
    ]


# --- htmx -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [STAFF, PUBLIC])
def test_an_htmx_filter_request_gets_only_the_results_partial(coordinator_client, catalogue, url):
    response = coordinator_client.get(url, {"status": "i_gang"}, headers={"HX-Request": "true", "HX-Target": "results"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and "<form" not in html
    assert ">Alfa</a>" in html and ">Gamma</a>" not in html


def test_an_htmx_request_for_another_target_gets_the_whole_page(coordinator_client, catalogue):
    response = coordinator_client.get(STAFF, headers={"HX-Request": "true", "HX-Target": "main-content"})

    assert "<html" in response.content.decode()


def test_the_filter_form_works_without_javascript(coordinator_client, catalogue):
    html = coordinator_client.get(STAFF).content.decode()

    assert f'<form method="get" class="filters" hx-get="{STAFF}" hx-target="#results"' in html
    assert '<button type="submit" class="button button-secondary">Filtrér</button>' in html


# --- Query counts ---------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def assert_flat(client, url, grow, params=None) -> int:
    """Count the page's queries, add rows with grow(), count again: the same number."""
    client.get(url, params or {})  # warm caches that belong to the process, not the page
    small = count_queries(client, url, params)
    grow()
    large = count_queries(client, url, params)
    assert small == large, f"{url}: {small} queries with few rows, {large} with many"
    print(f"{url}: {small} queries")  # noqa: T201 — the figure for the report (pytest -s)
    return small


@pytest.mark.parametrize("persona", ["coordinator", "manager", "initiator"])
def test_the_staff_list_query_count_does_not_grow_with_rows(client, request, units, initiator, persona):
    client.force_login(request.getfixturevalue(persona))
    # A full first page (PAGE_SIZE 25): a list that fits on one page skips its COUNT.
    add_rows(owner=initiator, unit=units["hjemmeplejen"], n=25, status=Status.SUBMITTED)

    queries = assert_flat(
        client,
        STAFF,
        lambda: add_rows(owner=initiator, unit=units["hjemmeplejen"], n=25, status=Status.SUBMITTED, prefix="Mere"),
    )

    assert queries <= 12


def test_the_public_list_query_count_does_not_grow_with_rows(client, units, initiator):
    # A full first page (PAGE_SIZE 25): a list that fits on one page skips its COUNT.
    add_rows(owner=initiator, unit=units["hjemmeplejen"], n=25)

    queries = assert_flat(
        client, PUBLIC, lambda: add_rows(owner=initiator, unit=units["jobcenter"], n=25, prefix="Mere")
    )

    assert queries <= 12


def test_mine_query_count_does_not_grow_with_rows(client, units, initiator):
    client.force_login(initiator)
    # A full first page (PAGE_SIZE 25): a list that fits on one page skips its COUNT.
    add_rows(owner=initiator, unit=units["hjemmeplejen"], n=25, status=Status.DRAFT)

    queries = assert_flat(
        client,
        reverse("initiatives:mine"),
        lambda: add_rows(owner=initiator, unit=units["hjemmeplejen"], n=25, status=Status.DRAFT, prefix="Mere"),
    )

    assert queries <= 12


def fill(initiative, *, n: int, start: int = 0) -> None:
    """n more of every related row the detail page shows."""
    members = [UserFactory(unit=initiative.owning_unit, roles=[roles.MEDARBEJDER]) for _ in range(n)]
    TeamMember.objects.bulk_create([TeamMember(initiative=initiative, user=user) for user in members])

    perms = list(Permission.objects.filter(codename__in=OBJECT_PERMS))
    InitiativeUserObjectPermission.objects.bulk_create(
        [
            InitiativeUserObjectPermission(content_object=initiative, user=user, permission=perm)
            for user in members
            for perm in perms
        ]
    )
    Indicator.objects.bulk_create(
        [
            Indicator(
                initiative=initiative,
                name=f"Indikator {start + i}",
                unit="antal",
                baseline=i,
                target=i + 1,
                order=start + i,
            )
            for i in range(n)
        ]
    )
    ExternalPartner.objects.bulk_create(
        [ExternalPartner(initiative=initiative, name=f"Partner {start + i}", kind="virksomhed") for i in range(n)]
    )
    RuleChallenge.objects.bulk_create(
        [RuleChallenge(initiative=initiative, rule=f"Regel {start + i}") for i in range(n)]
    )
    Attachment.objects.bulk_create(
        [
            Attachment(
                initiative=initiative,
                file=f"attachments/x/{start + i}",
                original_name=f"bilag{start + i}.pdf",
                content_type="application/pdf",
                size=10,
                uploaded_by=initiative.owner,
            )
            for i in range(n)
        ]
    )
    InitiativeEvent.objects.bulk_create(
        [
            InitiativeEvent(initiative=initiative, actor=initiative.owner, action="update", note=f"Note {start + i}")
            for i in range(n)
        ]
    )
    initiative.pejlemaerker.add(*Pejlemaerke.objects.all())


@pytest.mark.parametrize("persona", ["initiator", "coordinator", "anonymous"])
def test_the_detail_page_query_count_does_not_grow_with_its_rows(client, request, units, initiator, persona):
    status = Status.RUNNING if persona == "anonymous" else Status.DRAFT
    initiative = Initiative.objects.create(
        title="Detalje", owner=initiator, owning_unit=units["hjemmeplejen"], status=status
    )
    for perm in OBJECT_PERMS:
        assign_perm(perm, initiator, initiative)
    fill(initiative, n=5)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    queries = assert_flat(client, initiative.get_absolute_url(), lambda: fill(initiative, n=25, start=5))

    assert queries <= 25
    page = client.get(initiative.get_absolute_url()).content.decode()
    if persona != "anonymous":
        assert "Indikator 29" in page and "Partner 29" in page and "bilag29.pdf" in page
