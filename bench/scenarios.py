"""The pages the bench measures, who asks for them, and which URL each request uses.

Requests vary page numbers, sort orders and filters (seeded, so two runs ask the same), and
detail pages are drawn from the whole id range, so no single cached plan or row answers all.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.data import Personas
from initiatives.models import PUBLIC_STATUSES, Initiative, Pejlemaerke, Status
from initiatives.selectors import SORTS
from slagelse_ou.models import OrgUnit


@dataclass
class Context:
    """What the URL builders draw from, read once per data size."""

    personas: Personas
    total: int
    unit_ids: list[int]
    pejlemaerke_ids: list[int]
    years: list[int]
    any_ids: list[int]
    public_ids: list[int]
    owned_ids: list[int]
    mine_pages: int

    @classmethod
    def load(cls, personas: Personas, *, rng: random.Random, page_size: int) -> Context:
        total = Initiative.objects.count()
        sample = rng.sample(range(1, total + 1), min(total, 400))
        public = set(Initiative.objects.filter(pk__in=sample, status__in=PUBLIC_STATUSES).values_list("pk", flat=True))
        mine = Initiative.objects.involving(personas.employee).count()
        this_year = timezone.localdate().year  # the year filter offers this year and the seven before
        return cls(
            personas=personas,
            total=total,
            unit_ids=list(OrgUnit.objects.values_list("pk", flat=True)),
            pejlemaerke_ids=list(Pejlemaerke.objects.values_list("pk", flat=True)),
            years=list(range(this_year, this_year - 8, -1)),
            any_ids=sample,
            public_ids=[pk for pk in sample if pk in public],
            owned_ids=list(Initiative.objects.filter(owner=personas.employee).values_list("pk", flat=True)),
            mine_pages=max(1, -(-mine // page_size)),
        )


UrlBuilder = Callable[[random.Random, Context], str]


@dataclass(frozen=True)
class Scenario:
    key: str
    page: str
    who: str
    persona: str | None  # attribute of Personas; None = anonymous
    url: UrlBuilder
    is_list: bool = True
    htmx: bool = False


def _query(path: str, params: dict[str, object]) -> str:
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(params)}" if params else path


def _sort(rng: random.Random) -> str:
    return rng.choice(list(SORTS))


def _filters(rng: random.Random, ctx: Context, statuses: list[str]) -> dict[str, object]:
    """One to four filters, each as likely as the others, and a random sort order."""
    chosen = set(rng.sample(["status", "enhed", "pejlemaerke", "aar"], rng.randint(1, 4)))
    return {
        "status": rng.choice(statuses) if "status" in chosen else "",
        "enhed": rng.choice(ctx.unit_ids) if "enhed" in chosen else "",
        "pejlemaerke": rng.choice(ctx.pejlemaerke_ids) if "pejlemaerke" in chosen else "",
        "aar": rng.choice(ctx.years) if "aar" in chosen else "",
        "sorter": _sort(rng),
    }


def staff_first_page(rng: random.Random, ctx: Context) -> str:
    return reverse("initiatives:staff_list")


def staff_pages(rng: random.Random, ctx: Context) -> str:
    return _query(reverse("initiatives:staff_list"), {"side": rng.randint(2, 40), "sorter": _sort(rng)})


def staff_filtered(rng: random.Random, ctx: Context) -> str:
    return _query(reverse("initiatives:staff_list"), _filters(rng, ctx, list(Status.values)))


def public_pages(rng: random.Random, ctx: Context) -> str:
    return _query(reverse("initiatives:public_list"), {"side": rng.randint(1, 40), "sorter": _sort(rng)})


def public_filtered(rng: random.Random, ctx: Context) -> str:
    return _query(reverse("initiatives:public_list"), _filters(rng, ctx, [str(s) for s in PUBLIC_STATUSES]))


def mine_pages(rng: random.Random, ctx: Context) -> str:
    return _query(reverse("initiatives:mine"), {"side": rng.randint(1, ctx.mine_pages)})


def detail_any(rng: random.Random, ctx: Context) -> str:
    return reverse("initiatives:detail", args=[rng.choice(ctx.any_ids)])


def detail_public(rng: random.Random, ctx: Context) -> str:
    return reverse("initiatives:detail", args=[rng.choice(ctx.public_ids)])


def detail_owned(rng: random.Random, ctx: Context) -> str:
    return reverse("initiatives:detail", args=[rng.choice(ctx.owned_ids)])


SCENARIOS = [
    Scenario("staff-1", "Alle prøvehandlinger, side 1", "sekretariat", "coordinator", staff_first_page),
    Scenario("staff-n", "Alle prøvehandlinger, side 2–40, alle sorteringer", "sekretariat", "coordinator", staff_pages),
    Scenario("staff-f", "Alle prøvehandlinger, 1–4 filtre", "sekretariat", "coordinator", staff_filtered),
    Scenario(
        "staff-h", "Alle prøvehandlinger, filtre via htmx", "sekretariat", "coordinator", staff_filtered, htmx=True
    ),
    Scenario("manager-n", "Alle prøvehandlinger, side 2–40", "leder", "manager", staff_pages),
    Scenario("manager-f", "Alle prøvehandlinger, 1–4 filtre", "leder", "manager", staff_filtered),
    Scenario("committee-n", "Alle prøvehandlinger, side 2–40", "udvalgsmedlem", "committee_member", staff_pages),
    Scenario("public-n", "Offentlige prøvehandlinger, side 1–40", "anonym", None, public_pages),
    Scenario("public-f", "Offentlige prøvehandlinger, 1–4 filtre", "anonym", None, public_filtered),
    Scenario("mine", "Mine prøvehandlinger, alle sider", "medarbejder", "employee", mine_pages),
    Scenario("detail-c", "Detaljeside, vilkårlig", "sekretariat", "coordinator", detail_any, is_list=False),
    Scenario(
        "detail-o", "Detaljeside, egen (redigerbar)", "medarbejder (ejer)", "employee", detail_owned, is_list=False
    ),
    Scenario("detail-a", "Detaljeside, offentlig", "anonym", None, detail_public, is_list=False),
]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]  # nearest rank


@dataclass
class Result:
    times_ms: list[float] = field(default_factory=list)
    # Wall time minus the time this process and its PostgreSQL backend sat in the run queue
    # waiting for a CPU (Linux schedstat): what the request costs when nothing else runs.
    # None when the backend's /proc entry cannot be read (a remote database server).
    unqueued_ms: list[float] | None = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    slowest: tuple[float, str, list[dict]] | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return _p95(self.times_ms)

    @property
    def p95_unqueued(self) -> float | None:
        return _p95(self.unqueued_ms) if self.unqueued_ms else None

    @property
    def query_range(self) -> tuple[int, int]:
        return min(self.queries), max(self.queries)


def _run_queue_ns(pids: list[str]) -> int | None:
    """Nanoseconds the given tasks have waited in the run queue (/proc/<pid>/schedstat)."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            return None
    return total


