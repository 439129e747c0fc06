"""Reads. Every list is permission-scoped and fetches its related rows up front, so a page's
query count does not grow with its rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet, TextField, Value, prefetch_related_objects
from django.db.models.functions import Concat
from django.utils import timezone
from redis import RedisError

from initiatives.models import (
    PUBLIC_STATUSES,
    Initiative,
    InitiativeEvent,
    InitiativeQuerySet,
    Pejlemaerke,
    Status,
    TeamMember,
)
from initiatives.permissions import visible_initiatives, with_object_perms
from initiatives.search import search
from slagelse_ou.models import OrgUnit, User

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


def _apply_filters(qs: InitiativeQuerySet, filters: InitiativeFilters) -> InitiativeQuerySet:
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.unit:
        # The unit and the units below it as a list of ids, not a join on their paths: the
        # planner estimates `owning_unit_id IN (…)` from its statistics, where the join left it
        # guessing, and it walked a whole sort index for a unit with no matches (100 ms at
        # 100,000; `make bench`).
        qs = qs.filter(owning_unit__in=unit_subtree_ids(filters.unit))
    if filters.pejlemaerke:
        qs = qs.with_pejlemaerke(filters.pejlemaerke)
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
    if filters.year and filters.sort != "titel":
        # A prøvehandling is updated and started soon after it is created, and its status
        # follows its age, which PostgreSQL's statistics cannot know: for an early year it
        # walked the updated_at (or start_date, or status) index from one end, reading most of
        # the table to find the year's rows (45–150 ms at 100,000 rows). Sorting by expressions
        # of the same order makes it take the year's rows from the created_at index (which
        # covers the list's columns) and sort only those. created_at itself is that index's
        # order already, and titles have nothing to do with the year: walking the title index
        # finds a year's page soon (13 → 2 ms for a year at 100,000).
        order = tuple(_unindexed(key) for key in order)
    return qs.order_by(*order)


# Each sort column as an expression that sorts the same but that no index provides.
_UNINDEXED = {
    "updated_at": lambda: F("updated_at") + dt.timedelta(0),
    "start_date": lambda: F("start_date") + dt.timedelta(0),  # a timestamp at midnight; NULL stays NULL
    "status": lambda: Concat(F("status"), Value("")),
    "title": lambda: Concat(F("title"), Value("")),
}


def _unindexed(key: str):
    name = key.lstrip("-")
    if name not in _UNINDEXED:
        return key
    expression = _UNINDEXED[name]()
    return expression.desc() if key.startswith("-") else expression.asc()


def sorted_after_filtering(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """The same list in the same order, but by expressions no index provides, so PostgreSQL
    reads the matches through the filters' indexes and sorts them, instead of walking a sort
    index to find them. For a list known to have few matches (CappedPaginator's `few`)."""
    return qs.order_by(*(_unindexed(key) if isinstance(key, str) else key for key in qs.query.order_by))


def initiative_list_for_user(*, user, filters: InitiativeFilters) -> QuerySet[Initiative]:
    # The status filter goes to the visibility rule, which it simplifies (see there).
    visible = visible_initiatives(user, status=filters.status)
    return _apply_filters(visible.with_list_data(), dataclasses.replace(filters, status=""))


def initiative_public_list(*, filters: InitiativeFilters) -> QuerySet[Initiative]:
    return _apply_filters(Initiative.objects.public().with_list_data(), filters)


def initiative_mine(*, user) -> QuerySet[Initiative]:
    return Initiative.objects.involving(user).with_list_data().order_by("-updated_at", "-id")


# The units and pejlemærker the list filters offer (forms.FilterForm) are the same on every
# list page; reading them there cost two queries and ~1.5 ms a page (`make bench`). They are
# kept in the cache, which initiatives/apps.py empties when a unit or pejlemærke is saved or
# deleted. The timeout bounds how long a write that sends no signal (bulk_create, a queryset
# update, SQL) can leave old choices.
FILTER_CHOICES_TIMEOUT = 15 * 60


def _filter_choices_key() -> str:
    # One Redis serves the development, bench and test databases: the key names the database.
    # The version changes with the value's shape, so a deploy never reads an older one.
    return f"initiatives:filter-choices:v2:{connection.settings_dict['NAME']}"


def initiative_filter_choices() -> dict[str, list[tuple]]:
    """{"units": [(pk, label)], "pejlemaerker": [(pk, text)], "tree": [(pk, path, name)]}:
    every unit in tree order, indented by its depth (OrgUnit.depth), the pejlemærker in their
    order, and each unit's path and name (`unit_subtree_ids`, the chosen unit's feed). Without Redis they are read from the
    database."""
    key = _filter_choices_key()
    choices = None
    with suppress(RedisError):
        choices = cache.get(key)
    if choices is None:
        units = OrgUnit.objects.order_by("path").values_list("pk", "name", "path")
        choices = {
            "units": [(pk, "— " * (path.count("/") - 2) + name) for pk, name, path in units],
            "pejlemaerker": list(Pejlemaerke.objects.order_by("number").values_list("pk", "text")),
            "tree": [(pk, path, name) for pk, name, path in units],
        }
        with suppress(RedisError):
            cache.set(key, choices, FILTER_CHOICES_TIMEOUT)
    return choices


def unit_subtree_ids(unit_id: int) -> list[int]:
    """The unit and every unit below it (an empty list for an unknown unit)."""
    tree = initiative_filter_choices()["tree"]
    prefix = next((path for pk, path, _name in tree if pk == unit_id), None)
    return [pk for pk, path, _name in tree if prefix and path.startswith(prefix)]


def initiative_filter_choices_forget(**signal_kwargs) -> None:
    """Forget the cached filter choices now, and again at commit: a list page read between
    the write and its commit may have put the old ones back."""
    key = _filter_choices_key()

    def forget() -> None:
        with suppress(RedisError):
            cache.delete(key)

    forget()
    transaction.on_commit(forget, using=signal_kwargs.get("using"))


def colleagues(*, exclude: Sequence[int] = ()) -> QuerySet[User]:
    """Who can join a team: active employees with a unit."""
    return User.objects.filter(is_active=True, unit__isnull=False).exclude(pk__in=exclude)


def colleague_matches(text: str, *, exclude: Sequence[int] = (), limit: int = 11) -> list[tuple[int, str]]:
    """Colleagues matching what was typed, as (pk, "Name (Unit)"), by name: an exact
    username or e-mail is the one meant; otherwise every word must begin a first name, last
    name or username (or appear in the name, for a word of three letters or more)."""
    words = text.split()
    if not words:
        return []
    qs = colleagues(exclude=exclude)
    exact = qs.filter(Q(username__iexact=text) | Q(email__iexact=text))
    for word in words:
        starts = Q(first_name__istartswith=word) | Q(last_name__istartswith=word) | Q(username__istartswith=word)
        if len(word) >= 3:
            starts |= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        qs = qs.filter(starts)
    rows = (exact if exact.exists() else qs).order_by("first_name", "last_name", "username")[:limit]
    return [
        (pk, f"{f'{first} {last}'.strip() or username} ({unit})")
        for pk, first, last, username, unit in rows.values_list(
            "pk", "first_name", "last_name", "username", "unit__name"
        )
    ]


def initiative_public_latest(*, limit: int) -> list[Initiative]:
    return list(Initiative.objects.public().select_related("owning_unit").order_by("-updated_at", "-id")[:limit])


def initiative_public_counts() -> dict[str, int]:
    rows = Initiative.objects.public().values("status").annotate(n=Count("pk")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return {str(status.label): counts.get(status.value, 0) for status in Status if status.value in PUBLIC_STATUSES}


# The detail page's lists: the public ones for everyone, the private ones only for a reader
# who may see them (for anyone else they are not read at all, and the template shows them only
# `{% if private %}`).
PUBLIC_LISTS = ("pejlemaerker", "mantras", "indicators")
PRIVATE_LISTS = (
    "partners",
    "rule_challenges",
    "attachments",
    Prefetch("team", queryset=TeamMember.objects.select_related("user", "user__unit")),
    Prefetch("events", queryset=InitiativeEvent.objects.select_related("actor")),
)


def _detail_row() -> InitiativeQuerySet:
    # The search vector is the row's widest column, and no page shows it.
    return Initiative.objects.select_related("owning_unit", "owner").defer("search_vector")


def initiative_for_detail(*, user, pk: int) -> Initiative | None:
    """The detail page's row with its unit, owner and the reader's object permissions, in one
    query. Not yet authorised (`initiatives.permissions.authorise_view`), and without its
    lists: `initiative_detail_lists` adds them once it is known what the reader may see."""
    return with_object_perms(_detail_row(), user).filter(pk=pk).first()


def initiative_detail_lists(initiative: Initiative, *, private: bool) -> Initiative:
    """Prefetch the lists the detail page shows: the public ones always, the private ones only
    when `private` (the reader may see them)."""
    prefetch_related_objects([initiative], *PUBLIC_LISTS, *(PRIVATE_LISTS if private else ()))
    return initiative


def initiative_detail(*, pk: int) -> Initiative:
    """The detail page's row for someone already authorised to see its private parts."""
    return initiative_detail_lists(_detail_row().get(pk=pk), private=True)
