"""Bench rows of issue 5 (item 8, first half): the public search at 100,000 prøvehandlinger,
for a rare word, a title word and a word in every prøvehandling.

The generator's text is real Danish, so the `danish` configuration stems it: every
prøvehandling's problem and effect mention "borgerne"/"borgere" and "ventetiden"; each title
word of bench/data.py is in one prøvehandling in 15. Real searches also look for the rare
thing, so this module adds one of RARE_WORDS to the summary of 0.1 % of the prøvehandlinger
per word (an UPDATE of 800 rows per 100,000; the generated `search_vector` follows). The
searches use other inflections than the stored ones ("havnebadet" finds "havnebad").
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import connection
from django.urls import reverse

from bench import data
from bench.scenarios import Context, Scenario, _query
from initiatives.models import Initiative

# (stored in the summary, searched for)
RARE_WORDS = [
    ("vinterbadning", "vinterbadningen"),
    ("havnebad", "havnebadet"),
    ("cykelværksted", "cykelværkstedet"),
    ("besøgshund", "besøgshundene"),
    ("madspild", "madspildet"),
    ("lektiecafé", "lektiecaféen"),
    ("fællesspisning", "fællesspisningen"),
    ("skovbørnehave", "skovbørnehaven"),
]
RARE_PER_MILLE = 1  # each rare word in 1 of 1,000 prøvehandlinger
MARKER = "Vi prøver også"
TITLE_WORDS = ["hjemmeplejen", "skolevejen", "genoptræningen", "dagplejen", "rehabiliteringen", "madordningen"]
COMMON_WORDS = ["borgerne", "ventetiden", "borger", "overdragelser"]


def add(lo: int, hi: int, *, personas, log: Callable[[str], None]) -> None:
    """Put the rare words into prøvehandlinger lo…hi (idempotent: rows that have one are skipped)."""
    words = data._sql_array([word for word, _ in RARE_WORDS])
    bucket = "mod(mod(id::bigint * 3266489981, 4294967296) / 65536, 1000)"

    def update() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE {Initiative._meta.db_table}
                    SET summary = summary || ' {MARKER} ' || ({words})[1 + {bucket} / {RARE_PER_MILLE}] || '.'
                    WHERE id BETWEEN {lo} AND {hi} AND {bucket} < {len(RARE_WORDS) * RARE_PER_MILLE}
                      AND position('{MARKER}' IN summary) = 0"""
            )
            return cursor.rowcount

    data._step("sjældne ord til søgning", log, update)


def load(ctx: Context, *, rng: random.Random) -> None:
    """Nothing to draw from the database: the words are fixed."""


def _search(rng: random.Random, words: list[str], pages: int) -> str:
    return _query(reverse("initiatives:public_list"), {"q": rng.choice(words), "side": rng.randint(1, pages)})


def rare(rng: random.Random, ctx: Context) -> str:
    return _search(rng, [searched for _, searched in RARE_WORDS], 1)


def title_word(rng: random.Random, ctx: Context) -> str:
    return _search(rng, TITLE_WORDS, 4)


def common(rng: random.Random, ctx: Context) -> str:
    return _search(rng, COMMON_WORDS, 4)


SCENARIOS = [
    Scenario("search-rare", "Offentlig søgning, sjældent ord (0,1 %), side 1", "anonym", None, rare),
    Scenario("search-title", "Offentlig søgning, titelord (1 af 15), side 1–4", "anonym", None, title_word),
    Scenario("search-common", "Offentlig søgning, ord i alle, side 1–4", "anonym", None, common),
]
