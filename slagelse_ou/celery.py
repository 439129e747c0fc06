"""Celery application. Exactly one beat process runs this schedule (docker-compose `beat`)."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_prerun
from celery.worker.control import inspect_command

from slagelse_ou.lib.env import env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slagelse_ou.settings")

app = Celery("slagelse_ou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The schedule is built as a plain dict and given to Celery once, at the end: reading
# `app.conf` here (`app.conf.beat_schedule.update(…)`) loads the Django settings as a side
# effect of `import slagelse_ou`, before a caller such as `python -m bench` has pointed
# DATABASE_URL at its own database — the bench then truncated the development database.
beat_schedule = {
    # The outbox sweeper: delivers notifications whose on-commit hand-off to the broker
    # failed (Redis down) or whose worker died. Deliveries are claimed with a conditional
    # UPDATE, so running it while a normal delivery is in flight sends nothing twice.
    "notifications-sweep": {
        "task": "slagelse_ou.tasks.notifications_sweep",
        "schedule": 60.0,
    },
    # Deadlines live in the database; this scan finds the reminders due today with
    # set-based queries and claims each by a unique row, so running it every hour (or
    # twice) sends nothing twice. Office hours only: nobody wants a reminder at 3 a.m.
    "reminders-scan": {
        "task": "slagelse_ou.tasks.reminders_scan",
        "schedule": crontab(minute=5, hour="6-20"),
    },
    # One e-mail a day for users who chose the digest; idempotent (claimed rows).
    "notifications-digest": {
        "task": "slagelse_ou.tasks.notifications_digest",
        "schedule": crontab(minute=0, hour=env_int("NOTIFICATION_DIGEST_HOUR", 7)),  # = settings' default
    },
}

# Citizens' ideas (ideas/tasks.py). Retention: contact details on ideas closed longer than
# IDEA_RETENTION_DAYS are blanked and never-confirmed ideas deleted; set-based and
# idempotent, so a second run (or beat) finds nothing. The sweep re-hands e-mails whose
# hand-off to the broker failed; delivery claims the outbox row, so nothing goes twice.
beat_schedule.update(
    {
        "ideas-retention": {"task": "ideas.tasks.ideas_retention", "schedule": crontab(minute=30, hour=3)},
        "ideas-mail-sweep": {"task": "ideas.tasks.ideas_mail_sweep", "schedule": 300.0},
        # Reports ordered while the broker was down, or whose worker died (results/tasks.py).
        "reports-sweep": {"task": "results.tasks.reports_sweep", "schedule": 120.0},
    }
)

# Dialogue meetings (dialogrum/tasks.py): a reminder before each meeting, claimed per
# (meeting, participant, meeting time) so a second run or a moved meeting never doubles up.
beat_schedule["dialogrum-meeting-reminders"] = {
    "task": "dialogrum.tasks.meeting_reminders_send",
    "schedule": 900.0,
}

app.conf.beat_schedule = beat_schedule


# Issue 14.1: a worker recovers by itself from a dropped database connection. Celery's
# Django fixup reuses one connection for CELERY_DB_REUSE_MAX tasks without looking at it,
# so after a PostgreSQL restart or pg_terminate_backend every later task failed. Before
# each task Django's own request-start routine runs: it closes a connection that has had
# errors and is no longer usable, or has outlived CONN_MAX_AGE, and re-arms
# CONN_HEALTH_CHECKS so the task's first query pings the connection and reconnects if dead.
# (Not for a task run eagerly inside the caller's transaction, as Celery's own fixup.)
@task_prerun.connect(weak=False)
def _database_connection_fresh(task=None, **_kwargs) -> None:
    from django.db import close_old_connections

    if task is not None and getattr(task.request, "is_eager", False):
        return
    close_old_connections()


@inspect_command()
def database_ping(state) -> dict[str, str]:
    """`celery inspect database_ping`: the worker itself runs SELECT 1 (the container's health
    check asks this, so a worker that answers the broker but cannot reach its database is
    reported unhealthy; slagelse_ou/management/commands/healthcheck.py --worker)."""
    from django.db import close_old_connections, connection

    close_old_connections()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any driver error means "cannot reach the database"
        return {"database": f"error: {error}"}
    return {"database": "ok"}
