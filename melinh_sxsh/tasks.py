"""Celery tasks of the portal as a whole (each app keeps its own in its tasks.py)."""

from celery import shared_task

from melinh_sxsh.lib import jobs


@shared_task
def sweep_stale_jobs() -> dict[str, list[int]]:
    """Celery beat: every kind of background job whose worker died is requeued or failed."""
    return jobs.sweep_stale_jobs()
