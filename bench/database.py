"""The bench's own database: same server as DATABASE_URL, another name. Runs before
django.setup(), so it talks to PostgreSQL with psycopg directly."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    # Same fallback as the settings: the embedded server, if it runs.
    from slagelse_ou.lib.embedded import PG_DIR, embedded_database_url

    if (PG_DIR / "postmaster.pid").exists():
        return embedded_database_url()
    raise SystemExit("DATABASE_URL is not set and the embedded PostgreSQL is not running (use `make bench`).")


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def default_bench_name(url: str) -> str:
    return os.environ.get("BENCH_DATABASE") or f"bench_{database_name(url)}"


def ensure_database(url: str, name: str) -> str:
    """Create database `name` on the server of `url` unless it exists; return its URL.

    Refuses the database DATABASE_URL itself names: the bench truncates what it fills.
    """
    if not _NAME.match(name):
        raise SystemExit(f"Unsuitable bench database name: {name!r}")
    if name == database_name(url):
        raise SystemExit(f"The bench would overwrite {name!r}, the database DATABASE_URL names; choose another.")
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(url, name)
