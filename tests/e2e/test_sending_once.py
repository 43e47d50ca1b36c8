"""While a POST form's request is on its way its submit buttons are disabled (static/js/forms.js):
a second press, or the form sent again by a script, sends nothing, so one press asks for one
report or sends one file. The browser holds the request until the test lets it go; what the
page looked like meanwhile is written down by a script of the test into sessionStorage (the
DevTools protocol does not answer while that navigation is pending)."""

import json

import pytest

from facilities.models import ImportJob
from reports.models import Report
from tests.facilities.xlsx_helpers import facilities_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered after forms.js, so it runs once forms.js has had its turn; then it sends the form
# again, as a second press of Enter would.
WATCH = """() => document.addEventListener("submit", (event) => setTimeout(() => {
    const form = event.target;
    const buttons = [...form.elements].filter((element) => element.type === "submit");
    sessionStorage.setItem("while-sending", JSON.stringify({
        busy: form.getAttribute("aria-busy"),
        disabled: buttons.length > 0 && buttons.every((button) => button.disabled),
    }));
    form.requestSubmit();
}, 50), {once: true})"""


def press_twice_while_held(page, button, pattern):
    """Press the button, press it again while its request is held, then let the request go;
    return the requests the browser made (a second one would be held too, and the page would
    never leave)."""
    held = []
    page.route(
        pattern,
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.evaluate(WATCH)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(20)
    page.wait_for_timeout(200)  # the watcher's turn, and a second request if one were sent
    page.mouse.click(x, y)
    held[0].continue_()
    return held


def state_while_sending(page) -> dict:
    return json.loads(page.evaluate("sessionStorage.getItem('while-sending')"))


def test_one_press_asks_for_one_report(open_page, staff):
    page = open_page(staff)
    page.goto(f"{page.base}/reports/")
    page.fill("#id_year", "2018")
    page.select_option("#id_format", "xlsx")
    button = page.get_by_role("button", name="Lập báo cáo")
    held = press_twice_while_held(page, button, "**/reports/")
    page.wait_for_url("**/reports/*/")
    assert state_while_sending(page) == {"busy": "true", "disabled": True}
    assert Report.objects.count() == 1 and len(held) == 1


def test_one_press_sends_one_file_and_back_in_history_the_form_works_again(
    open_page, official_a, tmp_path
):
    path = tmp_path / "co-so.xlsx"
    path.write_bytes(facilities_file(3))
    page = open_page(official_a)
    page.goto(f"{page.base}/facilities/import/")
    page.set_input_files("#id_file", str(path))
    button = page.get_by_role("button", name="Tải lên và kiểm tra")
    held = press_twice_while_held(page, button, "**/facilities/import/")
    page.wait_for_url("**/facilities/import/*/")
    assert state_while_sending(page) == {"busy": "true", "disabled": True}
    assert ImportJob.objects.count() == 1 and len(held) == 1
    page.go_back()
    assert page.get_by_role("button", name="Tải lên và kiểm tra").is_enabled()
