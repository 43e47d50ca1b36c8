"""With no broker configured, as under `make run` (runserver, SQLite in a file, no REDIS_URL),
the threads of the server run the jobs: the page that asks for a report or sends a file answers
at once with the progress bar, whose job is still queued or running when the page shows it, and
the bar then leads to the download or the preview. In Chromium at desktop width and at 390 px.

The server is a process of its own, started as `make run` starts it: the test database (SQLite
in memory, or rolled back) could not be shared with its threads."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, axe_check, progress_value, screenshot
from tests.facilities.xlsx_helpers import facilities_file
from tests.processes import sqlite_copy

# One xdist worker takes the module: its server is started once.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("make-run")]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-horse-2018"
WIDTHS = ["desktop", "phone"]
# The acceptance asks for an answer in under 300 ms; a loaded test machine gets a margin, still
# far below what building the report takes (three steps of SXSH_REPORT_STEP_DELAY seconds).
ANSWER_MS = 1_500
ACTIVE = "#report-status[data-status=queued], #report-status[data-status=running]"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def make_run(tmp_path_factory, migrated_sqlite):
    """The base address of a server started like `make run`, with a staff member (canbo) and
    the official of Quang Minh (xa.quangminh)."""
    folder = tmp_path_factory.mktemp("make-run")
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": sqlite_copy(migrated_sqlite, folder),
        "REDIS_URL": "",
        "MEDIA_ROOT": str(folder / "media"),
        "SXSH_REPORT_STEP_DELAY": "1",
    }
    env.pop("JOB_THREADS", None)  # the default
    for command in (
        ["adduser", "canbo", "--role", "staff", "--password", PASSWORD],
        [
            "adduser",
            "xa.quangminh",
            "--role",
            "commune",
            "--commune",
            "08989",
            "--password",
            PASSWORD,
        ],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = folder / "runserver.log"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the server did not start: {log.read_text()[-2000:]}")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def answer_ms(response) -> float:
    """How long the server took to answer the request, as the browser measured it."""
    timing = response.request.timing
    return timing["responseStart"] - timing["requestStart"]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_report_request_answers_at_once_and_the_bar_leads_to_the_file(
    make_run, open_page_on, width
):
    page = open_page_on(make_run, "canbo", width, PASSWORD)
    page.goto(f"{make_run}/reports/")
    page.fill("#id_year", "2018")
    page.select_option("#id_format", "pdf")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Lập báo cáo").click()
    assert posted.value.status == 302
    assert answer_ms(posted.value) < ANSWER_MS, posted.value.request.timing
    page.wait_for_url("**/reports/*/")
    # The page was made while the job was still waiting or being built: it shows the bar.
    assert page.locator(ACTIVE).count() == 1
    assert page.locator("progress.job-progress").is_visible()
    assert page.locator("a.report-download").count() == 0
    axe_check(page, "report being built")
    screenshot(page, f"make-run-report-progress-{width}")
    seen = set()
    download = page.locator("a.report-download")
    while not download.count():
        if (value := progress_value(page)) is not None:
            seen.add(value)
        page.wait_for_timeout(200)
        assert len(seen) < 1_000, "the bar never reached the file"
    assert page.locator("progress").count() == 0
    assert any(0 < value < 100 for value in seen), seen  # the bar moved on the page
    axe_check(page, "report ready")
    with page.expect_download() as info:
        download.click()
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"make-run-report-{width}.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    screenshot(page, f"make-run-report-ready-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_500_row_file_answers_at_once_and_the_bar_leads_to_the_preview_which_hủy_cancels(
    make_run, open_page_on, width, tmp_path
):
    path = tmp_path / "co-so-quang-minh.xlsx"
    path.write_bytes(facilities_file(500))
    page = open_page_on(make_run, "xa.quangminh", width, PASSWORD)
    page.goto(f"{make_run}/facilities/import/")
    page.set_input_files("#id_file", str(path))
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Tải lên và kiểm tra").click()
    assert posted.value.status == 302
    assert answer_ms(posted.value) < ANSWER_MS, posted.value.request.timing
    page.wait_for_url("**/facilities/import/*/")
    status = page.locator("#import-status")
    assert status.get_attribute("data-status") in ("queued", "running")
    assert page.locator("progress.job-progress").is_visible()
    axe_check(page, "file being checked")
    screenshot(page, f"make-run-import-progress-{width}")
    confirm = page.get_by_role("button", name="Xác nhận và ghi 500 dòng")
    confirm.wait_for(timeout=60_000)
    assert status.get_attribute("data-status") == "ready"
    axe_check(page, "preview")
    page.get_by_role("button", name="Hủy", exact=True).click()
    page.locator("#import-status[data-status=cancelled]").wait_for()
    assert page.get_by_text("Đã hủy bởi").count() == 1
    screenshot(page, f"make-run-import-cancelled-{width}")
