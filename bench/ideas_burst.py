"""Bench row of issue 5 (item 8, second half): a burst of idea submissions from concurrent
clients against gunicorn — nothing lost, no server error, submissions per second.

gunicorn runs the portal (the production config, gunicorn.conf.py, with sync workers) on a
free port of 127.0.0.1 against the bench database. For that process only, the per-IP rate
limit is raised above the burst (every client is 127.0.0.1) and the minimum fill time is 0;
the honeypot stays, and every post carries a real CSRF token and a real signed start time:
each client fetches the form once, as a browser would, then posts its share. Ideas are sent
without an e-mail address, so each one goes to triage and notifies the secretariat through
the outbox (bench/ideas_settings.py sends those Celery hand-offs to a queue of their own,
deleted afterwards).

Lost = posts minus new rows in the database; server errors = 5xx answers and requests that
got no answer (reset, timeout). Every other answer than the redirect to the receipt is
counted too.

    python -m bench.ideas_burst [--ideas 1000] [--clients 20] [--workers 2]

runs it alone against the bench database (it must be migrated: run `make bench` once).
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "bench-ideas"
CACHE_PREFIX = "bench-ideas"
FORM_PATH = "/ideer/ny/"
REQUEST_TIMEOUT = 30.0  # seconds per request; the burst as a whole is bounded by it too
START_TIMEOUT = 60.0

WORDS = [
    "fællesspisning",
    "legeplads",
    "cykelsti",
    "lektiehjælp",
    "besøgsven",
    "affaldssortering",
    "naturpleje",
    "bybus",
    "havnebad",
    "bibliotek",
]


@dataclass
class Burst:
    ideas: int
    clients: int
    workers: int
    stored: int = 0
    statuses: Counter = field(default_factory=Counter)  # HTTP status (or "fejl: …") → count
    latencies_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def lost(self) -> int:
        return self.ideas - self.stored

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not isinstance(status, int) or status >= 500)

    @property
    def other_answers(self) -> int:
        return sum(
            n
            for status, n in self.statuses.items()
            if isinstance(status, int) and status not in (302,) and status < 500
        )

    @property
    def per_second(self) -> float:
        return self.ideas / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.server_errors == 0 and self.other_answers == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_env(database_url: str, ideas: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.ideas_settings",
        "DJANGO_DEBUG": "0",
        # Every client is 127.0.0.1: a limit above the whole burst, for this process only.
        "IDEA_RATE_LIMIT": str(ideas * 10),
        "IDEA_MIN_FILL_SECONDS": "0",
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
        "PYTHONPATH": str(ROOT),
    }


def start_gunicorn(*, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "slagelse_ou.wsgi:application",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        # No worker recycling in the middle of the burst; no access log line per request.
        "--max-requests",
        "0",
        "--access-logfile",
        os.devnull,
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", FORM_PATH)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(server)
    raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port} within {START_TIMEOUT:.0f} s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    """SIGTERM to the master (graceful: workers finish their request), SIGKILL if it hangs."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)


_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)


