"""Reads. Every list is permission-scoped and fetches its related rows up front, so a page's
query count does not grow with its rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from initiatives.models import PUBLIC_STATUSES, Initiative, InitiativeEvent, Status, TeamMember
from initiatives.permissions import visible_initiatives

SORTS = {
    "opdateret": ("-updated_at", "-id"),
    "oprettet": ("-created_at", "-id"),
    "titel": ("title", "id"),
    "status": ("status", "-updated_at", "-id"),
    "start": ("start_date", "id"),
}


@dataclass(frozen=True)
class InitiativeFilters:
    status: str = ""
    unit: int | None = None
    pejlemaerke: int | None = None
    year: int | None = None
    sort: str = "opdateret"


def _apply_filters(qs: QuerySet[Initiative], filters: InitiativeFilters) -> QuerySet[Initiative]:
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit:
        from slagelse_ou.models import OrgUnit

        path = OrgUnit.objects.filter(pk=filters.unit).values_list("path", flat=True).first() or "-"
        qs = qs.filter(owning_unit__path__startswith=path)
    if filters.pejlemaerke:
        qs = qs.filter(pejlemaerker=filters.pejlemaerke)
    if filters.year:
        tz = timezone.get_current_timezone()
        start = dt.datetime(filters.year, 1, 1, tzinfo=tz)
        qs = qs.filter(created_at__gte=start, created_at__lt=start.replace(year=filters.year + 1))
    return qs.order_by(*SORTS.get(filters.sort, SORTS["opdateret"]))


def initiative_list_for_user(*, user, filters: InitiativeFilters) -> QuerySet[Initiative]:
    return _apply_filters(visible_initiatives(user).with_list_data(), filters)


def initiative_public_list(*, filters: InitiativeFilters) -> QuerySet[Initiative]:
    return _apply_filters(Initiative.objects.public().select_related("owning_unit"), filters)


def initiative_mine(*, user) -> QuerySet[Initiative]:
    return Initiative.objects.involving(user).with_list_data().order_by("-updated_at", "-id")


def initiative_public_latest(*, limit: int) -> list[Initiative]:
    return list(Initiative.objects.public().select_related("owning_unit").order_by("-updated_at", "-id")[:limit])


def initiative_public_counts() -> dict[str, int]:
    rows = Initiative.objects.public().values("status").annotate(n=Count("pk")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return {status.label: counts.get(status.value, 0) for status in Status if status.value in PUBLIC_STATUSES}


def initiative_detail(*, pk: int) -> Initiative:
    return (
        Initiative.objects.select_related("owning_unit", "owner", "copied_from")
        .prefetch_related(
            "pejlemaerker",
            "mantras",
            "indicators",
            "partners",
            "rule_challenges",
            "attachments",
            Prefetch("team", queryset=TeamMember.objects.select_related("user", "user__unit")),
            Prefetch("events", queryset=InitiativeEvent.objects.select_related("actor")),
        )
        .get(pk=pk)
    )
