"""One settings module, driven by environment variables (see README "Konfiguration").

Defaults are for development only. With DJANGO_ENV=production the secret key, hosts,
database and Redis must be given, and the security settings are switched on.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from slagelse_ou.lib.env import env_bool, env_float, env_int, env_int_list, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", None if PRODUCTION else "dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "guardian",
    "axes",
    "slagelse_ou",
    "initiatives",
    "criteria",
    "dialogrum",
    "ideas",
    "results",
    "rounds",
    "openness",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Body size and encoding checked before anything reads the body (CSRF, the views).
    "slagelse_ou.middleware.RequestLimitsMiddleware",
    "slagelse_ou.middleware.SessionAndHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes must be last (its docs): it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "slagelse_ou.wsgi.application"
AUTH_USER_MODEL = "slagelse_ou.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "slagelse_ou.context_processors.portal",
            ],
        },
    }
]


def _database_url() -> str:
    url = env_str("DATABASE_URL", "")
    if url:
        return url
    from slagelse_ou.lib.embedded import PG_DIR, embedded_database_url

    if not PRODUCTION and (PG_DIR / "postmaster.pid").exists():
        return embedded_database_url()
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test` (they start an embedded "
        "PostgreSQL) or set DATABASE_URL=postgres://user@host:5432/name."
    )


DATABASES = {
    "default": dj_database_url.parse(
        _database_url(), conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
# TEST_DB_SUFFIX lets several test runs share one server without sharing a test database.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}{env_str('TEST_DB_SUFFIX', '')}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _redis_url() -> str:
    url = env_str("REDIS_URL", "")
    if url:
        return url
    if PRODUCTION:
        raise ImproperlyConfigured("REDIS_URL is required in production")
    from slagelse_ou.lib.embedded import REDIS_PORT

    return f"redis://127.0.0.1:{REDIS_PORT}/0"


REDIS_URL = _redis_url()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ou"),
        # A hung Redis (frozen, half-open TCP) must cost a page a fraction of a second, not
        # redis-py's 5 s default per call: every cache read is optional (filter choices are
        # recomputed, the idea form's rate limit fails open), so give up quickly.
        # tests/chaos/test_redis_outage.py freezes a Redis with SIGSTOP and times the pages.
        "OPTIONS": {
            "socket_connect_timeout": env_float("CACHE_CONNECT_TIMEOUT", 0.2),
            "socket_timeout": env_float("CACHE_SOCKET_TIMEOUT", 0.2),
        },
    }
}

# Celery (slagelse_ou/celery.py reads every CELERY_* setting).
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/Copenhagen"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Never wait long for a dead broker inside a web request: the outbox sweeper delivers later.
# visibility_timeout: an unacknowledged (acks_late) task of a killed worker is handed out
# again after this many seconds; the tests shorten it to prove that nothing is lost.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "max_retries": 1,
    # One immediate reconnect, not kombu's 2-second back-off: a web request's on-commit
    # hand-off gives up fast when Redis is down (the outbox sweeper delivers later).
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    # A broker that accepts the connection but never answers (frozen Redis, half-open TCP)
    # would otherwise block the publish for redis-py's default of 5 s per call.
    # 2 s stays above the worker's 1 s BRPOP; tests/slagelse_ou/test_notifications.py.
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless
# this is set; a new connection costs ~5 ms, so reuse it (CONN_MAX_AGE still applies).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # the lockout check, first
    "slagelse_ou.backends.PortalBackend",  # ModelBackend reading the request's user in one query
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "initiatives:mine"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# One client-IP rule for axes and the idea form (slagelse_ou/lib/client_ip.py).
CLIENT_IP_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "slagelse_ou.lib.client_ip.client_ip"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]

# django-guardian: no anonymous user row; public visibility is a queryset rule.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded attachments live outside every public URL; a view checks permission and streams them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = None
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = ATTACHMENT_MAX_BYTES + 1024 * 1024
# Whole request bodies (slagelse_ou/middleware.py), refused with a 413 page before they are
# read: signed-in users may upload an attachment; public forms take no file.
REQUEST_MAX_BYTES = ATTACHMENT_MAX_BYTES + 1024 * 1024
PUBLIC_REQUEST_MAX_BYTES = env_int("PUBLIC_REQUEST_MAX_KB", 512) * 1024
CSRF_FAILURE_VIEW = "slagelse_ou.views.csrf_failure"

# Django 6.1 MAILERS (replaces EMAIL_BACKEND/EMAIL_HOST/…; the old names may not be set beside it).
# The environment variables keep their names. Only the SMTP backend takes connection options;
# others (console, locmem, filebased) refuse unknown ones. Tests get locmem from Django's test set-up.
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
_smtp_options = {
    "host": env_str("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 25),
    "username": env_str("EMAIL_HOST_USER", ""),
    "password": env_str("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
    "timeout": env_int("EMAIL_TIMEOUT", 60),
}
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": _smtp_options if _email_backend.endswith(".smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Prøvehandlingsportalen <noreply@slagelse.dk>")

# Portal rules that the municipality may change.
PAGE_SIZE = env_int("PORTAL_PAGE_SIZE", 25)
# The prøvehandling lists count and page through at most this many matches (slagelse_ou/lib/paginator.py).
LIST_COUNT_CAP = env_int("PORTAL_LIST_COUNT_CAP", 1000)

# Dialogrum (dialogrum/): how long an author may correct a post, posts per thread page,
# and how long before a dialogue meeting its participants are reminded.
DIALOGRUM_EDIT_WINDOW_MINUTES = env_int("DIALOGRUM_EDIT_WINDOW_MINUTES", 15)
DIALOGRUM_POSTS_PER_PAGE = env_int("DIALOGRUM_POSTS_PER_PAGE", 20)
DIALOGRUM_MEETING_REMINDER_HOURS = env_int("DIALOGRUM_MEETING_REMINDER_HOURS", 24)

# Deadlines and reminders (slagelse_ou/reminders.py). Offsets are days before a deadline;
# overdue reminders repeat every N days; escalation counts overdue reminders.
REMINDER_OFFSETS_DAYS = sorted(set(env_int_list("REMINDER_OFFSETS_DAYS", "14,3,0")), reverse=True)
REMINDER_OVERDUE_EVERY_DAYS = env_int("REMINDER_OVERDUE_EVERY_DAYS", 7)
REMINDER_ESCALATE_MANAGER_AFTER = env_int("REMINDER_ESCALATE_MANAGER_AFTER", 2)
REMINDER_FLAG_OVERDUE_AFTER = env_int("REMINDER_FLAG_OVERDUE_AFTER", 3)
if any(day < 0 for day in REMINDER_OFFSETS_DAYS) or REMINDER_OVERDUE_EVERY_DAYS < 1:
    raise ImproperlyConfigured("REMINDER_OFFSETS_DAYS must be ≥ 0 and REMINDER_OVERDUE_EVERY_DAYS ≥ 1")
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 7)
# A worker that claimed an e-mail and died is presumed dead after this many seconds; the
# e-mail is then claimed again. Keep it well above the SMTP timeout and below the broker's
# visibility timeout, so the redelivered task of a killed worker finds the claim expired.
NOTIFICATION_CLAIM_LEASE_SECONDS = env_int("NOTIFICATION_CLAIM_LEASE_SECONDS", 600)
# An outbox row whose e-mail failed this many times is parked (not retried; shown to the
# secretariat on /sekretariat/fejlede-mails/) — slagelse_ou/outbox.py.
OUTBOX_MAX_FAILURES = env_int("OUTBOX_MAX_FAILURES", 5)
# The one-page PDF is kept in the cache under the hash of its HTML (results/views.py).
ONEPAGER_CACHE_SECONDS = env_int("ONEPAGER_CACHE_SECONDS", 7 * 24 * 3600)
# Continuous intake: applications outside any ansøgningsrunde may be submitted.
CONTINUOUS_INTAKE = env_bool("CONTINUOUS_INTAKE", True)
STATUS_REPORT_WEEKS = env_int("STATUS_REPORT_WEEKS", 4)
# Criteria and review (issue 3): the owning unit's manager looks first; reviewers are by
# default not from the owning unit; a decision needs this many submitted reviews (or an
# override with a reason).
MANAGER_ENDORSEMENT_ENABLED = env_bool("MANAGER_ENDORSEMENT_ENABLED", True)
REVIEW_EXCLUDE_OWNING_UNIT = env_bool("REVIEW_EXCLUDE_OWNING_UNIT", True)
DECISION_MIN_REVIEWS = env_int("DECISION_MIN_REVIEWS", 2)
if DECISION_MIN_REVIEWS < 0:
    raise ImproperlyConfigured("DECISION_MIN_REVIEWS must be 0 or more")
# Ideas from citizens and businesses (issue 5; ideas/spam.py explains the defences).
# Minimum seconds between showing the form and posting it; the form's signed start time
# expires after N hours. At most IDEA_RATE_LIMIT ideas per IP address per window.
IDEA_MIN_FILL_SECONDS = env_int("IDEA_MIN_FILL_SECONDS", 4)
IDEA_FORM_MAX_AGE_HOURS = env_int("IDEA_FORM_MAX_AGE_HOURS", 24)
IDEA_RATE_LIMIT = env_int("IDEA_RATE_LIMIT", 5)
IDEA_RATE_WINDOW_SECONDS = env_int("IDEA_RATE_WINDOW_SECONDS", 3600)
# Trusted reverse proxies in front of the portal (same variable as django-axes).
# An unconfirmed e-mail's confirmation link expires, and its idea is deleted, after N days.
IDEA_CONFIRM_DAYS = env_int("IDEA_CONFIRM_DAYS", 7)
# Contact details on closed ideas are anonymised N days after the idea was closed.
IDEA_RETENTION_DAYS = env_int("IDEA_RETENTION_DAYS", 365)
if (
    min(IDEA_RATE_LIMIT, IDEA_RATE_WINDOW_SECONDS, IDEA_CONFIRM_DAYS, IDEA_RETENTION_DAYS) < 1
    or IDEA_MIN_FILL_SECONDS < 0
):
    raise ImproperlyConfigured("IDEA_* settings must be positive (IDEA_MIN_FILL_SECONDS may be 0)")

SESSION_COOKIE_HTTPONLY = True
# Sessions (slagelse_ou/middleware.py): signed out after SESSION_IDLE_MINUTES without a
# request (the cookie's age, renewed at most every 5 minutes) and SESSION_MAX_AGE_HOURS in all.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_IDLE_RENEW_SECONDS = min(300, SESSION_COOKIE_AGE // 4)
SESSION_MAX_AGE_SECONDS = env_int("SESSION_MAX_AGE_HOURS", 12) * 3600
# Content-Security-Policy (Django's own): no inline script or style anywhere in the portal;
# everything from the portal's own origin (front-end assets are vendored from npm).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Style *attributes* only: htmx copies an element's style attribute when it settles a
    # swap (DKFDS's scripts set some). No <style> element and no script runs inline.
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in production")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
