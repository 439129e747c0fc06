"""Reads. Every list is permission-scoped and fetches its related rows up front, so a page's
query count does not grow with its rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from initiatives.models import PUBLIC_STATUSES, Initiative, Status
from initiatives.permissions import visible_initiatives
from initiatives.search import search
from slagelse_ou.lib.fold import Fold, folded, unfold

SORTS = {
    "opdateret": ("-updated_at", "-id"),
    "oprettet": ("-created_at", "-id"),
    "titel": ("title", "id"),
    "status": ("status", "-updated_at", "-id"),
    "start": ("start_date", "id"),
}
# Only with a search (`q`): best match first (initiatives/search.py ranks title hits highest).
RELEVANCE = ("-rank", "-updated_at", "-id")


@dataclass(frozen=True)
class InitiativeFilters:
    q: str = ""
    outcome: str = ""
    status: str = ""
    unit: int | None = None
    pejlemaerke: int | None = None
    year: int | None = None
    sort: str = "opdateret"


def _apply_filters(qs: QuerySet[Initiative], filters: InitiativeFilters) -> QuerySet[Initiative]:
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.unit:
        qs = qs.in_unit_subtree(filters.unit)
    if filters.pejlemaerke:
        qs = qs.filter(pejlemaerker=filters.pejlemaerke)
    if filters.year:
        tz = timezone.get_current_timezone()
        start = dt.datetime(filters.year, 1, 1, tzinfo=tz)
        qs = qs.filter(created_at__gte=start, created_at__lt=start.replace(year=filters.year + 1))
    if filters.q:
        # The snippet comes from the public text fields; `headline` is marked up by
        # initiatives.search.highlight in the template (escaped first).
        snippet = Concat(F("summary"), Value(" "), F("problem"), Value(" "), F("idea"), output_field=TextField())
        qs = search(qs, filters.q, headline_of=snippet)
        if filters.sort == "relevans":
            return qs.order_by(*RELEVANCE)
    order = SORTS.get(filters.sort, SORTS["opdateret"])
    if filters.year:
        # A prøvehandling is updated soon after it is created, which PostgreSQL's statistics
        # cannot know: for an early year it walked the updated_at index from today back to
        # that year (150 ms at 100,000 rows). Sorting by an expression of updated_at (same
        # order) makes it take the year's rows from the created_at index and sort only those.
        order = [(F("updated_at") + dt.timedelta(0)).desc() if key == "-updated_at" else key for key in order]
    return qs.order_by(*order)


def initiative_list_for_user(*, user, filters: InitiativeFilters) -> QuerySet[Initiative]:
    return _apply_filters(visible_initiatives(user).with_list_data(), filters)


def initiative_public_list(*, filters: InitiativeFilters) -> QuerySet[Initiative]:
    return _apply_filters(Initiative.objects.public().with_list_data(), filters)


def initiative_mine(*, user) -> QuerySet[Initiative]:
    return Initiative.objects.involving(user).with_list_data().order_by("-updated_at", "-id")


def initiative_public_latest(*, limit: int) -> list[Initiative]:
    return list(Initiative.objects.public().select_related("owning_unit").order_by("-updated_at", "-id")[:limit])


def initiative_public_counts() -> dict[str, int]:
    rows = Initiative.objects.public().values("status").annotate(n=Count("pk")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return {status.label: counts.get(status.value, 0) for status in Status if status.value in PUBLIC_STATUSES}


# The detail page's lists, folded into the page's one read of the row (slagelse_ou/lib/fold.py).
PUBLIC_FOLDS = (Fold("pejlemaerker"), Fold("mantras"), Fold("indicators"))
PRIVATE_FOLDS = (
    Fold("partners"),
    Fold("rule_challenges"),
    Fold("attachments"),
    Fold("team", related=("user", "user__unit")),
    Fold("events", related=("actor",)),
)


def initiative_detail_queryset() -> QuerySet[Initiative]:
    """For `get_initiative_for_user(…, queryset=…)`: the row with every list of the page."""
    return folded(
        Initiative.objects.select_related("owning_unit", "owner", "copied_from"), *PUBLIC_FOLDS, *PRIVATE_FOLDS
    )


def initiative_detail_unfold(initiative: Initiative, *, private: bool) -> Initiative:
    """Turn the folded lists into related objects. For a reader without access to the
    private parts they are dropped, so no template can show them by mistake."""
    unfold(initiative, *PUBLIC_FOLDS)
    if private:
        return unfold(initiative, *PRIVATE_FOLDS)
    for fold in PRIVATE_FOLDS:
        initiative.__dict__.pop(fold.annotation, None)
    return unfold(initiative, *PRIVATE_FOLDS)  # each list empty


def initiative_detail(*, pk: int) -> Initiative:
    """The detail page's row for someone already authorised to see its private parts."""
    return initiative_detail_unfold(initiative_detail_queryset().get(pk=pk), private=True)
