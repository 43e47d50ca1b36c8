"""Reports: asked for on the page, built through the one service, the same numbers as
`kpi --json` in the PDF and the workbook; issuing; drafts; stale reports."""

import json
import subprocess
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import User
from facilities.models import FacilityYearStatus, Stage
from melinh_sxsh.lib.jobs import JobStatus, sweep_stale
from reports import building
from reports.models import Report
from reports.services import report_request
from tests.factories import district_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def vn(value, places=2):
    from melinh_sxsh.lib.text import format_number

    return format_number(value, places)


def kpi(*args):
    out = StringIO()
    call_command("kpi", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def ask(client, **data):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("reports:index"), {"format": "pdf", **data})
    return response


def pdf_text(report) -> str:
    with report.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.slow
def test_leader_asks_for_a_district_report_and_downloads_it(demo, login):
    leader = User.objects.get(username="lanhdao")
    client = login(leader)
    response = ask(client, year=2018)
    report = Report.objects.get()
    assert response.url == reverse("reports:report_detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == JobStatus.DONE and report.progress == 100
    assert report.commune is None and report.requested_by == leader
    assert len(report.checksum) == 64
    download = client.get(reverse("reports:report_download", args=[report.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(content).hexdigest() == report.checksum


@pytest.mark.slow
def test_pdf_text_carries_the_kpi_json_numbers(demo, login):
    client = login(User.objects.get(username="canbo.kinhte"))
    ask(client, year=2018, shortcomings="Một số cơ sở chưa cập nhật số liệu.",
        next_steps="Tiếp tục tuyên truyền.", number="25/BC-KT")
    report = Report.objects.get()
    text = pdf_text(report)
    data = kpi("--year", "2018")
    assert report.snapshot["kpi"] == data
    for key in ("aware", "saving"):
        assert vn(data[key]["change_percent"]) in text
        assert vn(data[key]["change_points"]) in text
        assert f"{data[key]['baseline']}" in text and f"{data[key]['current']}" in text
    assert vn(data["energy_saved_toe"], 3) in text
    assert "Đạt" in text
    assert "Số: 25/BC-KT" in text
    assert "Một số cơ sở chưa cập nhật số liệu." in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert f"Mê Linh, ngày {timezone.localdate():%d} tháng {timezone.localdate():%m}" in text
    assert "PHỤ LỤC" in text


@pytest.mark.slow
def test_workbook_numbers_equal_the_kpi_json(demo, login):
    client = login(User.objects.get(username="canbo.kinhte"))
    ask(client, year=2018, format="xlsx", commune="")
    report = Report.objects.get()
    with report.file.open("rb") as handle:
        workbook = load_workbook(BytesIO(handle.read()))
    assert workbook.sheetnames == ["Chỉ tiêu", "Xã, thị trấn", "Cơ sở tiết kiệm", "Hoạt động",
                                   "Theo loại hoạt động", "Mô hình trình diễn", "Kinh phí"]
    sheet = workbook["Chỉ tiêu"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    data = kpi("--year", "2018")
    aware = rows["Cơ sở nhận thức được lợi ích của SXSH"]
    assert aware[1:5] == (data["aware"]["baseline"], data["aware"]["current"],
                          data["aware"]["change_percent"], data["aware"]["change_points"])
    saving = rows["Cơ sở áp dụng SXSH tiết kiệm năng lượng"]
    assert saving[1:3] == (data["saving"]["baseline"], data["saving"]["current"])
    assert rows["Năng lượng tiết kiệm (TOE)"][2] == data["energy_saved_toe"]
    assert sheet.freeze_panes == "A2"
    savers = list(workbook["Cơ sở tiết kiệm"].iter_rows(min_row=2, values_only=True))
    assert len(savers) == data["saving"]["current"]


@pytest.mark.slow
def test_commune_official_gets_only_their_communes_report(demo, login):
    official = User.objects.get(username="xa.tienphong")
    client = login(official)
    ask(client, year=2018, commune=User.objects.get(username="xa.quangminh").commune_id)
    report = Report.objects.get()
    assert report.commune.code == "09019"
    assert report.snapshot["kpi"] == kpi("--year", "2018", "--commune", "09019")
    other = report_request(user=User.objects.get(username="canbo.kinhte"), year=2018)
    assert client.get(reverse("reports:report_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("reports:report_download", args=[other.pk])).status_code == 404


@pytest.mark.slow
def test_an_issued_report_never_changes(demo, login):
    staff = User.objects.get(username="canbo.kinhte")
    client = login(staff)
    ask(client, year=2018)
    report = Report.objects.get()
    with report.file.open("rb") as handle:
        before = handle.read()
    snapshot = report.snapshot
    client.post(reverse("reports:report_issue", args=[report.pk]))
    report.refresh_from_db()
    assert report.is_issued and report.issued_by == staff
    # The data change ...
    for status in FacilityYearStatus.objects.filter(year=2018, stage=Stage.UNAWARE)[:20]:
        status.stage = Stage.AWARE
        status.save()
    assert kpi("--year", "2018")["aware"] != snapshot["kpi"]["aware"]
    # ... the issued report does not: no rebuild, no delete, same file, same snapshot.
    response = client.post(reverse("reports:report_rebuild", args=[report.pk]), follow=True)
    assert "báo cáo đã ban hành giữ nguyên tệp" in response.content.decode()
    response = client.post(reverse("reports:report_delete", args=[report.pk]), follow=True)
    assert "Không thể xóa báo cáo đã ban hành" in response.content.decode()
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        assert handle.read() == before
    assert report.snapshot == snapshot
    body = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    assert f"{snapshot['kpi']['aware']['baseline']} → {snapshot['kpi']['aware']['current']}" \
        in body


@pytest.mark.slow
def test_rebuilding_a_draft_replaces_its_file(demo, login):
    client = login(User.objects.get(username="canbo.kinhte"))
    ask(client, year=2018)
    report = Report.objects.get()
    path = report.file.path
    # Built some days ago: the new build is dated today (a build prints a date it is given
    # only before its first build, as the demo's are).
    Report.objects.filter(pk=report.pk).update(built_on=report.built_on - timedelta(days=9))
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("reports:report_rebuild", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == JobStatus.DONE and report.file.path == path
    assert report.built_on == timezone.localdate()
    assert report.snapshot["built_on"] == timezone.localdate().isoformat()
    leftovers = [p.name for p in __import__("pathlib").Path(path).parent.iterdir()]
    assert leftovers == [report.file.name.rsplit("/", 1)[-1]]


@pytest.mark.slow
def test_a_second_delivery_does_nothing(demo, staff):
    report = district_create(Report, year=2018, requested_by=staff)
    building.report_build(report.pk)
    report.refresh_from_db()
    built_at, checksum = report.finished_at, report.checksum
    building.report_build(report.pk)  # the broker delivers the same message again
    report.refresh_from_db()
    assert (report.finished_at, report.checksum, report.attempts) == (built_at, checksum, 1)


def test_a_failure_leaves_a_readable_message(staff, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(building, "gather", broken)
    report = district_create(Report, year=2018, requested_by=staff)
    building.report_build(report.pk)
    report.refresh_from_db()
    assert report.status == JobStatus.FAILED
    assert "Không lập được báo cáo (RuntimeError)" in report.message


def test_a_report_left_running_by_a_dead_worker_is_requeued(staff, settings):
    settings.JOB_STALE_SECONDS = 60
    stale = district_create(Report, year=2018, status=JobStatus.RUNNING, attempts=1,
                            heartbeat_at=timezone.now() - timedelta(minutes=5))
    fresh = district_create(Report, year=2018, status=JobStatus.RUNNING, attempts=1,
                            heartbeat_at=timezone.now())
    hopeless = district_create(Report, year=2018, status=JobStatus.RUNNING, attempts=3,
                               heartbeat_at=timezone.now() - timedelta(minutes=5))
    assert sweep_stale(Report, older_than=timedelta(seconds=60), max_attempts=3) == [stale.pk]
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses == {stale.pk: JobStatus.QUEUED, fresh.pk: JobStatus.RUNNING,
                        hopeless.pk: JobStatus.FAILED}


def test_old_drafts_are_purged_but_issued_reports_kept(staff):
    old = timezone.now() - timedelta(days=91)
    draft = district_create(Report, year=2018, status=JobStatus.DONE)
    issued = district_create(Report, year=2018, status=JobStatus.DONE, issued_at=old)
    recent = district_create(Report, year=2018, status=JobStatus.DONE)
    Report.objects.filter(pk__in=[draft.pk, issued.pk]).update(created_at=old)
    assert building.drafts_purge() == 1
    assert set(Report.objects.values_list("pk", flat=True)) == {issued.pk, recent.pk}


@pytest.mark.slow
def test_weekly_draft_builds_the_district_report(demo):
    from django.test import TestCase

    from reports.tasks import weekly_draft

    with TestCase.captureOnCommitCallbacks(execute=True):
        report_id = weekly_draft()
    report = Report.objects.get(pk=report_id)
    assert report.scheduled and report.year == 2018 and report.status == JobStatus.DONE


def test_beat_schedule_is_defined_once(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} == {
        "reports.tasks.weekly_draft", "reports.tasks.purge_old_drafts",
        "melinh_sxsh.tasks.sweep_stale_jobs", "audits.tasks.send_reminders"}
    from melinh_sxsh.celery import app

    for entry in schedule.values():
        assert entry["task"] in app.tasks or __import__("reports.tasks")


@pytest.mark.parametrize("role", ["unit", "admin"])
def test_roles_that_may_not_ask(login, cast, role):
    assert login(cast[role]).get(reverse("reports:index")).status_code == 200
    assert login(cast[role]).post(reverse("reports:index"), {"year": 2018,
                                                             "format": "pdf"}).status_code == 403


def test_only_staff_issue_and_lock(login, cast, staff):
    report = district_create(Report, year=2018, status=JobStatus.DONE, requested_by=staff)
    assert login(cast["leader"]).post(reverse("reports:report_issue",
                                              args=[report.pk])).status_code == 403
    assert login(cast["leader"]).get(reverse("reports:locks")).status_code == 403


@pytest.mark.parametrize("path", ["/reports/999999/", "/reports/999999/download/",
                                  "/reports/abc/"])
def test_bad_ids(login, cast, path):
    assert login(cast["staff"]).get(path).status_code == 404


@pytest.mark.slow
def test_build_report_command(demo, tmp_path):
    out = tmp_path / "bao-cao.pdf"
    call_command("build_report", "--year", "2018", "--format", "pdf", "--out", str(out),
                 stdout=StringIO())
    assert out.read_bytes().startswith(b"%PDF")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True)
    if fonts.returncode == 0:
        assert "Liberation-Serif" in fonts.stdout
        lines = [line for line in fonts.stdout.splitlines() if "Liberation" in line]
        assert lines and all(" yes " in line for line in lines)  # embedded


def built_draft(user, commune=None) -> Report:
    report = district_create(Report, year=2018, commune=commune, format="xlsx", requested_by=user)
    building.report_build(report.pk)
    report.refresh_from_db()
    return report


def test_only_staff_and_whoever_asked_rebuild_or_delete_a_draft(login, cast):
    """One rule (report.change) for both: a leader may not rebuild or delete the draft staff
    asked for, nor a commune official their commune's draft someone else asked for."""
    commune = cast["official_a"].commune
    theirs = built_draft(cast["staff"], commune)
    for name in ("leader", "official_a"):
        client = login(cast[name])
        page = client.get(reverse("reports:report_detail", args=[theirs.pk])).content.decode()
        assert reverse("reports:report_rebuild", args=[theirs.pk]) not in page, name
        assert reverse("reports:report_delete", args=[theirs.pk]) not in page, name
        assert client.post(reverse("reports:report_rebuild", args=[theirs.pk])).status_code \
            == 403, name
        assert client.get(reverse("reports:report_delete", args=[theirs.pk])).status_code \
            == 403, name
        assert client.post(reverse("reports:report_delete", args=[theirs.pk])).status_code \
            == 403, name
    theirs.refresh_from_db()
    assert theirs.status == JobStatus.DONE and theirs.attempts == 1  # not queued again
    # Their own drafts they rebuild and delete; staff do both to anyone's.
    for name, asker in (("leader", "leader"), ("official_a", "official_a"),
                        ("staff", "leader")):
        mine = built_draft(cast[asker], commune)
        client = login(cast[name])
        page = client.get(reverse("reports:report_detail", args=[mine.pk])).content.decode()
        assert reverse("reports:report_rebuild", args=[mine.pk]) in page, name
        response = client.post(reverse("reports:report_rebuild", args=[mine.pk]))
        assert response.status_code == 302, name
        mine.refresh_from_db()
        assert mine.status == JobStatus.QUEUED, name
        Report.objects.filter(pk=mine.pk).update(status=JobStatus.DONE)
        client.post(reverse("reports:report_delete", args=[mine.pk]))
        assert not Report.objects.filter(pk=mine.pk).exists(), name