def form_fields(page: str) -> dict[str, str]:
    """name → value of the page's <input> elements (the CSRF token and the signed start time)."""
    fields = {}
    for tag in _INPUT.findall(page):
        name = re.search(r'\bname="([^"]*)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name:
            fields[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
    return fields


def _client(
    *,
    port: int,
    numbers: list[int],
    start: threading.Barrier,
    result: Burst,
    lock: threading.Lock,
    areas: list[str],
    kinds: list[str],
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    statuses: Counter = Counter()
    latencies: list[float] = []
    try:
        conn.request("GET", FORM_PATH)
        response = conn.getresponse()
        page = response.read().decode()
        cookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
        fields = form_fields(page)
        token, started = fields.get("csrfmiddlewaretoken", ""), fields.get("startet", "")
        csrf_cookie = cookie["csrftoken"].value if "csrftoken" in cookie else ""
    except OSError as error:
        token = started = csrf_cookie = ""
        statuses[f"fejl: formularen: {type(error).__name__}"] += 1
    try:
        start.wait(timeout=START_TIMEOUT)
    except threading.BrokenBarrierError:
        pass
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"}
    for i, n in enumerate(numbers):
        word = WORDS[n % len(WORDS)]
        if i:  # one shown form makes one idea (its start token is single-use): show it again
            try:
                conn.request("GET", FORM_PATH, headers={"Cookie": f"csrftoken={csrf_cookie}"})
                response = conn.getresponse()
                started = form_fields(response.read().decode()).get("startet", "")
            except (OSError, http.client.HTTPException) as error:
                statuses[f"fejl: formularen: {type(error).__name__}"] += 1
                conn.close()
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "startet": started,
                "hjemmeside": "",
                "title": f"Idé {n}: mere {word} i lokalområdet",
                "description": f"Borgerne i vores område savner {word}. Vi foreslår et forsøg i et halvt år, "
                "hvor kommunen og foreningerne samarbejder om det.",
                "area": areas[n % len(areas)],
                "submitter_kind": kinds[n % len(kinds)],
                "consent": "on",
            }
        )
        began = time.perf_counter()
        try:
            conn.request("POST", FORM_PATH, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
        except (OSError, http.client.HTTPException) as error:
            statuses[f"fejl: {type(error).__name__}"] += 1
            conn.close()
        latencies.append((time.perf_counter() - began) * 1000)
    conn.close()
    with lock:
        result.statuses.update(statuses)
        result.latencies_ms.extend(latencies)


def run(*, ideas: int, clients: int, workers: int, database_url: str, log) -> Burst:
    """Start gunicorn, send the burst, stop gunicorn, count the rows. Django must be set up
    (the rows are counted through the ORM on the same database)."""
    from django.conf import settings

    from ideas.models import Area, Idea, SubmitterKind

    result = Burst(ideas=ideas, clients=clients, workers=workers)
    env = _gunicorn_env(database_url, ideas)
    port = free_port()
    log(f"Idéer: gunicorn ({workers} workers) på 127.0.0.1:{port}; {ideas:,} indsendelser fra {clients} klienter")
    before = Idea.objects.count()
    server = start_gunicorn(port=port, workers=workers, env=env)
    try:
        result.load_before = os.getloadavg()
        start = threading.Barrier(clients + 1)
        lock = threading.Lock()
        shares = [list(range(before + c + 1, before + ideas + 1, clients)) for c in range(clients)]
        threads = [
            threading.Thread(
                target=_client,
                daemon=True,
                kwargs={
                    "port": port,
                    "numbers": share,
                    "start": start,
                    "result": result,
                    "lock": lock,
                    "areas": list(Area.values),
                    "kinds": list(SubmitterKind.values),
                },
            )
            for share in shares
        ]
        for thread in threads:
            thread.start()
        try:
            start.wait(timeout=START_TIMEOUT)
        except threading.BrokenBarrierError:
            pass  # a client could not start: the others go on, and the table shows what failed
        began = time.perf_counter()
        # Bounded: no client can take longer than its share times the request timeout.
        deadline = time.monotonic() + REQUEST_TIMEOUT * (ideas // clients + 2)
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        result.seconds = time.perf_counter() - began
        result.load_after = os.getloadavg()
        if any(thread.is_alive() for thread in threads):
            result.statuses["fejl: klienten blev ikke færdig"] += 1
    finally:
        stop_gunicorn(server)
        _forget_queue(settings.REDIS_URL)
    result.stored = Idea.objects.count() - before
    return result


def _forget_queue(redis_url: str) -> None:
    """Delete the burst's Celery queue and its rate-limit counters (only this prefix)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE, f"_kombu.binding.{QUEUE}")
    for key in client.scan_iter(match=f"{CACHE_PREFIX}:*", count=500):
        client.delete(key)


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def section(burst: Burst) -> str:
    """Markdown for bench-results/bench.md."""
    ordered = sorted(burst.latencies_ms) or [0.0]
    p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(burst.statuses.items(), key=str))
    load = " / ".join(f"{x:.1f}" for x in burst.load_before), " / ".join(f"{x:.1f}" for x in burst.load_after)
    checks = [
        (burst.lost == 0, f"Ingen idéer tabt: {_n(burst.stored)} af {_n(burst.ideas)} gemt"),
        (burst.server_errors == 0, f"Ingen serverfejl: {burst.server_errors}"),
        (burst.other_answers == 0, f"Alle svar er henvisningen til kvitteringen (svar: {statuses})"),
    ]
    return "\n".join(
        [
            "",
            f"## Idéformularen: {_n(burst.ideas)} indsendelser fra {burst.clients} samtidige klienter",
            "",
            f"gunicorn (gunicorn.conf.py, sync × {burst.workers} workers) på 127.0.0.1 mod bench-databasen. Kun for den",
            "proces er grænsen pr. IP-adresse hævet og minimumstiden sat til 0; hver klient henter formularen",
            "(CSRF-token og signeret starttidspunkt) én gang og sender så sin andel.",
            "",
            "| Indsendt | Gemt | Tabt | Serverfejl | Andre svar | Sekunder | Indsendelser pr. s | median ms | p95 ms |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {_n(burst.ideas)} | {_n(burst.stored)} | {burst.lost} | {burst.server_errors} | {burst.other_answers} "
            f"| {burst.seconds:.1f} | {burst.per_second:.0f} | {statistics.median(ordered):.0f} | {p95:.0f} |",
            "",
            *[f"- {'✓' if ok else '✗'} {sentence}" for ok, sentence in checks],
            f"- belastning (load average 1/5/15 min) før: {load[0]}, efter: {load[1]}",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ideas_burst", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ideas", type=int, default=1000, help="submissions in all (default 1000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--database", help="bench database name (default $BENCH_DATABASE or bench_<name>)")
    args = parser.parse_args(argv)
    from bench.database import database_name, default_bench_name, ensure_database, server_url

    url = server_url()
    database_url = ensure_database(url, args.database or default_bench_name(url))
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slagelse_ou.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.settings_dict["NAME"] != database_name(database_url):
        raise SystemExit(f"The settings name database {connection.settings_dict['NAME']!r}; stopped.")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    burst = run(ideas=args.ideas, clients=args.clients, workers=args.workers, database_url=database_url, log=log)
    print(section(burst))
    return 0 if burst.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
