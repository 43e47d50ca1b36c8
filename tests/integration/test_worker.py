"""Reports built by a real `celery worker` process (Redis broker, PostgreSQL database)."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from facilities.models import Facility, ImportJob
from melinh_sxsh.lib.jobs import JobStatus
from reports.models import Report
from tests.worker import wait_for

# One xdist worker runs them one after another: each starts Celery processes and some time
# what they do, which a second such test beside it would slow.
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True),
              pytest.mark.xdist_group("celery")]


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
    # Celery beat runs the sweep every minute; the heartbeat is stale after JOB_STALE_SECONDS.
    settings.JOB_STALE_SECONDS = 1
    from melinh_sxsh.tasks import sweep_stale_jobs

    wait_for(lambda: sweep_stale_jobs()["reports.Report"] == [report.pk], timeout=30,
             what="the stale report to be requeued")
    wait_for(lambda: status_of(report.pk)[0] == JobStatus.DONE, what="the rebuilt report")
    report.refresh_from_db()
    assert report.attempts == 2 and report.checksum
    assert not Report.objects.filter(status=JobStatus.RUNNING).exists()


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


# ---- imports: the same lifecycle, with real processes -----------------------------------

STALE = 3  # seconds without a heartbeat before beat takes a job for abandoned


def import_state(job_id):
    return ImportJob.objects.values_list("status", "apply", "progress", "claims").get(pk=job_id)


def staff_client(client):
    from tests.conftest import make_user

    client.force_login(make_user("canbo", "staff"))
    return client


def send(client, content, name="co-so.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("facilities:import"), {
        "kind": "facilities", "file": SimpleUploadedFile(name, content)})


def test_a_worker_killed_while_writing_leaves_the_import_done_never_running(
        start_worker, start_beat, client):
    """kill -9 in the middle of the writing transaction: beat finds the heartbeat stale, a new
    worker writes the file from the start, and every row is there once."""
    from tests.facilities.raw_xlsx import excel_file
    from tests.facilities.xlsx_helpers import FACILITY_HEADERS, facility_row

    count = 20_000
    first = start_worker(JOB_STALE_SECONDS=STALE)
    client = staff_client(client)
    send(client, excel_file([FACILITY_HEADERS] + [facility_row(n) for n in range(1, count + 1)]))
    job = ImportJob.objects.get()
    wait_for(lambda: import_state(job.pk)[0] == JobStatus.READY, timeout=180, interval=1,
             what="the check")
    client.post(reverse("facilities:import_confirm", args=[job.pk]))
    # Progress is 70 from the moment the writing transaction opens.
    wait_for(lambda: import_state(job.pk)[:3] == (JobStatus.RUNNING, True, 70), timeout=180,
             interval=0.2, what="the writing")
    first.kill()
    killed = time.monotonic()
    assert import_state(job.pk)[0] == JobStatus.RUNNING  # what the page used to show forever
    assert Facility.objects.count() == 0  # the transaction died with the worker
    start_worker(JOB_STALE_SECONDS=STALE)
    start_beat(JOB_STALE_SECONDS=STALE)
    # Taken back from the dead worker soon after its heartbeat went stale ...
    wait_for(lambda: import_state(job.pk)[3] > 2, timeout=STALE * 5, interval=0.2,
             what="beat to requeue the import")
    assert time.monotonic() - killed < STALE * 5
    # ... and written again, whole.
    wait_for(lambda: import_state(job.pk)[0] == JobStatus.DONE, timeout=180, interval=1,
             what="the new worker to write it")
    assert Facility.objects.count() == count
    job.refresh_from_db()
    assert job.message == "Đã ghi dữ liệu." and job.attempts == 2


def test_an_import_that_keeps_killing_its_worker_fails_with_a_message(
        start_worker, start_beat, client):
    from tests.facilities.raw_xlsx import excel_file
    from tests.facilities.xlsx_helpers import FACILITY_HEADERS, facility_row

    first = start_worker(JOB_STALE_SECONDS=STALE)
    client = staff_client(client)
    send(client, excel_file([FACILITY_HEADERS] + [facility_row(n) for n in range(1, 20_001)]))
    job = ImportJob.objects.get()
    wait_for(lambda: import_state(job.pk)[0] == JobStatus.RUNNING, interval=0.2,
             what="the check to start")
    first.kill()
    # One attempt allowed: the sweep fails it instead of trying again.
    start_worker(queues="celery", JOB_STALE_SECONDS=STALE, JOB_MAX_ATTEMPTS=1)
    start_beat(JOB_STALE_SECONDS=STALE)
    wait_for(lambda: import_state(job.pk)[0] == JobStatus.FAILED, timeout=STALE * 10,
             interval=0.3, what="the import to fail")
    page = client.get(reverse("facilities:import_detail", args=[job.pk])).content.decode()
    assert "Công việc đã dừng 1 lần mà chưa xong" in page and "hx-trigger" not in page
    assert Facility.objects.count() == 0


def test_a_staff_report_is_not_held_up_by_two_bomb_imports(start_worker, client):
    """The workers as docker-compose.yml starts them. Two officials each send a bomb that gets
    past the upload check (nothing declared; the worker's scan refuses it); a staff report asked
    for at the same moment is built in its usual time, not after them (they used to hold both
    worker processes for three minutes each)."""
    from tests.facilities.raw_xlsx import empty_rows_bomb, shared_strings_bomb
    from tests.melinh_sxsh.test_compose import compose, worker_queues

    call_command("load_demo", stdout=StringIO())
    for name, queues in worker_queues().items():
        command = compose()["services"][name]["command"]
        concurrency = int(command.split("--concurrency=")[1].split()[0])
        start_worker(queues=",".join(sorted(queues)), concurrency=concurrency)
    officials = [Client(), Client()]
    officials[0].force_login(User.objects.get(username="xa.quangminh"))
    officials[1].force_login(User.objects.get(username="xa.tienphong"))
    assert send(officials[0], shared_strings_bomb(declared=False)).status_code == 302
    second = send(officials[0], empty_rows_bomb(), name="lan-hai.xlsx")
    assert "từng tệp một" in second.content.decode()  # one account, one file at a time
    assert send(officials[1], empty_rows_bomb()).status_code == 302
    started = time.monotonic()
    client.force_login(User.objects.get(username="canbo.kinhte"))
    client.post(reverse("reports:index"), {"year": 2018, "format": "pdf"})
    report = Report.objects.get()
    wait_for(lambda: status_of(report.pk)[0] == JobStatus.DONE, what="the report")
    assert time.monotonic() - started < 60
    wait_for(lambda: set(ImportJob.objects.values_list("status", flat=True)) == {"invalid"},
             what="both bombs to be refused")
    messages = sorted(ImportJob.objects.values_list("message", flat=True))
    assert "giá trị chữ" in messages[0] and "dòng trống liên tiếp" in messages[1], messages
    assert time.monotonic() - started < 60
