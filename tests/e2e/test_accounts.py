"""A locked-out commune official, the administrator's temporary password, and the forced change
at the next login, in Chromium at desktop width and at 390 px, with axe-core on every page."""

import pytest
from django.test import Client

from tests.browser import axe_check, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEMPORARY = "Tạm-thời-Mê-Linh-77"
OWN = "Mái-đình-cây-đa-2019"


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_locked_out_official_gets_a_temporary_password(open_page, cast, width):
    official = cast["official_a"]
    for _ in range(5):
        Client().post("/accounts/login/", {"username": official.username, "password": "x"})

    admin = open_page(cast["admin"], width)
    admin.goto(f"{admin.base}/accounts/users/")
    row = admin.locator("tr", has_text=official.username)
    assert "Bị khóa" in row.inner_text()
    axe_check(admin, "accounts")
    screenshot(admin, f"accounts-list-{width}")
    row.get_by_role("link", name="Đặt lại mật khẩu").click()
    admin.fill("#id_new_password1", TEMPORARY)
    admin.fill("#id_new_password2", TEMPORARY + "x")
    # The refused form comes back at the same address: wait for it, or content() may read the
    # page between the two documents.
    with admin.expect_navigation():
        admin.get_by_role("button", name="Đặt mật khẩu tạm thời").click()
    assert "Hai trường mật khẩu không giống nhau" in admin.content()
    axe_check(admin, "reset with an error")
    screenshot(admin, f"accounts-reset-error-{width}")
    admin.fill("#id_new_password1", TEMPORARY)
    admin.fill("#id_new_password2", TEMPORARY)
    admin.get_by_role("button", name="Đặt mật khẩu tạm thời").click()
    admin.wait_for_url(f"{admin.base}/accounts/users/")
    assert "Bị khóa" not in admin.locator("tr", has_text=official.username).inner_text()
    screenshot(admin, f"accounts-reset-done-{width}")

    page = open_page(None, width)
    page.goto(f"{page.base}/accounts/login/")
    page.fill("#id_username", official.username)
    page.fill("#id_password", TEMPORARY)
    page.click("button[type=submit]")
    page.wait_for_url(f"{page.base}/accounts/password/")
    assert "mật khẩu tạm thời" in page.content()
    axe_check(page, "forced change")
    screenshot(page, f"password-forced-{width}")
    page.goto(f"{page.base}/facilities/")
    assert page.url == f"{page.base}/accounts/password/"
    page.fill("#id_old_password", TEMPORARY)
    page.fill("#id_new_password1", OWN)
    page.fill("#id_new_password2", OWN)
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.wait_for_url(f"{page.base}/")
    assert "Đã đổi mật khẩu" in page.content()
    if width == "phone":
        page.get_by_role("button", name="Mở menu").click()
    # The user menu: the name opens the role, the password page and logging out.
    page.get_by_role("button", name=official.get_full_name()).click()
    page.get_by_role("link", name="Đổi mật khẩu").wait_for()
    axe_check(page, "dashboard after the change, user menu open")
    screenshot(page, f"password-changed-{width}")
    page.get_by_role("link", name="Đổi mật khẩu").click()
    page.wait_for_url(f"{page.base}/accounts/password/")
    axe_check(page, "own change")
    screenshot(page, f"password-change-{width}")
