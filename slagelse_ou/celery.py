"""Celery application. Exactly one beat process runs this schedule (docker-compose `beat`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slagelse_ou.settings")

app = Celery("slagelse_ou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # The outbox sweeper: delivers notifications whose on-commit hand-off to the broker
    # failed (Redis down) or whose worker died. Deliveries are claimed with a conditional
    # UPDATE, so running it while a normal delivery is in flight sends nothing twice.
    "notifications-sweep": {
        "task": "slagelse_ou.tasks.notifications_sweep",
        "schedule": 60.0,
    },
}
