"""Danish numbers for templates and PDFs, and the results panel on the prøvehandling's detail
page (`{% results_panel initiative as results %}`), computed here so the initiatives view
needs no knowledge of status reports or evaluations."""

from __future__ import annotations

from django import template

from results import selectors
from results.charts import number

register = template.Library()


@register.filter
def dk_number(value) -> str:
    """1234.5 → "1.234,5" in Danish (the active language's format), "—" for nothing."""
    return number(value)


@register.simple_tag(takes_context=True)
def results_panel(context, initiative) -> selectors.ResultsPanel:
    return selectors.results_panel(
        initiative=initiative, user=context["request"].user, private=bool(context.get("private"))
    )
