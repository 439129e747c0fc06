"""`manage.py healthcheck`: exit 0 when this container can do its job, 1 when it cannot.

docker-compose.yml's health checks call it. It always asks the database (SELECT 1). Without
options it also asks Redis (PING), which is what Celery beat needs. With `--url` it asks
the web server in this container for a page instead of Redis: the web container keeps
working while Redis is down (notifications wait in the outbox), but not without its
database or a gunicorn that answers.

The request is sent the way the reverse proxy sends it: with a Host header that
ALLOWED_HOSTS accepts (else Django answers 400) and X-Forwarded-Proto: https (else
SECURE_SSL_REDIRECT answers 301). A redirect is a failure, not something to follow.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx status


def _allowed_host() -> str:
    """A Host header the running settings accept: the first ALLOWED_HOSTS entry."""
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")  # ".slagelse.dk" allows "slagelse.dk" too
        if host and host != "*":
            return host
    return "localhost"


class Command(BaseCommand):
    help = "Tjek at databasen og Redis svarer – eller med --url databasen og at webserveren svarer 200."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", help="Hent denne side i stedet for at spørge Redis, fx http://127.0.0.1:8000/konto/login/"
        )
        parser.add_argument(
            "--worker",
            help="Spørg denne Celery-worker (fx celery@$HOSTNAME), om den selv kan nå databasen, i stedet for Redis.",
        )
        parser.add_argument("--timeout", type=float, default=5.0, help="Sekunder pr. tjek (standard 5).")

    def handle(self, *args, url: str | None = None, worker: str | None = None, timeout: float = 5.0, **options):
        if worker:
            second = self._check_worker(worker, timeout)
        elif url:
            second = self._check_url(url, timeout)
        else:
            second = self._check_redis(timeout)
        checks = [self._check_database(), second]
        problems = [problem for problem in checks if problem]
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write("ok")

    def _check_database(self) -> str:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as error:  # any driver error means "not healthy"
            return f"database: {error}"
        return ""

    def _check_redis(self, timeout: float) -> str:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout)
        try:
            client.ping()
        except redis.RedisError as error:
            return f"redis: {error}"
        finally:
            client.close()
        return ""

    def _check_worker(self, worker: str, timeout: float) -> str:
        """The worker answers over the broker and runs SELECT 1 itself (slagelse_ou.celery's
        `database_ping`): a worker whose database connection is gone is not healthy."""
        from slagelse_ou.celery import app

        answers = app.control.broadcast("database_ping", destination=[worker], reply=True, timeout=timeout) or []
        replies = {node: reply for answer in answers for node, reply in answer.items()}
        if worker not in replies:
            return f"worker {worker}: no answer in {timeout:g}s"
        answer = replies[worker].get("database", "")
        return "" if answer == "ok" else f"worker {worker}: database {answer}"

    def _check_url(self, url: str, timeout: float) -> str:
        request = urllib.request.Request(url, headers={"Host": _allowed_host(), "X-Forwarded-Proto": "https"})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:  # refused, timed out, name not found
            return f"{url}: {error}"
        return "" if status == 200 else f"{url}: HTTP {status}"
