"""`manage.py healthcheck`, which docker-compose.yml's health checks run in each container."""

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer


@contextmanager
def _http_server(**settings_overrides):
    """A real HTTP server on the test database, like tests/browser/conftest.py's live_server.

    MEDIA_URL is None in our settings (no public files), which Django's live server cannot
    parse, so it starts with a dummy prefix. Middleware reads some settings only when the
    server starts, so overrides are applied before it does and held while it runs.
    """
    with override_settings(MEDIA_URL="/__ingen-offentlige-filer__/", **settings_overrides):
        server = LiveServer("127.0.0.1")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def web_server(django_db_setup):
    # Tests use `db`, not `transactional_db`: the server only reads committed rows, and
    # nothing is truncated afterwards.
    with _http_server() as server:
        yield server


def test_healthcheck_passes_when_the_database_and_redis_answer(db, capsys):
    call_command("healthcheck")
    assert capsys.readouterr().out.strip() == "ok"


def test_healthcheck_fails_when_redis_does_not_answer(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with pytest.raises(CommandError, match="redis"):
        call_command("healthcheck", timeout=1)


def test_healthcheck_with_a_url_passes_when_the_login_page_answers_200(db, web_server, capsys):
    call_command("healthcheck", url=f"{web_server.url}/konto/login/")
    assert capsys.readouterr().out.strip() == "ok"


def test_healthcheck_with_a_url_fails_when_no_web_server_listens(db):
    with pytest.raises(CommandError, match="127.0.0.1:1"):
        call_command("healthcheck", url="http://127.0.0.1:1/", timeout=1)


def test_healthcheck_gets_past_production_host_and_https_checks_the_way_the_proxy_does(db, capsys):
    # Production refuses unknown hosts (400) and redirects plain HTTP (301); the check must
    # send an allowed Host and X-Forwarded-Proto like the reverse proxy, or `web` would
    # never become healthy and nothing depending on it would start.
    production = {
        "ALLOWED_HOSTS": [".proeve.slagelse.dk"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    }
    with _http_server(**production) as server:
        call_command("healthcheck", url=f"{server.url}/konto/login/")
    assert capsys.readouterr().out.strip() == "ok"


def test_healthcheck_with_a_url_fails_when_the_page_answers_an_error(db, web_server):
    with pytest.raises(CommandError, match="HTTP 404"):
        call_command("healthcheck", url=f"{web_server.url}/findes-ikke/")


def test_healthcheck_with_a_url_still_fails_when_the_database_does_not_answer(web_server):
    # No `db` fixture: pytest-django refuses every query in this test, which stands in for
    # a database that does not answer. The login page itself needs no database.
    with pytest.raises(CommandError, match="database"):
        call_command("healthcheck", url=f"{web_server.url}/konto/login/", timeout=1)
