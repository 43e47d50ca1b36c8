"""The import page: upload, background check, preview, confirm; all through ImportJob rows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from facilities.models import Facility, ImportJob
from melinh_sxsh.lib.importing import run_import
from tests.facilities.xlsx_helpers import facilities_file

pytestmark = pytest.mark.django_db


def upload(client, content, kind="facilities", name="co-so.xlsx"):
    return client.post(reverse("facilities:import"), {
        "kind": kind, "file": SimpleUploadedFile(name, content)})


def test_upload_check_preview_then_confirm(login, cast, django_capture_on_commit_callbacks):
    client = login(cast["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, facilities_file(30))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response.url == reverse("facilities:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "ready" and job.preview["created"] == 30
    assert Facility.objects.count() == 0
    page = client.get(response.url).content.decode()
    assert "Xác nhận và ghi 30 dòng" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("facilities:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done"
    assert Facility.objects.count() == 30
    # Confirming twice does nothing more.
    response = client.post(reverse("facilities:import_confirm", args=[job.pk]), follow=True)
    assert "không ở trạng thái chờ xác nhận" in response.content.decode()


def test_errors_on_the_page_equal_the_importers(login, cast, django_capture_on_commit_callbacks):
    from io import BytesIO

    from facilities.importers import FacilityImporter

    content = facilities_file(12, row5={"Xã/Thị trấn": "Xã Không Có"}, row9={"Số lao động": -2})
    client = login(cast["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content)
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.error_count == 2
    outcome = run_import(FacilityImporter(), BytesIO(content), write=False)
    expected = [str(error) for error in outcome.errors]
    assert job.errors == expected
    page = client.get(response.url).content.decode()
    for message in expected:
        assert message.replace('"', "&quot;") in page
    assert "Xác nhận" not in page


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"hello", "co-so.xlsx", "không phải là bảng tính Excel"),
    (b"%PDF-1.7", "co-so.pdf", "không phải là bảng tính Excel"),
    (b"", "trong.xlsx", "invalid-feedback"),  # Django's own "empty file" message
])
def test_bad_uploads_are_refused_at_once(login, cast, content, name, message):
    response = upload(login(cast["staff"]), content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_too_large_upload(login, cast, settings):
    response = upload(login(cast["staff"]), b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 200
    assert "lớn hơn 10 MB" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_unknown_template_is_a_form_error(login, cast):
    response = upload(login(cast["staff"]), facilities_file(1), kind="hacking")
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0


def test_template_download_has_headers_lists_and_example(login, cast):
    from io import BytesIO

    from openpyxl import load_workbook

    response = login(cast["official_a"]).get(
        reverse("facilities:import_template", args=["facilities"]))
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Mã số thuế", "Tên cơ sở", "Xã/Thị trấn"]
    assert sheet["A2"].value == "0101234567"
    assert len(sheet.data_validations.dataValidation) >= 4
    # The template, filled with its own example row, imports cleanly.
    outcome = run_import(__import__("facilities.importers").importers.FacilityImporter(),
                         BytesIO(response.content), write=False)
    assert outcome.ok and outcome.created == 1


def test_template_for_unknown_kind_is_404(login, cast):
    assert login(cast["staff"]).get("/facilities/import/template/nope/").status_code == 404


def test_jobs_are_private_to_their_uploader(login, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(login(cast["official_a"]), facilities_file(2))
    job = ImportJob.objects.get()
    assert job.commune == cast["official_a"].commune
    assert login(cast["official_b"]).get(
        reverse("facilities:import_detail", args=[job.pk])).status_code == 404
    assert login(cast["staff"]).get(
        reverse("facilities:import_detail", args=[job.pk])).status_code == 200
    response = login(cast["official_b"]).post(reverse("facilities:import_confirm", args=[job.pk]))
    assert response.status_code == 404


def test_progress_fragment_for_htmx(login, cast, django_capture_on_commit_callbacks):
    client = login(cast["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, facilities_file(2))
    job = ImportJob.objects.get()
    body = client.get(reverse("facilities:import_detail", args=[job.pk]),
                      HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<div id="import-status"')


@pytest.mark.slow
def test_downloaded_template_filled_with_1000_rows_imports_1000(
        login, cast, django_capture_on_commit_callbacks):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.facilities.xlsx_helpers import facility_row

    client = login(cast["staff"])
    template = client.get(reverse("facilities:import_template", args=["facilities"])).content
    workbook = load_workbook(BytesIO(template))
    sheet = workbook.worksheets[0]
    sheet.delete_rows(2)  # the example row
    for n in range(1, 1001):
        sheet.append(facility_row(n, commune="Tiền Phong" if n % 3 else "08989"))
    filled = BytesIO()
    workbook.save(filled)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, filled.getvalue())
    job = ImportJob.objects.get()
    assert job.status == "ready", job.errors[:3]
    assert job.preview["created"] == 1000
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("facilities:import_confirm", args=[job.pk]))
    assert Facility.objects.count() == 1000
    assert Facility.objects.filter(commune__code="09019").count() == 667


# ---- one lifecycle: cancelling, one file at a time, polling only while a worker has it -------

def checked(client, capture, content=None):
    with capture(execute=True):
        upload(client, content or facilities_file(3))
    job = ImportJob.objects.latest("pk")
    assert job.status == "ready", job.errors
    return job


def test_cancelling_a_preview_cancels_the_job_and_deletes_its_file(
        login, cast, django_capture_on_commit_callbacks):
    client = login(cast["official_a"])
    job = checked(client, django_capture_on_commit_callbacks)
    path = job.file.path
    assert __import__("os").path.exists(path)
    page = client.get(reverse("facilities:import_detail", args=[job.pk])).content.decode()
    cancel = reverse("facilities:import_cancel", args=[job.pk])
    assert f'action="{cancel}"' in page  # "Hủy" is a form that does something, not a link
    response = client.post(cancel, follow=True)
    job.refresh_from_db()
    assert job.status == "cancelled" and job.finished_at and not job.file
    assert not __import__("os").path.exists(path)
    body = response.content.decode()
    assert "Đã hủy" in body and "hx-get" not in body
    assert Facility.objects.count() == 0
    # Cancelled is final: it cannot be confirmed, nor cancelled twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("facilities:import_confirm", args=[job.pk]))
    assert ImportJob.objects.get(pk=job.pk).status == "cancelled"
    again = client.post(cancel, follow=True).content.decode()
    assert "Không thể hủy" in again


@pytest.mark.parametrize(("status", "apply", "cancellable"), [
    ("queued", False, True), ("queued", True, True), ("running", False, True),
    ("running", True, False), ("ready", False, True), ("done", True, False),
    ("invalid", False, False), ("failed", False, False),
])
def test_what_can_be_cancelled(login, cast, status, apply, cancellable):
    from django.core.files.base import ContentFile

    job = ImportJob(kind="facilities", original_name="a.xlsx", requested_by=cast["staff"],
                    status=status, apply=apply)
    job.file.save("a.xlsx", ContentFile(b"x"), save=False)
    job.save()
    login(cast["staff"]).post(reverse("facilities:import_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status == "cancelled") == cancellable
    assert bool(job.file) != cancellable


def test_cancel_is_private_and_needs_a_post(login, cast, django_capture_on_commit_callbacks):
    job = checked(login(cast["official_a"]), django_capture_on_commit_callbacks)
    url = reverse("facilities:import_cancel", args=[job.pk])
    assert login(cast["official_b"]).post(url).status_code == 404
    assert login(cast["official_a"]).get(url).status_code == 405
    assert ImportJob.objects.get(pk=job.pk).status == "ready"


def test_one_account_one_import_at_a_time(login, cast, django_capture_on_commit_callbacks):
    client = login(cast["official_a"])
    upload(client, facilities_file(2))  # queued: no worker has run it yet
    first = ImportJob.objects.get()
    assert first.status == "queued"
    response = upload(client, facilities_file(3), name="thu-hai.xlsx")
    body = response.content.decode()
    assert response.status_code == 200 and "co-so.xlsx" in body and "từng tệp một" in body
    assert ImportJob.objects.count() == 1
    # Another account is not held up by it.
    upload(login(cast["official_b"]), facilities_file(2))
    assert ImportJob.objects.count() == 2
    # Once the first is no longer in the workers' hands, the next file goes through.
    client = login(cast["official_a"])
    client.post(reverse("facilities:import_cancel", args=[first.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, facilities_file(3), name="thu-hai.xlsx").status_code == 302
    assert ImportJob.objects.filter(requested_by=cast["official_a"]).count() == 2


def test_the_database_keeps_one_active_import_per_account(cast):
    from django.db import IntegrityError, transaction

    ImportJob.objects.create(kind="facilities", requested_by=cast["staff"], status="running")
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportJob.objects.create(kind="facilities", requested_by=cast["staff"])
    ImportJob.objects.create(kind="facilities", requested_by=cast["staff"], status="ready")


def test_confirming_waits_for_the_accounts_other_import(
        login, cast, django_capture_on_commit_callbacks):
    client = login(cast["staff"])
    job = checked(client, django_capture_on_commit_callbacks)
    upload(client, facilities_file(4), name="khac.xlsx")  # queued, not run
    response = client.post(reverse("facilities:import_confirm", args=[job.pk]), follow=True)
    assert "từng tệp một" in response.content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == "ready"


@pytest.mark.parametrize(("status", "polls", "text"), [
    ("queued", True, "Đang chờ đến lượt"), ("running", True, "Đang kiểm tra từng dòng"),
    ("ready", False, "Xác nhận"), ("invalid", False, "Tải lên tệp đã sửa"),
    ("done", False, "Đã ghi"), ("failed", False, "Máy chủ dừng"),
    ("cancelled", False, "Đã hủy"),
])
def test_the_page_polls_only_while_a_worker_has_the_job(login, cast, status, polls, text):
    job = ImportJob.objects.create(
        kind="facilities", original_name="a.xlsx", requested_by=cast["staff"], status=status,
        message={"failed": "Máy chủ dừng giữa chừng.", "cancelled": "Đã hủy bởi Staff."}.get(
            status, ""), preview={"rows": 1, "created": 1, "updated": 0, "unchanged": 0,
                                  "samples": {}})
    client = login(cast["staff"])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        body = client.get(reverse("facilities:import_detail", args=[job.pk]),
                          **headers).content.decode()
        assert ("hx-trigger" in body) == polls, (status, headers)
        assert text in body


def test_a_macro_workbook_named_xlsx_is_refused_by_its_content(login, cast):
    from tests.facilities.raw_xlsx import MACRO_WORKBOOK_TYPE, excel_file
    from tests.facilities.xlsx_helpers import FACILITY_HEADERS, facility_row

    rows = [FACILITY_HEADERS, facility_row(1)]
    project = {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60}
    client = login(cast["staff"])
    for content in (excel_file(rows, extra=project),
                    excel_file(rows, workbook_type=MACRO_WORKBOOK_TYPE)):
        response = upload(client, content, name="co-so.xlsx")
        assert response.status_code == 200
        assert "có macro" in response.content.decode()
    assert ImportJob.objects.count() == 0



@pytest.mark.parametrize("change", ["disabled", "deleted"])
def test_a_job_whose_account_may_no_longer_import_writes_nothing(
        login, cast, commune_b, django_capture_on_commit_callbacks, change):
    """The services take no user as the command line's operator, who may write anywhere: a
    confirmed job whose account was disabled or deleted meanwhile must not run as one."""
    from facilities.services import import_job_run
    from tests.facilities.xlsx_helpers import FACILITY_HEADERS, facility_row, xlsx_bytes

    official = cast["official_a"]
    content = xlsx_bytes([FACILITY_HEADERS, facility_row(1), facility_row(2, commune="Tiền Phong")])
    with django_capture_on_commit_callbacks(execute=True):
        upload(login(official), content)
    job = ImportJob.objects.get()
    assert job.status == "invalid"  # another commune's row: refused while the account holds
    ImportJob.objects.filter(pk=job.pk).update(status="queued", apply=True)
    if change == "disabled":
        type(official).objects.filter(pk=official.pk).update(is_active=False)
    else:
        official.delete()
    import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "không còn được nhập" in job.message
    assert not Facility.objects.exists()
