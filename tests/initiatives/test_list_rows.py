"""The list rows built in Python (initiatives/templatetags/initiative_lists.py) are the rows
the template language built before: same markup, escaping, translations, dates in the
municipality's time zone, and the search snippet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

from initiatives.models import Initiative, Status
from initiatives.search import MARK_START, MARK_STOP
from initiatives.selectors import InitiativeFilters, initiative_list_for_user
from initiatives.templatetags.initiative_lists import initiative_rows

# The row as templates/initiatives/_table.html wrote it before it moved to Python.
TEMPLATE_ROWS = engines["django"].from_string(
    "{% load openness %}{% for initiative in initiatives %}"
    """<tr><td><a href="{% url 'initiatives:detail' initiative.pk %}">{{ initiative.title }}</a>"""
    """{% if initiative.headline %}<br><span class="search-snippet">{{ initiative.headline|highlight }}</span>"""
    "{% endif %}</td><td>{{ initiative.owning_unit.name }}</td>"
    """<td><span class="status-tag">{{ initiative.get_status_display }}</span></td>"""
    """<td>{{ initiative.updated_at|date:"j. F Y" }}</td></tr>\n{% endfor %}"""
)
UTC = dt.UTC


def template_rows(initiatives) -> str:
    return TEMPLATE_ROWS.render({"initiatives": initiatives}).strip()


def rows(user, **filters) -> list[Initiative]:
    return list(initiative_list_for_user(user=user, filters=InitiativeFilters(**filters)))


@pytest.fixture
def listed(units, initiator):
    """Titles and a unit name that need escaping, every status, and update times either side
    of midnight in Copenhagen (22:30 UTC is the next day there in summer)."""
    units["hjemmeplejen"].name = 'Hjemme & "pleje" <nord>'
    units["hjemmeplejen"].save()
    times = [
        dt.datetime(2024, 3, 31, 22, 30, tzinfo=UTC),
        dt.datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
        dt.datetime(2025, 1, 1, 0, 30, tzinfo=UTC),
        dt.datetime(2023, 7, 9, 12, 0, tzinfo=UTC),
    ]
    for number, status in enumerate(Status.values):
        initiative = Initiative.objects.create(
            title=f"Ældre <b>&</b> 'unge' {number}",
            summary="Fælles spisning for ældre og unge.",
            owner=initiator,
            owning_unit=units["hjemmeplejen"],
            status=status,
        )
        Initiative.objects.filter(pk=initiative.pk).update(updated_at=times[number % len(times)])


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_rows_are_the_rows_the_template_wrote(listed, coordinator, language):
    initiatives = rows(coordinator)
    assert len(initiatives) == len(Status.values)
    with translation.override(language):
        assert initiative_rows(initiatives) == template_rows(initiatives)


def test_a_search_row_carries_the_same_highlighted_snippet(listed, coordinator):
    initiatives = rows(coordinator, q="spisning", sort="relevans")
    assert initiatives and all(initiative.headline for initiative in initiatives)
    html = initiative_rows(initiatives)

    assert html == template_rows(initiatives)
    assert '<span class="search-snippet">' in html and "<mark>" in html
    assert MARK_START not in html and MARK_STOP not in html


def test_the_date_is_the_day_in_copenhagen_with_the_month_translated(listed, coordinator):
    first = min(rows(coordinator), key=lambda initiative: initiative.pk)  # updated 22:30 UTC on 31 March 2024
    with translation.override("da"):
        assert "<td>1. april 2024</td>" in initiative_rows([first])
    with translation.override("en"):
        assert "<td>1. April 2024</td>" in initiative_rows([first])
