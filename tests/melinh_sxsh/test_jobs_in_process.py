"""Without a broker (no REDIS_URL, as under `make run`), jobs run in threads of the web process:
the page that asked for a job answers before the job runs and follows it as it would a worker's;
each job ends as a worker's would, on connections of its own; the process sweeps as beat does.

Each test holds the runner's one thread (`held`) while it looks at the page, so that it never
reads the database while a thread writes (the in-memory SQLite test database cannot share
tables between connections at the same moment); `background_jobs.drain()` waits for the jobs."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from facilities.models import Facility, ImportJob
from melinh_sxsh.lib.jobs import JobStatus, job_dispatch
from reports.models import Report
from tests.facilities.xlsx_helpers import facilities_file
from tests.factories import district_create
from tests.sxsh_env import need

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held(background_jobs, settings):
    """hold(model) -> a gate: the one thread for that kind of job waits until it is set."""
    settings.JOB_THREADS = 1
    gates = []

    def hold(model):
        gate = threading.Event()
        background_jobs.pool(model).submit(gate.wait)
        gates.append(gate)
        return gate

    yield hold
    for gate in gates:
        gate.set()


def upload(client, content):
    return client.post(
        reverse("facilities:import"),
        {"kind": "facilities", "file": SimpleUploadedFile("co-so.xlsx", content)},
    )


@pytest.mark.slow
def test_the_report_page_answers_before_the_report_is_built_and_then_offers_it(
    held, background_jobs, login, staff
):
    gate = held(Report)
    client = login(staff)
    response = client.post(reverse("reports:index"), {"year": 2018, "format": "pdf"})
    report = Report.objects.get()
    assert response.status_code == 302 and report.status == JobStatus.QUEUED
    page = client.get(response.url).content.decode()
    assert '<progress class="job-progress"' in page and 'hx-trigger="load delay:1s"' in page
    assert "report-download" not in page

    gate.set()
    background_jobs.drain()
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == (JobStatus.DONE, 100, 1)
    with report.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page = client.get(response.url).content.decode()
    assert "report-download" in page and "<progress" not in page and "hx-get" not in page


@pytest.mark.slow
def test_a_500_row_file_is_checked_then_written_by_a_thread(
    held, background_jobs, login, official_a
):
    gate = held(ImportJob)
    client = login(official_a)
    response = upload(client, facilities_file(500))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.QUEUED
    page = client.get(response.url).content.decode()
    assert '<progress class="job-progress"' in page and "Hủy lần nhập này" in page

    gate.set()
    background_jobs.drain()
    job.refresh_from_db()
    assert job.status == JobStatus.READY, job.errors[:3]
    assert (job.preview["rows"], job.preview["created"]) == (500, 500)
    assert "Xác nhận và ghi 500 dòng" in client.get(response.url).content.decode()

    client.post(reverse("facilities:import_confirm", args=[job.pk]))
    background_jobs.drain()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Facility.objects.filter(commune=official_a.commune).count() == 500


def test_cancel_while_the_file_waits_for_a_thread(held, background_jobs, login, official_a):
    gate = held(ImportJob)
    client = login(official_a)
    upload(client, facilities_file(3))
    job = ImportJob.objects.get()
    client.post(reverse("facilities:import_cancel", args=[job.pk]))
    gate.set()
    background_jobs.drain()  # the thread finds the job no longer queued and leaves it
    job.refresh_from_db()
    assert (job.status, job.attempts, bool(job.file)) == (JobStatus.CANCELLED, 0, False)
    assert "Đã hủy" in job.message and Facility.objects.count() == 0


def test_a_job_that_breaks_outside_its_service_is_failed_with_a_message(
    background_jobs, staff, caplog
):
    # A kind of import this version no longer knows: the task breaks before its service can
    # record anything.
    job = ImportJob.objects.create(kind="retired", requested_by=staff, original_name="cu.xlsx")
    job_dispatch(ImportJob, job.pk)
    background_jobs.drain()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at
    assert job.message.startswith("Công việc dừng vì một lỗi không lường trước")
    assert "failed in process" in caplog.text  # the details are in the log


def test_the_process_sweeps_a_job_whose_process_died_and_runs_it_again(
    background_jobs, settings, staff
):
    settings.JOB_STALE_SECONDS = 8  # a sweep every 2 s
    orphan = district_create(
        Report, year=2018,
        format="xlsx",
        requested_by=staff,
        status=JobStatus.RUNNING,
        attempts=1,
        claims=1,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    background_jobs.start_sweeping()
    assert background_jobs.swept.wait(timeout=30)
    background_jobs.stop_sweeping()
    background_jobs.drain()
    orphan.refresh_from_db()
    assert (orphan.status, orphan.attempts, orphan.claims) == (JobStatus.DONE, 2, 2)


def pg_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_a_thread_closes_its_connections_when_its_job_ends(background_jobs, staff):
    need("PostgreSQL", connection.vendor == "postgresql", "counts the server's connections")
    before = pg_connections()
    reports = [
        district_create(Report, year=2018, format="xlsx", requested_by=staff) for _ in range(3)
    ]
    for report in reports:
        job_dispatch(Report, report.pk)
    background_jobs.drain()
    assert set(Report.objects.values_list("status", flat=True)) == {JobStatus.DONE}
    # The idle threads hold none. The server ends a closed connection's backend a moment after
    # the client closes it (seen: one still listed on a slow day), so the count may take that.
    deadline = time.monotonic() + 5
    while pg_connections() != before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert pg_connections() == before


def test_a_long_job_keeps_beating_so_the_sweep_leaves_it_alone(background_jobs, settings, staff):
    """Its steps are further apart than a job may go silent: only the heartbeat thread of the
    runner's thread keeps the sweep of this same process from taking it for dead."""
    need("PostgreSQL", connection.vendor == "postgresql", "three threads write at once")
    settings.JOB_STALE_SECONDS = 2  # a heartbeat every 0.5 s, a sweep every second
    settings.REPORT_STEP_DELAY = 3
    report = district_create(Report, year=2018, format="xlsx", requested_by=staff)
    background_jobs.start_sweeping()
    job_dispatch(Report, report.pk)
    background_jobs.drain()
    background_jobs.stop_sweeping()
    report.refresh_from_db()
    assert (report.status, report.attempts, report.claims) == (JobStatus.DONE, 1, 1)
