"""Celery adapters: keyword-only ids in, call a service."""

from celery import shared_task

from ideas import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def idea_mail_deliver(*, mail_id: int, status_token: str = "") -> bool:
    # acks_late is safe: the service claims the outbox row before sending.
    return services.idea_mail_deliver(mail_id=mail_id, status_token=status_token)


@shared_task
def ideas_mail_sweep() -> int:
    """Hand over outbox rows whose on-commit hand-off failed (broker down) or whose worker
    died; they go without the status link, which never touches the database."""
    ids = services.idea_mails_pending_ids()
    for pk in ids:
        idea_mail_deliver.delay(mail_id=pk)
    return len(ids)


@shared_task(acks_late=True)
def ideas_retention() -> dict[str, int]:
    # acks_late is safe: both steps are set-based and find nothing the second time.
    return {
        "anonymised": services.idea_anonymise_expired(),
        "unconfirmed_deleted": services.idea_delete_unconfirmed(),
    }
