"""Atom feeds of public prøvehandlinger: all of them, and per unit (the unit and the units
below it). An entry is new when a trial becomes public and changes whenever it is updated.

Only public fields are written, the same as the public page shows. Atom's summary is
declared as HTML, so the summary text is escaped here — a "<" typed into a summary must
reach a feed reader as text, not as markup.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from initiatives.models import Initiative
from slagelse_ou.models import OrgUnit

FEED_SIZE = 50


class PublicInitiativesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, unit_id: int | None = None) -> OrgUnit | None:
        return get_object_or_404(OrgUnit, pk=unit_id) if unit_id is not None else None

    def title(self, unit: OrgUnit | None) -> str:
        if unit is None:
            return _("Prøvehandlinger i Slagelse Kommune")
        return _("Prøvehandlinger i %(unit)s, Slagelse Kommune") % {"unit": unit.name}

    def subtitle(self, unit: OrgUnit | None) -> str:
        return _("Nye og ændrede godkendte, igangværende og afsluttede prøvehandlinger.")

    def link(self, unit: OrgUnit | None) -> str:
        url = reverse("initiatives:public_list")
        return f"{url}?enhed={unit.pk}" if unit else url

    def feed_url(self, unit: OrgUnit | None) -> str:
        if unit is None:
            return reverse("openness:feed")
        return reverse("openness:unit_feed", args=[unit.pk])

    def items(self, unit: OrgUnit | None):
        qs = Initiative.objects.public().select_related("owning_unit")
        if unit is not None:
            qs = qs.filter(owning_unit__path__startswith=unit.path)
        return qs.order_by("-updated_at", "-id")[:FEED_SIZE]

    def item_title(self, item: Initiative) -> str:
        return item.title

    def item_description(self, item: Initiative) -> str:
        # linebreaks_filter escapes (autoescape=True) before it adds <p> and <br>.
        return linebreaks_filter(item.summary or item.idea, autoescape=True)

    def item_link(self, item: Initiative) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Initiative):
        return item.decided_at or item.created_at

    def item_updateddate(self, item: Initiative):
        return item.updated_at

    def item_author_name(self, item: Initiative) -> str:
        return item.owning_unit.name

    def item_categories(self, item: Initiative) -> list[str]:
        labels = [str(item.get_status_display())]
        if item.outcome:
            labels.append(str(item.get_outcome_display()))
        return labels
