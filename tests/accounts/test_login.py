import pytest
from django.urls import reverse

PASSWORD = "Correct-horse-2018"


def post_login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_vietnamese(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body and "Mật khẩu" in body


def test_login_and_logout(client, staff):
    response = post_login(client, "staff", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_wrong_password_says_so_in_vietnamese(client, staff):
    response = post_login(client, "staff", "wrong")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_six_wrong_passwords_lock_the_account(client, staff):
    for _ in range(4):
        assert post_login(client, "staff", "wrong").status_code == 200
    # The fifth failure locks the account ...
    fifth = post_login(client, "staff", "wrong")
    assert fifth.status_code == 429
    assert "Tài khoản bị khóa" in fifth.content.decode()
    # ... and the sixth attempt is refused even with the right password.
    response = post_login(client, "staff", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Tài khoản bị khóa" in body
    assert "5 lần liên tiếp" in body
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_and_success_resets(client, staff, leader):
    for _ in range(4):
        post_login(client, "staff", "wrong")
    assert post_login(client, "staff", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    # The counter was reset by the success: four more failures do not lock.
    for _ in range(4):
        post_login(client, "staff", "wrong")
    assert post_login(client, "staff", PASSWORD).status_code == 302


@pytest.mark.parametrize("name", ["dashboard", "facilities:list", "campaigns:index",
                                  "audits:index", "reports:index"])
def test_pages_need_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_logging_out_says_so(client, staff):
    client.force_login(staff)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    body = response.content.decode()
    assert "Bạn đã đăng xuất." in body and 'role="alert"' in body
    # Said once: the next page does not repeat it.
    assert "Bạn đã đăng xuất." not in client.get(reverse("accounts:login")).content.decode()