def _backend_pid() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return str(cursor.fetchone()[0])


def run(scenario: Scenario, ctx: Context, *, requests: int, warmup: int, seed: int) -> Result:
    rng = random.Random(f"{seed}:{scenario.key}")
    client = Client()
    if scenario.persona:
        client.force_login(getattr(ctx.personas, scenario.persona))
    headers = {"HX-Request": "true", "HX-Target": "results"} if scenario.htmx else {}
    # The test client keeps one connection, so one backend serves the whole scenario.
    tasks = ["thread-self", _backend_pid()]
    result = Result()
    for number in range(warmup + requests):
        url = scenario.url(rng, ctx)
        # CaptureQueriesContext keeps Django from clearing the query log between requests,
        # and the log holds at most 9,000 entries: clear it, or counts read 0 once it is full.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            queued_before = _run_queue_ns(tasks)
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            queued_after = _run_queue_ns(tasks)
        if response.status_code != 200:
            raise SystemExit(f"{scenario.key}: GET {url} answered {response.status_code}")
        if number < warmup:
            continue
        result.times_ms.append(elapsed)
        if queued_before is None or queued_after is None or result.unqueued_ms is None:
            result.unqueued_ms = None
        else:
            result.unqueued_ms.append(max(0.0, elapsed - (queued_after - queued_before) / 1e6))
        result.queries.append(len(captured))
        if result.slowest is None or elapsed > result.slowest[0]:
            result.slowest = (elapsed, url, list(captured.captured_queries))
    return result
