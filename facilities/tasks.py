from celery import shared_task
from django.db import InterfaceError, OperationalError

from facilities.services import import_job_run


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=900, time_limit=1200,
             autoretry_for=(OperationalError, InterfaceError), retry_backoff=5, max_retries=3)
def run_import_job(job_id: int) -> None:
    import_job_run(job_id)
