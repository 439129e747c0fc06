"""The bench rows of issues 3, 5 and 7, hooked into `python -m bench` (bench/__main__.py):

* reviews — "Mine bedømmelser" and the coordinator's matrix (issue 3, item 11)
* search — the public search at 100,000 prøvehandlinger (issue 5, item 8)
* dialog — a dialogue room with 5,000 posts (issue 7, item 8)
* ideas_burst — 1,000 idea submissions from 20 clients against gunicorn (issue 5, item 8),
  run once at the largest size; `--only ideas-burst` selects it like a page.

Each page module has SCENARIOS (measured like the other pages), `add(lo, hi, ...)` (its
data for prøvehandlinger lo…hi, idempotent) and `load(ctx, rng=...)` (what its URLs draw
from at one size). Data is only written for modules with a selected page.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from bench import dialog, reviews, scenarios, search
from bench.data import Personas
from slagelse_ou.models import User

MODULES = (reviews, search, dialog)
BURST_KEY = "ideas-burst"


@dataclass(frozen=True)
class ExtraPersonas(Personas):
    reviewer: User  # the bench reviewer: 1 % of all prøvehandlinger assigned


def register() -> None:
    """Add the pages to the bench's list (before --only filters it)."""
    known = {s.key for s in scenarios.SCENARIOS}
    scenarios.SCENARIOS.extend(s for module in MODULES for s in module.SCENARIOS if s.key not in known)


def burst_selected(only: str | None) -> bool:
    return not only or BURST_KEY in only.split(",")


def personas(base: Personas) -> ExtraPersonas:
    reviewer = reviews.ensure_people(base.coordinator)
    return ExtraPersonas(**{name: getattr(base, name) for name in Personas.__dataclass_fields__}, reviewer=reviewer)


def _active(module) -> bool:
    selected = {s.key for s in scenarios.SCENARIOS}
    return any(s.key in selected for s in module.SCENARIOS)


def add_data(lo: int, hi: int, *, personas: ExtraPersonas, log: Callable[[str], None]) -> None:
    for module in MODULES:
        if _active(module):
            module.add(lo, hi, personas=personas, log=log)


def load(ctx: scenarios.Context, *, rng: random.Random) -> None:
    for module in MODULES:
        if _active(module):
            module.load(ctx, rng=rng)


def burst(*, ideas: int, clients: int, workers: int, database_url: str, log: Callable[[str], None]):
    from bench import ideas_burst

    result = ideas_burst.run(ideas=ideas, clients=clients, workers=workers, database_url=database_url, log=log)
    log(
        f"  idéer: {result.stored:,}/{result.ideas:,} gemt, {result.server_errors} serverfejl, "
        f"{result.per_second:.0f} pr. s ({result.seconds:.1f} s)"
    )
    return result
