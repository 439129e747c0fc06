"""The lists' sort orders hold with every filter; with a year filter the default order is
computed after filtering (selectors._apply_filters says why), and must stay the same."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from initiatives.models import Initiative
from initiatives.selectors import InitiativeFilters, initiative_list_for_user
from tests.factories import make_initiative


def test_a_year_filter_lists_that_years_initiatives_most_recently_updated_first(initiator, coordinator):
    tz = timezone.get_current_timezone()
    created = dt.datetime(2024, 3, 1, tzinfo=tz)
    rows = {
        "gammel": (created, dt.datetime(2024, 4, 1, tzinfo=tz)),
        "nyeste": (created, dt.datetime(2025, 6, 1, tzinfo=tz)),
        "midt": (created, dt.datetime(2024, 9, 1, tzinfo=tz)),
        "andet år": (dt.datetime(2023, 5, 1, tzinfo=tz), dt.datetime(2026, 1, 1, tzinfo=tz)),
    }
    for title, (created_at, updated_at) in rows.items():
        initiative = make_initiative(owner=initiator, title=title)
        # A reading test: the timestamps are set directly (auto_now would overwrite them).
        Initiative.objects.filter(pk=initiative.pk).update(created_at=created_at, updated_at=updated_at)

    def titles(**filters) -> list[str]:
        qs = initiative_list_for_user(user=coordinator, filters=InitiativeFilters(**filters))
        return list(qs.values_list("title", flat=True))

    assert titles(year=2024) == ["nyeste", "midt", "gammel"]
    assert titles(year=2024, sort="status") == ["nyeste", "midt", "gammel"]
    assert titles() == ["andet år", "nyeste", "midt", "gammel"]
