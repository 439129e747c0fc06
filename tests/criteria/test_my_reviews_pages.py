"""Mine bedømmelser pages through a reviewer's assignments in order, every one exactly once, also
on the later pages that TailPaginator reads from the end (criteria.views.my_reviews)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria.models import ReviewAssignment
from initiatives.models import Initiative, Status


@pytest.mark.parametrize("tab", ["alle", "aabne"])
def test_every_assignment_once_in_order_on_every_page(client, settings, reviewer, coordinator, initiator, tab):
    settings.PAGE_SIZE = 5
    trials = Initiative.objects.bulk_create(
        [
            Initiative(title=f"Bedømt {n:02d}", owner=initiator, owning_unit=initiator.unit, status=Status.IN_REVIEW)
            for n in range(13)
        ]
    )
    today = timezone.localdate()
    ReviewAssignment.objects.bulk_create(
        [
            ReviewAssignment(
                initiative=trial, reviewer=reviewer, assigned_by=coordinator, due_date=today + dt.timedelta(days=n % 4)
            )  # ties in the due date
            for n, trial in enumerate(trials)
        ]
    )
    start = timezone.now()
    for n, assignment in enumerate(ReviewAssignment.objects.filter(reviewer=reviewer).order_by("pk")):
        # ties in the time assigned too, so the order needs its tie-break on pk
        ReviewAssignment.objects.filter(pk=assignment.pk).update(assigned_at=start - dt.timedelta(hours=n % 5))
    order = ("due_date", "pk") if tab == "aabne" else ("-assigned_at", "-pk")
    expected = list(
        ReviewAssignment.objects.filter(reviewer=reviewer).order_by(*order).values_list("initiative__title", flat=True)
    )

    client.force_login(reviewer)
    listed = []
    for side in (1, 2, 3):
        html = client.get(reverse("criteria:my_reviews"), {"vis": tab, "side": side}).content.decode()
        listed += re.findall(r"Bedømt \d\d", html)
    assert listed == expected
