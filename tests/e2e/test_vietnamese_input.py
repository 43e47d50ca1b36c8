"""Issue 13 in a browser whose language is English: a funding amount typed 15.000.000 and a date
typed 15/03/2018 are stored as typed (no English number tooltip, no month-first date box), and
two people saving the same campaign see the conflict rule."""

from datetime import date

import pytest

from accounts.models import Role, Unit
from campaigns.models import Campaign, FundingLine, FundingSource
from tests.browser import AXE, CHROMIUM, WIDTHS, axe_check, screenshot
from tests.conftest import make_user
from tests.factories import district_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-2018"


@pytest.fixture
def english_page(browser, live_server):
    """english_page(user, width) -> a logged-in page of a Chromium set to American English."""
    contexts = []

    def _open(user, width="desktop"):
        context = browser.new_context(
            viewport={"width": WIDTHS[width], "height": 900},
            locale="en-US",
            timezone_id="America/New_York",
        )
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server.url
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def campaign():
    return district_create(
        Campaign, kind="training_conference",
        title="Hội nghị tập huấn 2018",
        lead_unit=Unit.objects.get(code="KINH_TE"),
        starts_on=date(2018, 5, 10),
    )


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_english_browser_types_vietnamese_numbers_and_dates(
    english_page, staff, campaign, width
):
    assert CHROMIUM
    page = english_page(staff, width)
    assert page.evaluate("navigator.language") == "en-US"
    page.goto(f"{page.base}/campaigns/{campaign.pk}/")
    source = FundingSource.objects.get(code="NS_HUYEN")
    page.select_option("#id_source", str(source.pk))
    page.fill("#id_planned_vnd", "15.000.000")
    page.fill("#id_spent_vnd", "2.500.000")
    page.get_by_role("button", name="Thêm dòng kinh phí").click()
    page.get_by_text("Đã thêm dòng kinh phí.").wait_for()
    line = FundingLine.objects.get()
    assert (line.planned_vnd, line.spent_vnd) == (15_000_000, 2_500_000)
    assert (
        "15.000.000"
        in page.locator(
            "#fund-heading + * table, section[aria-labelledby='fund-heading'] table"
        ).first.inner_text()
    )

    page.goto(f"{page.base}/campaigns/{campaign.pk}/edit/")
    assert page.locator("input[type=number], input[type=date]").count() == 0
    assert page.input_value("#id_starts_on") == "10/05/2018"
    page.fill("#id_starts_on", "15/03/2018")
    page.fill("#id_people_reached", "1.500")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"**/campaigns/{campaign.pk}/")
    campaign.refresh_from_db()
    assert campaign.starts_on == date(2018, 3, 15) and campaign.people_reached == 1500

    page.goto(f"{page.base}/campaigns/{campaign.pk}/edit/")
    assert page.input_value("#id_starts_on") == "15/03/2018"
    assert page.input_value("#id_people_reached") == "1.500"
    page.fill("#id_copies_printed", "1.5")  # English 1.5 or a mistyped 1.500: refused
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text('Số bản in: "1.5" không rõ nghĩa').wait_for()
    axe_check(page, "a refused number")
    screenshot(page, f"form-vietnamese-numbers-{width}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_two_people_save_the_same_campaign(english_page, staff, campaign, width):
    other = make_user("staff2", Role.STAFF)
    first, second = english_page(staff, width), english_page(other, width)
    url = f"/campaigns/{campaign.pk}/edit/"
    first.goto(first.base + url)
    second.goto(second.base + url)
    first.fill("#id_title", "Hội nghị tập huấn SXSH 2018")
    first.get_by_role("button", name="Lưu").click()
    first.wait_for_url(f"**/campaigns/{campaign.pk}/")
    second.fill("#id_people_reached", "164")
    second.get_by_role("button", name="Lưu").click()
    second.get_by_text("Những gì đã thay đổi từ khi bạn mở biểu mẫu").wait_for()
    table = second.locator("table.conflict-table").inner_text()
    assert "Hội nghị tập huấn 2018" in table and "Hội nghị tập huấn SXSH 2018" in table
    assert second.input_value("#id_people_reached") == "164"  # kept
    axe_check(second, "the conflict")
    screenshot(second, f"form-conflict-{width}")
    second.get_by_role("button", name="Lưu").click()  # overwrite
    second.wait_for_url(f"**/campaigns/{campaign.pk}/")
    campaign.refresh_from_db()
    assert (campaign.title, campaign.people_reached) == ("Hội nghị tập huấn 2018", 164)


def _date_pages(staff):
    """(what, page that edits the date, page that shows it back, the date box) for every
    other form with a date a person types (tests/melinh_sxsh/test_forms.py finds them all)."""
    from reports.models import Plan, PlanTask, Target
    from tests.audits.conftest import make_measure
    from tests.factories import FacilityFactory

    measure = make_measure(FacilityFactory(), implemented_on=date(2018, 5, 10))
    plan = district_create(Plan, code="108/KH-UBND", title="Kế hoạch SXSH", year=2018,
                           baseline_year=2017, signed_on=date(2018, 5, 10))
    Target.objects.create(plan=plan, indicator="aware", value=20)
    task = PlanTask.objects.create(plan=plan, unit=Unit.objects.get(code="KINH_TE"),
                                   duty="Tuyên truyền")
    return [
        ("measure", f"/audits/measures/{measure.pk}/edit/",
         f"/audits/measures/{measure.pk}/edit/", "#id_implemented_on"),
        ("plan", f"/reports/plans/{plan.pk}/edit/", f"/reports/plans/{plan.pk}/edit/",
         "#id_signed_on"),
        ("task report", f"/reports/tasks/{task.pk}/", f"/reports/tasks/{task.pk}/",
         "#id_reported_on"),
    ]


def test_every_other_date_form_reads_and_shows_day_first_in_an_english_browser(
    english_page, staff
):
    """Issue 17: besides the campaign's dates above, each date box of the portal takes
    15/03/2018 in an American-English Chromium and shows 15/03/2018 back."""
    page = english_page(staff)
    for what, edit, shown, box in _date_pages(staff):
        page.goto(page.base + edit)
        assert page.locator("input[type=date]").count() == 0, what
        if what == "task report":
            page.fill("#id_text", "Đã tổ chức hội nghị")
        page.fill(box, "15/03/2018")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".alert-danger, .invalid-feedback").count() == 0, (
            what, page.locator("main").inner_text()[:500])
        page.goto(page.base + shown)
        if what == "task report":
            assert "15/03/2018" in page.locator("main").inner_text(), what
        else:
            assert page.input_value(box) == "15/03/2018", what
    screenshot(page, "form-dates-english-browser")
