"""Celery adapters: call a service. Schedule (slagelse_ou/celery.py, owned by the lead):
"dialogrum-meeting-reminders": {"task": "dialogrum.tasks.meeting_reminders_send", "schedule": 900.0}
"""

from celery import shared_task

from dialogrum import services


@shared_task(acks_late=True)
def meeting_reminders_send() -> int:
    # acks_late is safe: each meeting's reminder is claimed by a conditional UPDATE.
    return services.meeting_reminders_send()
