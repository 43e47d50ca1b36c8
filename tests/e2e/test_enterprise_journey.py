"""Issue 15's journey, in Chromium at 390 px with axe-core on every page: staff print the
invitation letters of the demo's 2018 request; the enterprise activates its account with the
code from its letter, fills in the 2018 form, is warned of a 60 % drop in SEC, explains it and
sends it; staff return it with a reason; the enterprise corrects and sends it again; staff
accept it. The dashboard's KPI 2 and the facility's saving change only at acceptance, and the
drill-down behind KPI 2 then lists the facility."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from accounts.models import User
from audits import energy
from audits.models import DataRequest, EnergyRecord, Submission
from facilities.models import Stage
from melinh_sxsh.lib.text import format_number
from tests.browser import axe_check, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = re.compile(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")
PASSWORD = "Thành-Công@2018"
TARGET_2 = "Chỉ tiêu 2"


def visit(page, path: str, *, accessible_already: bool = False):
    """Open a page; axe-core looks at it unless this journey already did at the same width."""
    response = page.goto(f"{page.base}{path}")
    assert response.status < 400, (path, response.status)
    if not accessible_already:
        axe_check(page, path)


def the_facility() -> Submission:
    """A facility of the 2018 request still to answer, with no account, applying CP in 2018
    and with a baseline: its 2018 staff record (if any) is set aside, so that before acceptance
    it has no saving of 2018 at all."""
    for submission in (Submission.objects.filter(request__year=2018, state="requested",
                                                 facility__accounts__isnull=True)
                       .select_related("facility").order_by("id")):
        facility = submission.facility
        if (facility.statuses.filter(year=2018, stage=Stage.APPLYING).exists()
                and facility.energy_records.filter(is_baseline=True, year=2017).exists()):
            facility.energy_records.filter(year=2018).delete()
            return submission
    raise AssertionError("the demo has no facility for this journey")


def saving_on_dashboard(page, *, again: bool = True) -> tuple[int, str]:
    visit(page, "/?year=2018", accessible_already=again)
    link = page.locator(".target-card", has_text=TARGET_2).locator("dd.fs-5 a.kpi-link")
    return int(link.get_attribute("data-count")), link.get_attribute("href")


def vi(value: Decimal) -> str:
    return format_number(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def test_an_enterprise_reports_is_returned_corrects_and_is_accepted(demo, open_page,
                                                                    open_page_on, tmp_path):
    submission = the_facility()
    facility = submission.facility
    base = facility.energy_records.get(year=2017)
    lines = {use.carrier.code: (use.carrier, use.quantity) for use in base.uses.all()}
    staff = open_page(User.objects.get(username="canbo.kinhte"), "phone", password="MeLinh@2018")
    before, _link = saving_on_dashboard(staff, again=False)

    # Staff print the letters of the facility's commune; its page carries its code.
    request_pk = DataRequest.objects.get(year=2018).pk
    visit(staff, f"/audits/requests/{request_pk}/")
    staff.get_by_role("link", name="Thư mời kèm mã kích hoạt").click()
    staff.select_option("#id_commune", str(facility.commune_id))
    with staff.expect_download() as download:
        staff.get_by_role("button", name="Tạo thư mời (PDF)").click()
    pdf = tmp_path / "thu-moi.pdf"
    download.value.save_as(pdf)
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf.read_bytes())).pages]
    [letter] = [text for text in texts if facility.name in text]
    [code] = CODE.findall(letter)

    # The enterprise, on its phone, activates its account with the code.
    phone = open_page_on(staff.base, None, "phone")
    visit(phone, "/activate/")
    phone.fill("#id_code", code)
    phone.get_by_role("button", name="Tiếp tục").click()
    phone.get_by_text(facility.name).first.wait_for()
    axe_check(phone, "activation, step two")
    phone.fill("#id_username", "thanhcong")
    phone.fill("#id_full_name", "Lê Văn Thành")
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    phone.get_by_role("button", name="Tạo tài khoản").click()
    phone.wait_for_url("**/audits/enterprise/")
    axe_check(phone, "enterprise page")

    # Its 2018 form: the same output with 40 % of the energy is a 60 % drop in SEC.
    visit(phone, f"/audits/submissions/{submission.pk}/")
    phone.fill("#id_output", vi(base.output))
    phone.fill("#id_product_unit", base.product_unit)
    for row, (carrier, quantity) in enumerate(lines.values()):
        phone.select_option(f"#id_uses-{row}-carrier", str(carrier.pk))
        phone.fill(f"#id_uses-{row}-quantity", vi(quantity * Decimal("0.4")))
    phone.get_by_role("button", name="Gửi Phòng Kinh tế").click()
    warning = phone.locator(".alert-warning", has_text="Suất tiêu hao năng lượng thay đổi")
    warning.wait_for()
    assert "-60" in warning.inner_text()
    axe_check(phone, "the form's checks")
    assert Submission.objects.get(pk=submission.pk).state == "draft"
    phone.fill("#id_explain_sec_jump", "Thay lò hơi đốt than bằng lò hơi tầng sôi tháng 3/2018.")
    phone.get_by_role("button", name="Gửi Phòng Kinh tế").click()
    phone.locator(".submission-state", has_text="Đã gửi").wait_for()
    assert Submission.objects.get(pk=submission.pk).state == "submitted"

    # Staff return it with a reason.
    visit(staff, f"/audits/submissions/{submission.pk}/review/")
    assert "lò hơi tầng sôi" in staff.content()
    staff.fill("#return-reason", "Sản lượng chưa khớp với báo cáo thuế; đề nghị kiểm tra lại.")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Trả lại cho cơ sở").click()
    assert Submission.objects.get(pk=submission.pk).state == "returned"

    # The enterprise reads the reason, corrects the output and sends again.
    visit(phone, f"/audits/submissions/{submission.pk}/")
    assert "Sản lượng chưa khớp" in phone.content()
    corrected = base.output * Decimal("1.05")
    phone.fill("#id_output", vi(corrected))
    phone.get_by_role("button", name="Gửi Phòng Kinh tế").click()
    phone.locator(".submission-state", has_text="Đã gửi").wait_for()
    assert not EnergyRecord.objects.filter(facility=facility, year=2018).exists()
    assert saving_on_dashboard(staff)[0] == before  # nothing counts until acceptance

    # Staff accept: the record is written and verified, KPI 2 counts the facility.
    visit(staff, f"/audits/submissions/{submission.pk}/review/")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Chấp nhận và ghi nhận").click()
    axe_check(staff, "accepted")
    record = EnergyRecord.objects.get(facility=facility, year=2018)
    assert record.verified_at is not None and record.source == EnergyRecord.Source.ANNUAL
    ratio = energy.saving_ratio(base, record)
    assert Decimal("0.55") < ratio < Decimal("0.65")
    after, link = saving_on_dashboard(staff)
    assert after == before + 1
    visit(staff, link)
    assert facility.name in staff.locator("main").inner_text()

    # And the facility sees its saving on its own page.
    visit(phone, "/audits/enterprise/")
    assert format_number(ratio * 100, 1) in phone.locator("main").inner_text()
    screenshot(phone, "journey-enterprise-phone")
