"""Reminder benchmark rows (issue 4): one scan over N open deadlines, and how fast one
worker delivers M queued notifications.

    python -m bench.reminders [--deadlines 100000] [--notifications 10000] [--concurrency 2]

Uses its own database (`bench_reminders_<name>` on the DATABASE_URL server, or
$BENCH_REMINDERS_DATABASE) and its own queue on the Redis of REDIS_URL, so it disturbs
neither the portal nor the page benchmark. Prints Markdown table rows to stdout.

What is measured
- scan: `slagelse_ou.reminders.reminders_scan` on a day when a share of the deadlines is
  due (every running trial has a status-report and an evaluation deadline), then the same
  scan again (the idempotent case: nothing new). Seconds and SQL statements.
- delivery: M notification rows queued as M `notification_deliver` tasks, drained by one
  `celery worker` process (prefork, --concurrency); e-mail through Django's dummy backend,
  so the figure is claim + render + bookkeeping, not an SMTP server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.database import database_name, ensure_database, server_url

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "bench-reminders"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__)
    parser.add_argument("--deadlines", type=int, default=100_000, help="open deadlines to scan (default 100000)")
    parser.add_argument("--notifications", type=int, default=10_000, help="notifications to deliver (default 10000)")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 1, help="worker processes")
    return parser.parse_args(argv)


def fill(deadlines: int, today: dt.date) -> int:
    """deadlines/2 running trials (a status report and an evaluation each). Their first
    status report falls due between three days ago and a year ahead, so on the measured
    day about one in twenty-five deadlines has a reminder due (14, 3 or 0 days before)."""
    from bench import data
    from initiatives.models import Initiative, Status

    data.reset()
    data.create_organisation()
    trials = deadlines // 2
    start = f"(DATE '{today.isoformat()}' - 31 + mod(g * 7919, 363))"
    return data._insert_select(
        Initiative,
        {
            "id": "g",
            "title": "'Prøvehandling ' || g",
            "owning_unit_id": "u.unit_id",
            "owner_id": "u.id",
            "status": f"'{Status.RUNNING.value}'",
            "start_date": start,
            "end_date": f"{start} + 180",
            "evaluation_date": f"{start} + 210",
            "created_at": "now()",
            "updated_at": "now()",
        },
        f"FROM generate_series(1, {trials}) AS g JOIN {data.User._meta.db_table} AS u "
        f"ON u.id = 1 + mod(g * 7, {data.EMPLOYEES})",
    )


def measure_scan(today: dt.date) -> list[tuple[str, float, int, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from slagelse_ou.reminders import reminders_scan

    rows = []
    for label in ("første scanning", "samme dag igen"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = reminders_scan(today=today)
            elapsed = time.perf_counter() - started
        rows.append((label, elapsed, len(queries), result.deliveries))
    return rows


def measure_delivery(count: int, concurrency: int, database_url: str) -> tuple[float, int]:
    import redis
    from django.conf import settings

    from slagelse_ou.models import Notification, User
    from slagelse_ou.tasks import notification_deliver

    Notification.objects.all().delete()
    users = list(User.objects.filter(username__startswith="bench").order_by("pk")[:500])
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient=users[i % len(users)], subject=f"Påmindelse {i}", body="Frist i dag.", url="/")
            for i in range(count)
        ],
        batch_size=2000,
    )
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(QUEUE)
    for row in rows:
        notification_deliver.apply_async(kwargs={"notification_id": row.pk}, queue=QUEUE)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "slagelse_ou",
        "worker",
        "-Q",
        QUEUE,
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "-l",
        "warning",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-n",
        "bench-reminders@%h",
    ]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        # Clock from the first delivery, so the worker's start-up is not counted.
        while not Notification.objects.filter(emailed_at__isnull=False).exists():
            time.sleep(0.01)
        started = time.perf_counter()
        pending, progress_at = count, time.monotonic()
        while pending:
            time.sleep(0.1)
            now_pending = Notification.objects.filter(emailed_at__isnull=True).count()
            if now_pending < pending:
                pending, progress_at = now_pending, time.monotonic()
            elif time.monotonic() - progress_at > 60:
                raise SystemExit(f"The worker stopped delivering ({pending:,} left); see its log above.")
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
    return elapsed, count


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = server_url()
    name = os.environ.get("BENCH_REMINDERS_DATABASE") or f"bench_reminders_{database_name(url)}"
    database_url = ensure_database(url, name)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slagelse_ou.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    today = dt.date(2027, 6, 1)
    log(f"Benchmark-database: {name}; {args.deadlines:,} åbne frister")
    started = time.perf_counter()
    trials = fill(args.deadlines, today)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"  data: {trials:,} prøvehandlinger i gang ({2 * trials:,} frister), {time.perf_counter() - started:.1f} s")
    print("| Påmindelser | sekunder | SQL | påmindelser skrevet |")
    print("|---|---:|---:|---:|")
    for label, seconds, queries, deliveries in measure_scan(today):
        print(f"| Scanning over {2 * trials:,} åbne frister, {label} | {seconds:.2f} | {queries} | {deliveries:,} |")
    elapsed, count = measure_delivery(args.notifications, args.concurrency, database_url)
    print(
        f"| Levering af {count:,} notifikationer i kø, én worker (prefork × {args.concurrency}) "
        f"| {elapsed:.1f} | – | {count / elapsed:,.0f} pr. s |"
    )
    log("belastning (load average 1/5/15 min) ved slut: " + " / ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
