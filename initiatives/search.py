"""Full-text search with PostgreSQL's `danish` configuration: the public and staff lists of
prøvehandlinger, the list of published ideas and "Er det prøvet før?".

Both searchable models keep a stored generated `search_vector` column (GIN-indexed), so a
search is an index lookup and never sees stale text. Only fields that the public pages
show go into a vector: a match on a private word (a risk, a partner's name, a citizen's
e-mail) would tell anyone that the word is there — a search oracle.

This module must not import models (initiatives.models imports it for the vector).
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import F, QuerySet
from django.db.models.expressions import CombinedExpression
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SEARCH_CONFIG = "danish"
# Headlines are built by PostgreSQL from user text, so they cannot be trusted as HTML. It
# marks the hits with two private-use characters instead of tags; `highlight` escapes the
# text and only then turns the markers into <mark>.
MARK_START, MARK_STOP = "\ue000", "\ue001"
MAX_QUERY_LENGTH = 200
# "Er det prøvet før?" ORs the distinctive words of a draft; more words add noise, not hits.
SIMILAR_MAX_WORDS = 40
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_STOP}]*){MARK_STOP}")
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def _vector(*fields: str, weight: str) -> SearchVector:
    return SearchVector(*fields, weight=weight, config=SEARCH_CONFIG)


def initiative_search_vector() -> CombinedExpression:
    """Title first, then summary, problem and idea, then hypothesis and expected effect —
    the public fields of a prøvehandling (templates/initiatives/initiative_detail.html)."""
    return (
        _vector("title", weight="A")
        + _vector("summary", weight="B")
        + _vector("problem", "idea", weight="C")
        + _vector("hypothesis", "expected_effect", weight="D")
    )


def idea_search_vector() -> CombinedExpression:
    """An idea's title and description (public once the idea is published); never the
    submitter's name or e-mail."""
    return _vector("title", weight="A") + _vector("description", weight="B")


def search_query(text: str) -> SearchQuery | None:
    """What a person typed, as web-search syntax ("ord", -ikke, or); None if empty."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return None
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def similar_query(*texts: str) -> SearchQuery | None:
    """Any of the words of a draft (OR), for suggestions while writing. Only letters pass
    into the raw tsquery, so its syntax cannot be injected; stemming and stop words are the
    `danish` configuration's."""
    words: list[str] = []
    for text in texts:
        for word in _WORD.findall((text or "").lower()):
            if word not in words:
                words.append(word)
    if not words:
        return None
    return SearchQuery(" | ".join(words[:SIMILAR_MAX_WORDS]), search_type="raw", config=SEARCH_CONFIG)


def search[QS: QuerySet](qs: QS, text: str, *, headline_of) -> QS:
    """Filter `qs` to rows matching `text` (via the GIN index) and annotate `rank` and
    `headline`, a snippet of `headline_of` (an expression) with the hits marked. Rows are
    not ordered here; the caller decides (by rank unless the person chose a sort)."""
    query = search_query(text)
    if query is None:
        return qs
    return qs.filter(search_vector=query).annotate(
        rank=SearchRank(F("search_vector"), query),
        headline=SearchHeadline(
            headline_of,
            query,
            config=SEARCH_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )


def highlight(value: str) -> SafeString:
    """A headline as safe HTML: everything escaped, then the hit markers become <mark>."""
    escaped = _MARKED.sub(r"<mark>\1</mark>", escape(value or ""))
    # A stray marker typed by someone into their own text must not open an unclosed tag.
    return mark_safe(escaped.replace(MARK_START, "").replace(MARK_STOP, ""))
