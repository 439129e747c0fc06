"""Settings of the gunicorn process that bench/ideas_burst.py starts, and of nothing else:
the portal's own settings, except that the notifications each idea hands to Celery go to a
queue of their own. No worker of the portal listens there, so nobody delivers outbox rows of
the bench database as if they were its own; the burst deletes the queue afterwards."""

from slagelse_ou.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = "bench-ideas"
