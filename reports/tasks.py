"""Celery tasks: thin, they take a primary key and call a service (reports/building.py)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reports import building


# The hard limit stays far below Redis's visibility timeout (an hour), so that a message is
# never delivered to a second worker while the first still runs it.
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=3)
def build_report(report_id: int) -> None:
    building.report_build(report_id)


@shared_task
def weekly_draft() -> int:
    from reports.services import report_request_scheduled

    return report_request_scheduled().pk


@shared_task
def purge_old_drafts() -> int:
    return building.drafts_purge()
