"""Celery adapters: keyword-only ids in, call a service."""

from celery import shared_task

from results import services


@shared_task(acks_late=True)
def report_generate(*, report_id: int) -> bool:
    # acks_late is safe: the service claims the report with a conditional UPDATE, so a
    # redelivered or duplicated task finds it claimed or done and does nothing.
    return services.report_generate(report_id=report_id)
