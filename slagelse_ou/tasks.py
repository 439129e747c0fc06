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
