"""The import page in each state a job can be in, in Chromium at desktop width and at 390 px,
with axe-core: queued and running (it follows the job), cancelled, failed (it stops); and the
"Hủy" of a preview, which cancels the job."""

import pytest
from django.core.files.base import ContentFile

from accounts.models import Role
from facilities.models import ImportJob
from tests.browser import axe_check, screenshot
from tests.conftest import make_user
from tests.facilities.xlsx_helpers import facilities_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = ["desktop", "phone"]

STATES = {
    "queued": {"status": "queued", "progress": 0},
    "running": {"status": "running", "progress": 35},
    "cancelled": {
        "status": "cancelled",
        "message": "Đã hủy bởi Trần Văn Hùng; chưa ghi dòng nào và tệp tải lên đã được xóa.",
    },
    "failed": {
        "status": "failed",
        "message": "Công việc đã dừng 3 lần mà chưa xong, mỗi lần vì máy chủ đang chạy "
        "nó bị dừng; chưa có gì được ghi. Hãy thử lại, và nếu vẫn dừng thì "
        "báo Phòng Kinh tế.",
    },
}
TEXTS = {
    "queued": "Đang chờ đến lượt kiểm tra…",
    "running": "Đang kiểm tra từng dòng…",
    "cancelled": "Đã hủy bởi",
    "failed": "Công việc đã dừng 3 lần",
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("state", list(STATES))
def test_each_state_of_the_import_page(open_page, commune_a, width, state):
    official = make_user("xa.quangminh", Role.COMMUNE, commune=commune_a)
    job = ImportJob.objects.create(
        kind="facilities",
        requested_by=official,
        original_name="danh-sach-co-so-quang-minh-2018.xlsx",
        commune=commune_a,
        **STATES[state],
    )
    page = open_page(official, width)
    page.goto(f"{page.base}/facilities/import/{job.pk}/")
    status = page.locator("#import-status")
    status.get_by_text(TEXTS[state]).wait_for()
    axe_check(page, state)
    assert (status.get_attribute("hx-trigger") is not None) == (state in ("queued", "running"))
    cancel = page.get_by_role("button", name="Hủy lần nhập này")
    assert cancel.count() == (1 if state in ("queued", "running") else 0)
    screenshot(page, f"import-{state}-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_cancel_on_the_preview_cancels_the_job(open_page, commune_a, width):
    official = make_user("xa.quangminh", Role.COMMUNE, commune=commune_a)
    job = ImportJob(
        kind="facilities",
        requested_by=official,
        commune=commune_a,
        original_name="co-so.xlsx",
        status="ready",
        preview={
            "rows": 3,
            "created": 3,
            "updated": 0,
            "unchanged": 0,
            "samples": {"created": ["0109000001 Công ty TNHH Số 1"]},
        },
    )
    job.file.save("co-so.xlsx", ContentFile(facilities_file(3)), save=False)
    job.save()
    page = open_page(official, width)
    page.goto(f"{page.base}/facilities/import/{job.pk}/")
    axe_check(page, "preview")
    screenshot(page, f"import-preview-{width}")
    page.get_by_role("button", name="Hủy", exact=True).click()
    page.locator("#import-status[data-status=cancelled]").wait_for()
    axe_check(page, "cancelled")
    job.refresh_from_db()
    assert job.status == "cancelled" and not job.file
    screenshot(page, f"import-preview-cancelled-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_second_file_while_one_is_queued_is_refused_with_a_message(
    open_page, commune_a, width, tmp_path
):
    official = make_user("xa.quangminh", Role.COMMUNE, commune=commune_a)
    ImportJob.objects.create(
        kind="facilities", requested_by=official, commune=commune_a, original_name="dot-1.xlsx"
    )
    path = tmp_path / "dot-2.xlsx"
    path.write_bytes(facilities_file(3))
    page = open_page(official, width)
    page.goto(f"{page.base}/facilities/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_text("mỗi tài khoản gửi từng tệp một").wait_for()
    axe_check(page, "refused")
    assert ImportJob.objects.count() == 1
    screenshot(page, f"import-one-at-a-time-{width}")
