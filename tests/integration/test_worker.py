"""Reports built by a real `celery worker` process (Redis broker, PostgreSQL database)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from melinh_sxsh.lib.jobs import JobStatus
from reports import building
from reports.models import Report
from tests.worker import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def status_of(report_id):
    return Report.objects.values_list("status", "progress").get(pk=report_id)


def test_a_report_asked_for_over_http_is_built_by_the_worker(start_worker, client):
    call_command("load_demo", stdout=StringIO())
    start_worker()
    client.force_login(User.objects.get(username="lanhdao"))
    response = client.post(reverse("reports:index"), {"year": 2018, "format": "pdf"})
    report = Report.objects.get()
    assert response.url == reverse("reports:report_detail", args=[report.pk])
    wait_for(lambda: status_of(report.pk)[0] == JobStatus.DONE, what="the report")
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert report.snapshot["kpi"]["year"] == 2018


def test_a_worker_killed_mid_report_is_replaced_and_the_report_completes(start_worker,
                                                                         settings, client):
    call_command("load_demo", stdout=StringIO())
    first = start_worker(SXSH_REPORT_STEP_DELAY=4)
    client.force_login(User.objects.get(username="canbo.kinhte"))
    client.post(reverse("reports:index"), {"year": 2018, "format": "pdf"})
    report = Report.objects.get()
    wait_for(lambda: status_of(report.pk) >= (JobStatus.RUNNING, 10)
             and status_of(report.pk)[0] == JobStatus.RUNNING, what="the build to start")
    first.kill()
    assert status_of(report.pk)[0] == JobStatus.RUNNING  # left running by a dead worker
    start_worker()
    # Celery beat runs this every minute; its heartbeat is stale after REPORT_STALE_SECONDS.
    settings.REPORT_STALE_SECONDS = 1
    from reports.tasks import requeue_stale_reports

    wait_for(lambda: requeue_stale_reports() == [report.pk], timeout=30,
             what="the stale report to be requeued")
    wait_for(lambda: status_of(report.pk)[0] == JobStatus.DONE, what="the rebuilt report")
    report.refresh_from_db()
    assert report.attempts == 2 and report.checksum
    assert not Report.objects.filter(status=JobStatus.RUNNING).exists()
    assert building.reports_requeue_stale() == []


def test_an_uploaded_file_is_checked_and_written_by_the_worker(start_worker, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from facilities.models import Facility, ImportJob
    from tests.facilities.xlsx_helpers import facilities_file

    call_command("load_demo", stdout=StringIO())
    before = Facility.objects.count()
    start_worker()
    client.force_login(User.objects.get(username="canbo.kinhte"))
    response = client.post(reverse("facilities:import"), {
        "kind": "facilities", "file": SimpleUploadedFile("co-so.xlsx", facilities_file(300))})
    job = ImportJob.objects.get()
    assert response.url == reverse("facilities:import_detail", args=[job.pk])
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.READY,
             what="the check")
    assert Facility.objects.count() == before  # checked, not written
    client.post(reverse("facilities:import_confirm", args=[job.pk]))
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE,
             what="the writing")
    assert Facility.objects.count() == before + 300
