"""The coordinator's principle × reviewer matrix costs the same number of queries whatever
the number of reviewers or principles (criteria/selectors.py: review_matrix)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria import services
from criteria.models import ManagerEndorsement
from initiatives import services as lifecycle
from slagelse_ou import roles
from tests.criteria.helpers import due, submit_review
from tests.factories import UserFactory, make_initiative


def reviewed_initiative(*, owner, manager, coordinator, reviewers):
    initiative = make_initiative(owner=owner)
    lifecycle.initiative_submit(initiative_id=initiative.pk, actor=owner)
    services.endorsement_record(initiative_id=initiative.pk, actor=manager, verdict=ManagerEndorsement.Verdict.ENDORSED)
    services.reviewers_assign(initiative_id=initiative.pk, actor=coordinator, reviewers=reviewers, due_date=due())
    for index, reviewer in enumerate(reviewers):
        submit_review(initiative, reviewer, verdict=["opfyldt", "delvist_opfyldt", "ikke_opfyldt"][index % 3])
    return initiative


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_matrix_query_count_does_not_grow_with_reviewers_or_principles(
    client, initiator, manager, coordinator, committee_member, units
):
    reviewers = [UserFactory(unit=units["jobcenter"], roles=[roles.KRITERIEBEDOMMER]) for _ in range(6)]
    small = reviewed_initiative(owner=initiator, manager=manager, coordinator=coordinator, reviewers=reviewers[:2])

    # A new version with three principles, then a round with six reviewers under it.
    v2 = services.criteria_set_create(
        actor=None,
        name="Tre principper",
        approved_by="Økonomiudvalget",
        approved_on=dt.date(2027, 1, 1),
        texts=["Et", "To", "Tre"],
    )
    services.criteria_set_publish(actor=None, criteria_set_id=v2.pk)
    large = reviewed_initiative(owner=initiator, manager=manager, coordinator=coordinator, reviewers=reviewers)

    for user in (coordinator, committee_member):
        client.force_login(user)
        small_count, small_page = count_queries(client, reverse("criteria:overview", args=[small.pk]))
        large_count, large_page = count_queries(client, reverse("criteria:overview", args=[large.pk]))
        assert small_page.count('<th scope="row" lang="da">') >= 9
        assert all(str(r) in large_page for r in reviewers)
        assert small_count == large_count, f"{user}: {small_count} vs {large_count}"
        assert small_count <= 30


def test_my_reviews_query_count_does_not_grow_with_assignments(client, initiator, manager, coordinator, units):
    reviewer = UserFactory(unit=units["jobcenter"], roles=[roles.KRITERIEBEDOMMER])
    colleague = UserFactory(unit=units["jobcenter"], roles=[roles.KRITERIEBEDOMMER])
    reviewed_initiative(owner=initiator, manager=manager, coordinator=coordinator, reviewers=[reviewer, colleague])
    client.force_login(reviewer)
    url = reverse("criteria:my_reviews") + "?vis=alle"
    few, _page = count_queries(client, url)
    for _ in range(5):
        reviewed_initiative(owner=initiator, manager=manager, coordinator=coordinator, reviewers=[reviewer, colleague])
    many, page = count_queries(client, url)
    assert page.count("2/2 færdige") == 6
    assert few == many
