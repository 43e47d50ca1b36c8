"""Building a report: the one service the Celery task, `build_report` and the tests call.

The report row is the source of truth (docs/ARCHITECTURE.md, "Background work"): a worker
claims it with one conditional UPDATE, refreshes its heartbeat as it goes, writes the file under
a temporary name and renames it into place (so a rerun replaces it atomically), and leaves a
message a person can read when it fails."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from melinh_sxsh.lib.jobs import JobLost, JobRun, JobStatus, job_claim
from reports.exporters import EXPORTERS, gather
from reports.exporters.city import CITY_EXPORTERS, gather_city
from reports.models import Report

logger = logging.getLogger(__name__)


def _store(name: str, content: bytes) -> str:
    """Write the file next to its final place and rename it there in one step."""
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


def _pause_for_tests() -> None:
    # SXSH_REPORT_STEP_DELAY slows each step so the worker tests can kill a build mid-way.
    delay = settings.REPORT_STEP_DELAY
    if delay:
        import time

        time.sleep(delay)


def report_build(report_id: int) -> None:
    """Build a queued report; a second delivery of the same message does nothing."""
    run = job_claim(Report, report_id)
    if run is None:
        return
    with run:
        _report_build(run)


def _report_build(run: JobRun) -> None:
    report = Report.objects.select_related("commune__district", "district").get(pk=run.pk)
    try:
        run.progress(10)
        _pause_for_tests()
        # The date line is the build's day unless the report carries one (the demo's are dated
        # December 2018).
        if report.is_city:  # the city's report: every district's figures (exporters/city.py)
            data = gather_city(year=report.year, number=report.number, signer=report.signer,
                               signer_title=report.signer_title, built_on=report.built_on)
        else:
            data = gather(year=report.year, commune=report.commune, number=report.number,
                          shortcomings=report.shortcomings, next_steps=report.next_steps,
                          signer=report.signer, signer_title=report.signer_title,
                          district=report.district, built_on=report.built_on)
        run.progress(40)
        _pause_for_tests()
        exporter = (CITY_EXPORTERS if report.is_city else EXPORTERS)[report.format]()
        file_name, _type, content = exporter.render(data)
        run.progress(80)
        _pause_for_tests()
        name = _store(f"reports/{report.pk}/{file_name}", content)
    except JobLost:
        return  # handed to another worker after this one was taken for dead
    except SoftTimeLimitExceeded:
        run.finish(JobStatus.FAILED, _(
            "Building the report took too long and was stopped; try again later, or ask for "
            "a smaller scope."))
        return
    except (OperationalError, InterfaceError):
        run.release()  # transient: back to the queue; the task retries it
        raise
    except Exception as exc:
        logger.exception("report %s failed", run.pk)
        run.finish(JobStatus.FAILED, _(
            "The report could not be built (%(reason)s). Nothing was published; the Economic "
            "Department has the details in the server log.") % {"reason": type(exc).__name__})
        return
    run.finish(JobStatus.DONE, "", file=name, checksum=hashlib.sha256(content).hexdigest(),
               snapshot=data.snapshot(), built_on=data.built_on)


def drafts_purge(*, older_than_days: int = 90) -> int:
    """Delete reports never issued and older than 90 days, with their files."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    count = 0
    for report in Report.objects.filter(issued_at__isnull=True, created_at__lt=cutoff).exclude(
            status__in=(JobStatus.QUEUED, JobStatus.RUNNING)):
        if report.file:
            report.file.delete(save=False)
        report.delete()
        count += 1
    return count
