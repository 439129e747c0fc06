"""`python -m bench [--sizes 10000,100000] [--requests 50]` — see bench/__init__.py.

Progress goes to stderr; the table to stdout and to bench-results/bench.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import sys
import time
from pathlib import Path

from bench.database import default_bench_name, ensure_database, server_url

ROOT = Path(__file__).resolve().parent.parent


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--sizes takes whole numbers separated by commas, e.g. 1000,5000") from exc
    if not sizes or sizes != sorted(set(sizes)) or sizes[0] < 100:
        raise argparse.ArgumentTypeError("--sizes must be increasing and at least 100, e.g. 10000,100000")
    return sizes


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=_sizes("10000,100000"),
        help="number of prøvehandlinger to measure at, increasing (default 10000,100000)",
    )
    parser.add_argument("--requests", type=int, default=50, help="measured requests per page (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per page first (default 5)")
    parser.add_argument("--database", help="bench database name (default $BENCH_DATABASE or bench_<name>)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results" / "bench.md")
    parser.add_argument("--seed", type=int, default=1, help="seed for page numbers, filters and detail ids")
    parser.add_argument("--only", help="comma-separated scenario keys to run (default all)")
    parser.add_argument("--explain", action="store_true", help="print the SQL of each page's slowest request")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure only at the largest size, on the data a previous run left (after a code change)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    # Issues 3, 5, 7 (bench/extra.py): the idea burst against gunicorn, key "ideas-burst" for --only.
    parser.add_argument("--ideas", type=int, default=1000, help="idea submissions in the burst (default 1000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients of the burst (default 20)")
    parser.add_argument("--burst-workers", type=int, default=2, help="gunicorn workers for the burst (default 2)")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = server_url()
    name = args.database or default_bench_name(url)
    # Point Django at the bench database before settings are read.
    os.environ["DATABASE_URL"] = ensure_database(url, name)
    os.environ["DJANGO_DEBUG"] = "0"  # measure what production runs
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slagelse_ou.settings")

    import django

    django.setup()
    # django-axes logs every force_login; the table is what matters here.
    logging.getLogger("axes").setLevel(logging.WARNING)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench import data, extra, report, scenarios
    from slagelse_ou.lib import gc_freeze

    # Safety net: everything below truncates and refills the database the settings name. If
    # anything read the settings before DATABASE_URL was set above (an import with side
    # effects did: slagelse_ou/celery.py), that would be the development database.
    if connection.settings_dict["NAME"] != name:
        raise SystemExit(f"The settings name database {connection.settings_dict['NAME']!r}, not {name!r}; stopped.")

    extra.register()  # issues 3, 5, 7: their pages join the list before --only filters it
    selected = scenarios.SCENARIOS
    if args.only:
        keys = set(args.only.split(","))
        selected = [s for s in scenarios.SCENARIOS if s.key in keys]
        scenarios.SCENARIOS[:] = selected

    # Other work on the machine shows up in the figures; the load average says how much.
    load_at_start = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    timings: list[str] = []
    started = time.perf_counter()
    log(f"Benchmark-database: {name}")
    call_command("migrate", verbosity=0, interactive=False)
    sizes = args.sizes
    if args.reuse:
        current = data.initiative_count()
        if current != sizes[-1]:
            raise SystemExit(f"--reuse: the bench database holds {current:,} prøvehandlinger, not {sizes[-1]:,}.")
        sizes = [current]
        personas = extra.personas(data.personas())  # issues 3, 5, 7 (bench/extra.py)
        extra.add_data(1, current, personas=personas, log=log)  # only what an older run left out
        data.analyze(log=log)
    else:
        data.reset()
        personas = extra.personas(data.create_organisation())  # issues 3, 5, 7 (bench/extra.py)
        current = 0
    timings.append(f"migrate og organisation: {time.perf_counter() - started:.1f} s")

    results: dict[int, dict[str, scenarios.Result]] = {}
    for size in sizes:
        step = time.perf_counter()
        if size > current:
            log(f"Data: prøvehandling {current + 1:,}–{size:,}")
            data.add_initiatives(current + 1, size, span_of=args.sizes[-1], log=log)
            extra.add_data(current + 1, size, personas=personas, log=log)  # issues 3, 5, 7
            data.analyze(log=log)
            current = size
            timings.append(f"data op til {size:,}: {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        ctx = scenarios.Context.load(personas, rng=random.Random(args.seed), page_size=settings.PAGE_SIZE)
        extra.load(ctx, rng=random.Random(args.seed))  # issues 3, 5, 7
        results[size] = {}
        # As slagelse_ou/wsgi.py does in every gunicorn worker: what exists now is left out
        # of the garbage collector's full collections (slagelse_ou/lib/gc_freeze.py).
        gc_freeze.freeze_after_start_up()
        for scenario in selected:
            result = scenarios.run(scenario, ctx, requests=args.requests, warmup=args.warmup, seed=args.seed)
            results[size][scenario.key] = result
            low, high = result.query_range
            log(
                f"  {size:>7,} {scenario.key:<12} median {result.median:6.1f} ms  p95 {result.p95:6.1f} ms  "
                f"SQL {low}{'' if low == high else f'–{high}'}"
            )
            if args.explain and result.slowest:
                elapsed, slow_url, queries = result.slowest
                log(f"    slowest {elapsed:.1f} ms: {slow_url}")
                for query in queries:
                    log(f"      {query['time']}s  {query['sql'][:400]}")
        timings.append(f"målinger ved {size:,}: {time.perf_counter() - step:.1f} s")

    # Issue 5: the idea burst, once, at the largest size (bench/ideas_burst.py).
    burst = None
    if extra.burst_selected(args.only):
        step = time.perf_counter()
        burst = extra.burst(
            ideas=args.ideas,
            clients=args.clients,
            workers=args.burst_workers,
            database_url=os.environ["DATABASE_URL"],
            log=log,
        )
        timings.append(f"idéer via gunicorn: {time.perf_counter() - step:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    environment = [
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {pg_version}, "
        f"{os.cpu_count()} kerner, database `{name}`",
        f"{args.requests} målte forespørgsler pr. side efter {args.warmup} til opvarmning; seed {args.seed}",
        "belastning (load average 1/5/15 min) ved start: {}, ved slut: {}".format(
            load_at_start, " / ".join(f"{x:.1f}" for x in os.getloadavg())
        ),
    ]
    timings.append(f"i alt: {time.perf_counter() - started:.0f} s")
    document = report.document(results, environment=environment, timings=timings)
    if burst is not None:  # issue 5
        from bench.ideas_burst import section

        document += section(burst)
    print(document)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(document, encoding="utf-8")
    log(f"Skrevet til {args.output}")
    if args.strict and (not all(ok for ok, _ in report.checks(results)) or (burst is not None and not burst.ok)):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
