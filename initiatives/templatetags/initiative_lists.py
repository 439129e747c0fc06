"""The rows of the lists of prøvehandlinger (templates/initiatives/_table.html).

A list page renders 25 rows. Through the template language each row cost ~0.3 ms on the
bench machine (a URL tag, a date filter, `get_status_display` translating every label to
hash it, a failed lookup of the search headline, the variable lookups themselves): the
table took 10 ms, a third of the page (`make bench`). Built here it takes ~1 ms: what is
the same for every row (the URL around the id, the labels in the request's language, the
time zone) is worked out once per page.
tests/initiatives/test_list_rows.py holds the output equal to the template's.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from initiatives.models import Status
from initiatives.search import highlight

register = template.Library()

# Reversed once per page; the id's digits are then put where these were (the URL takes an int).
_ID_PLACEHOLDER = "987654321"


@register.simple_tag
def initiative_rows(initiatives) -> SafeString:
    """One `<tr>` per prøvehandling: title (linked, with the search snippet), unit, status
    and the day it was last updated (`|date:"j. F Y"` in the municipality's time zone).
    Every value is escaped; the snippet is escaped and marked up by search.highlight."""
    url_head, url_tail = escape(reverse("initiatives:detail", args=[_ID_PLACEHOLDER])).split(_ID_PLACEHOLDER)
    statuses = {value: escape(label) for value, label in Status.choices}
    months = {number: escape(name) for number, name in MONTHS.items()}
    tz = timezone.get_current_timezone() if settings.USE_TZ else None
    rows = []
    for initiative in initiatives:
        updated = initiative.updated_at
        if tz is not None and timezone.is_aware(updated):
            updated = updated.astimezone(tz)
        # `headline` exists only on a search's rows (selectors._apply_filters).
        headline = initiative.__dict__.get("headline")
        snippet = f'<br><span class="search-snippet">{highlight(headline)}</span>' if headline else ""
        rows.append(
            f'<tr><td><a href="{url_head}{initiative.pk}{url_tail}">{conditional_escape(initiative.title)}</a>'
            f"{snippet}</td><td>{conditional_escape(initiative.owning_unit.name)}</td>"
            f'<td><span class="status-tag">{statuses.get(initiative.status) or escape(initiative.status)}</span></td>'
            f"<td>{updated.day}. {months[updated.month]} {updated.year:04d}</td></tr>"
        )
    return mark_safe("\n".join(rows))
