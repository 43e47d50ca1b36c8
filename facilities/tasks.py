from celery import shared_task
from django.db import InterfaceError, OperationalError

from facilities.services import import_job_run
from melinh_sxsh.lib.importing import MAX_SECONDS


# The importer stops itself after MAX_SECONDS with a message; the time limits are the backstop
# if it cannot (and stay far below Redis's visibility timeout of an hour).
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=MAX_SECONDS + 60,
             time_limit=MAX_SECONDS + 120, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=5, max_retries=3)
def run_import_job(job_id: int) -> None:
    import_job_run(job_id)
