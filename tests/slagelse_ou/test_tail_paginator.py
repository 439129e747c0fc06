"""TailPaginator (slagelse_ou/lib/paginator.py) gives every page exactly as Django's Paginator
does, orphans included, and reads the second half from the end, so the last page of a long
list needs no OFFSET."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from slagelse_ou.lib.paginator import TailPaginator
from slagelse_ou.models import OrgUnit


@pytest.fixture
def rows(db):
    root = OrgUnit.objects.create(name="Kommune", kind="kommune", path="/x/")
    # Names with ties, so the order needs its tie-break on pk.
    OrgUnit.objects.bulk_create(
        [OrgUnit(name=f"Enhed {n % 7}", kind="enhed", parent=root, path=f"/x/{n}/") for n in range(53)]
    )
    return OrgUnit.objects.filter(parent=root).order_by("name", "pk")


@pytest.mark.parametrize(("per_page", "orphans"), [(10, 0), (10, 5), (19, 9), (53, 0), (100, 3)])
def test_every_page_is_the_same_as_djangos(rows, per_page, orphans):
    plain, tail = Paginator(rows, per_page, orphans=orphans), TailPaginator(rows, per_page, orphans=orphans)
    assert tail.num_pages == plain.num_pages
    for number in tail.page_range:
        expected, got = plain.page(number), tail.page(number)
        assert list(got) == list(expected), number
        assert (got.start_index(), got.end_index(), got.has_next()) == (
            expected.start_index(),
            expected.end_index(),
            expected.has_next(),
        )


def test_the_last_page_is_read_without_an_offset(rows):
    tail = TailPaginator(rows, 10, orphans=5)
    tail.count  # noqa: B018 — counted before, as a page view does
    with CaptureQueriesContext(connection) as captured:
        list(tail.page(tail.num_pages))
    sql = captured.captured_queries[-1]["sql"]
    assert "OFFSET" not in sql and 'ORDER BY "slagelse_ou_orgunit"."name" DESC' in sql
