"""Chromium (Debian's package, driven by Playwright; no browser download) against a live server.

Screenshots of each journey's last page go to test-artifacts/; a failing test leaves a
screenshot of each of its pages there, and with SXSH_TRACE=1 a Playwright trace (recording one
for every test took a quarter of Chromium's time in the suite)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.sxsh_env import need

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
WIDTHS = {"desktop": 1280, "phone": 390}
TRACE = os.environ.get("SXSH_TRACE") == "1"


@pytest.fixture(scope="session")
def browser():
    need("Chromium", Path(CHROMIUM).exists(), "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture
def open_page(open_page_on, live_server):
    """open_page(user, width) -> a logged-in Playwright page at that width."""

    def _open(user, width="desktop", password="Correct-horse-2018"):
        return open_page_on(live_server.url, user and user.username, width, password)

    return _open


@pytest.fixture
def open_page_on(browser, request):
    """open_page_on(base, username, width, password) -> a Playwright page on the server at
    `base`, logged in unless username is None."""
    contexts = []

    def _open(base, username, width="desktop", password="Correct-horse-2018"):
        context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900},
                                      locale="vi-VN")
        if TRACE:
            context.tracing.start(screenshots=True, snapshots=True)
        # axe-core is added the way the browser tools add scripts: the page's own strict
        # Content-Security-Policy stays in force for everything else.
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = base
        if username is not None:
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
        return page

    yield _open
    ARTIFACTS.mkdir(exist_ok=True)
    failed = getattr(request.node, "failed_call", False)
    for index, context in enumerate(contexts):
        name = f"{request.node.name}-{index}".replace("/", "_")
        if TRACE:
            context.tracing.stop(path=str(ARTIFACTS / f"{name}-trace.zip") if failed else None)
        elif failed:
            for number, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{name}-{number}-failed.png"),
                                full_page=True)
        context.close()


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def axe_check(page, context: str = "") -> None:
    """No serious or critical accessibility violation on the page (axe-core, vendored)."""
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    assert violations == [], f"{context or page.url}: {violations}"


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def progress_value(page) -> int | None:
    """The job's progress bar's value, or None when there is no bar. Read in one step: htmx may
    swap the bar away between a count and a read, which would leave the read waiting."""
    value = page.evaluate(
        "() => document.querySelector('progress.job-progress')?.getAttribute('value')")
    return None if value is None else int(value or 0)
