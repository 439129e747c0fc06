"""Celery adapters: load by primary key, call a service."""

from celery import shared_task

from slagelse_ou import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_deliver(*, notification_id: int) -> bool:
    # acks_late is safe: the service claims the row before sending.
    return services.notification_deliver(notification_id=notification_id)


@shared_task
def notifications_sweep() -> int:
    ids = services.notifications_pending_ids()
    for pk in ids:
        notification_deliver.delay(notification_id=pk)
    return len(ids)


@shared_task(acks_late=True)
def reminders_scan() -> int:
    # acks_late is safe: the scan claims each reminder by a unique delivery row, so a
    # redelivered or duplicated scan writes nothing twice.
    from slagelse_ou import reminders

    return reminders.reminders_scan().deliveries


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_digest_deliver(*, user_id: int) -> int:
    # acks_late is safe: the digest claims its rows before sending (see the service).
    from slagelse_ou import reminders

    return reminders.notification_digest_send(user_id=user_id)


@shared_task
def notifications_digest() -> int:
    """Fan out one digest task per daily-digest user with something to read."""
    from slagelse_ou import reminders

    user_ids = reminders.digest_recipient_ids()
    for pk in user_ids:
        notification_digest_deliver.delay(user_id=pk)
    return len(user_ids)
