"""Reads of ideas: the public list (published ideas only), the coordinators' triage queue,
and the suggestions of "Er det prøvet før?"."""

from __future__ import annotations

from django.contrib.postgres.search import SearchRank
from django.db.models import F, QuerySet

from ideas.models import Idea, IdeaEvent, IdeaStatus
from initiatives.models import Initiative
from initiatives.search import search, similar_query

SIMILAR_LIMIT = 5


def idea_public_list(*, q: str = "", area: str = "", status: str = "") -> QuerySet[Idea]:
    qs = Idea.objects.public()
    if area:
        qs = qs.filter(area=area)
    if status:
        qs = qs.filter(status=status)
    if q.strip():
        return search(qs, q, headline_of=F("description")).order_by("-rank", "-published_at", "-id")
    return qs.order_by("-published_at", "-id")


def idea_public_detail(*, pk: int) -> Idea | None:
    return Idea.objects.public().select_related("initiative", "merged_into").filter(pk=pk).first()


def idea_triage_list(*, status: str = "", q: str = "") -> QuerySet[Idea]:
    qs = Idea.objects.for_triage()
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=(IdeaStatus.RECEIVED, IdeaStatus.PUBLISHED))
    if q.strip():
        return search(qs, q, headline_of=F("description")).order_by("-rank", "-created_at", "-id")
    return qs.order_by("created_at", "id")  # oldest first: a queue


def idea_triage_detail(*, pk: int) -> Idea | None:
    return (
        Idea.objects.for_triage()
        .select_related("initiative", "merged_into")
        .prefetch_related("merged_ideas")
        .filter(pk=pk)
        .first()
    )


def idea_events(*, idea: Idea) -> QuerySet[IdeaEvent]:
    return idea.events.select_related("actor")


def similar_items(*, texts: list[str], exclude_initiative: int | None = None) -> dict[str, list]:
    """Public prøvehandlinger and published ideas that share words with a draft, best first.

    Only public rows: the person writing may be anyone on the staff, and a suggestion must
    not show them what they could not open."""
    query = similar_query(*texts)
    if query is None:
        return {"initiatives": [], "ideas": []}
    trials = Initiative.objects.public().filter(search_vector=query).select_related("owning_unit")
    if exclude_initiative:
        trials = trials.exclude(pk=exclude_initiative)
    ideas = Idea.objects.public().filter(search_vector=query)
    rank = SearchRank(F("search_vector"), query)
    return {
        "initiatives": list(trials.annotate(rank=rank).order_by("-rank", "-updated_at")[:SIMILAR_LIMIT]),
        "ideas": list(ideas.annotate(rank=rank).order_by("-rank", "-published_at")[:SIMILAR_LIMIT]),
    }
