"""Template helpers for search results and "Er det prøvet før?"."""

from __future__ import annotations

from django import template

from ideas.selectors import similar_items
from initiatives.search import highlight as _highlight

register = template.Library()


@register.filter
def highlight(value: str):
    """A search headline as safe HTML: the text escaped, the hits in <mark>."""
    return _highlight(value)


@register.simple_tag
def similar_for_form(form, initiative=None) -> dict:
    """Suggestions for the application form as rendered by the server (so they are there
    without JavaScript too): from what was posted, else from the saved draft."""
    names = ("title", "summary", "problem", "idea")
    if form.is_bound:
        texts = [str(form.data.get(name, "")) for name in names]
    elif initiative is not None:
        texts = [getattr(initiative, name) for name in names]
    else:
        texts = []
    return similar_items(texts=texts, exclude_initiative=initiative.pk if initiative else None)
