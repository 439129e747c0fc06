"""Celery adapters: keyword-only ids in, call a service."""

from celery import shared_task

from results import services


@shared_task(acks_late=True)
def report_generate(*, report_id: int) -> bool:
    # acks_late is safe: the service claims the report with a conditional UPDATE, so a
    # redelivered or duplicated task finds it claimed or done and does nothing.
    return services.report_generate(report_id=report_id)


@shared_task
def reports_sweep() -> int:
    """Every two minutes (beat): hand over reports that never reached a worker."""
    ids = services.reports_pending_ids()
    for pk in ids:
        report_generate.delay(report_id=pk)
    return len(ids)
