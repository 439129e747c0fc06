"""Settings: production variables pass `check --deploy` without a warning, bad environment
values stop the start-up loudly, and e-mail is configured through Django 6.1's MAILERS."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from slagelse_ou.lib.env import env_bool, env_int, env_int_list, env_list, env_str

ENV_PREFIXES = ("DJANGO_", "EMAIL_", "DATABASE_URL", "REDIS_URL", "AXES_", "DB_", "SITE_URL")


def database_url() -> str:
    """DATABASE_URL for the database these settings use (a unix socket directory is a host)."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "localhost", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIXES)}
    env |= {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # 67 characters, all random
        "DJANGO_ALLOWED_HOSTS": "proevehandlinger.slagelse.dk",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        # Deprecation warnings are silent by default; show them so the test can see them.
        "PYTHONWARNINGS": "always::DeprecationWarning,always::PendingDeprecationWarning",
    }
    env |= overrides
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_variables_reports_no_issues_and_no_deprecations():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr
    # E-mail goes through MAILERS, so Django 6.1 warns about no EMAIL_* setting.
    assert "RemovedInDjango" not in result.stderr, result.stderr


def test_a_boolean_that_is_not_a_boolean_stops_the_start_up():
    result = manage("check", env=production_env(DJANGO_DEBUG="maybe"))

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG must be a boolean (1/0, true/false), not 'maybe'" in result.stderr


def test_production_without_a_secret_key_stops_the_start_up():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: Environment variable DJANGO_SECRET_KEY is required" in result.stderr


def test_the_email_variables_configure_the_default_mailer():
    env = production_env(
        EMAIL_HOST="smtp.slagelse.dk",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="true",
        EMAIL_HOST_USER="portal",
        EMAIL_HOST_PASSWORD="hemmeligt",
    )
    code = (
        "import django; django.setup(); from django.core.mail import mailers; m = mailers.default; "
        "print(type(m).__module__, m.host, m.port, m.use_tls, m.username, m.password)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env=env | {"DJANGO_SETTINGS_MODULE": "slagelse_ou.settings"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp",
        "smtp.slagelse.dk",
        "587",
        "True",
        "portal",
        "hemmeligt",
    ]


def test_settings_use_mailers_and_none_of_the_deprecated_email_settings():
    assert set(settings.MAILERS) == {"default"}
    for name in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
        assert not settings.is_overridden(name), name


def test_tests_send_mail_to_the_in_memory_outbox(mailoutbox):
    mail.send_mail("Emne", "Tekst", None, ["borger@example.dk"])

    assert [m.subject for m in mailoutbox] == ["Emne"]
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL


# --- The typed environment helpers --------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", "yes", "on", " ON "])
def test_env_bool_reads_true(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_FLAG", raw)
    assert env_bool("PORTAL_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off", ""])
def test_env_bool_reads_false(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_FLAG", raw)
    assert env_bool("PORTAL_FLAG", True) is False


@pytest.mark.parametrize("raw", ["maybe", "ja", "2", "truee"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("PORTAL_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_FLAG must be a boolean"):
        env_bool("PORTAL_FLAG", False)


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("PORTAL_FLAG", raising=False)
    assert env_bool("PORTAL_FLAG", True) is True


def test_env_int_reads_integers_and_refuses_words(monkeypatch):
    monkeypatch.setenv("PORTAL_NUMBER", "42")
    assert env_int("PORTAL_NUMBER", 1) == 42
    monkeypatch.setenv("PORTAL_NUMBER", "")
    assert env_int("PORTAL_NUMBER", 7) == 7
    monkeypatch.setenv("PORTAL_NUMBER", "ti")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_NUMBER must be an integer, not 'ti'"):
        env_int("PORTAL_NUMBER", 1)
    monkeypatch.setenv("PORTAL_NUMBER", "2.5")
    with pytest.raises(ImproperlyConfigured):
        env_int("PORTAL_NUMBER", 1)


def test_env_str_without_a_default_is_required(monkeypatch):
    monkeypatch.delenv("PORTAL_TEXT", raising=False)
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEXT is required"):
        env_str("PORTAL_TEXT")
    assert env_str("PORTAL_TEXT", "standard") == "standard"
    monkeypatch.setenv("PORTAL_TEXT", "værdi")
    assert env_str("PORTAL_TEXT") == "værdi"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("PORTAL_HOSTS", " a.slagelse.dk, ,b.slagelse.dk,")
    assert env_list("PORTAL_HOSTS") == ["a.slagelse.dk", "b.slagelse.dk"]
    monkeypatch.delenv("PORTAL_HOSTS")
    assert env_list("PORTAL_HOSTS") == []


def test_env_int_list_reads_integers_and_refuses_words(monkeypatch):
    monkeypatch.setenv("PORTAL_DAYS", "14, 3,0")
    assert env_int_list("PORTAL_DAYS", "1") == [14, 3, 0]
    monkeypatch.setenv("PORTAL_DAYS", "14,tre")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_DAYS must be comma-separated integers"):
        env_int_list("PORTAL_DAYS", "1")
