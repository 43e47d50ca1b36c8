"""Changing one's own password, and the administrator's temporary password that lifts a lock
and must be replaced at the next login before anything else."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import district_create

PASSWORD = "Correct-horse-2018"
NEW = "Mái-đình-cây-đa-2019"
TEMPORARY = "Tạm-thời-Mê-Linh-77"


def change(client, old, new1, new2=None):
    return client.post(reverse("accounts:password_change"), {
        "old_password": old, "new_password1": new1, "new_password2": new2 or new1})


def log_in(username, password, address="203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("accounts:login"), {"username": username,
                                                        "password": password})
    return client, response


# ---- one's own password -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "official_a", "unit", "leader", "admin"])
def test_every_role_changes_their_own_password(cast, role):
    client, response = log_in(cast[role].username, PASSWORD)
    assert response.status_code == 302
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("accounts:password_change") in page and "Đổi mật khẩu" in page
    response = change(client, PASSWORD, NEW)
    assert response.status_code == 302 and response.url == reverse("dashboard")
    # This session stays signed in; the new password works, the old one does not.
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200 and "Đã đổi mật khẩu" in page.content.decode()
    assert log_in(cast[role].username, NEW)[1].status_code == 302
    assert log_in(cast[role].username, PASSWORD)[1].status_code == 200


def test_the_change_ends_the_other_sessions(staff):
    other, _ = log_in("staff", PASSWORD)
    client, _ = log_in("staff", PASSWORD)
    assert change(client, PASSWORD, NEW).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert other.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize(("old", "new1", "new2", "message"), [
    ("wrong-password", NEW, NEW, "Mật khẩu cũ không chính xác"),
    (PASSWORD, NEW, NEW + "x", "Hai trường mật khẩu không giống nhau"),
    (PASSWORD, "ngắn", "ngắn", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự"),
    (PASSWORD, "1234567890123", "1234567890123", "hoàn toàn là số"),
    (PASSWORD, "password1234", "password1234", "quá phổ biến"),
    (PASSWORD, PASSWORD, PASSWORD, "Mật khẩu mới phải khác mật khẩu hiện tại"),
    (PASSWORD, "x" * 5000, "x" * 5000, "tối đa 4096 kí tự"),
])
def test_a_bad_change_says_why_in_vietnamese(staff, old, new1, new2, message):
    client, _ = log_in("staff", PASSWORD)
    response = change(client, old, new1, new2)
    assert response.status_code == 200
    assert message in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_the_change_page_needs_login(db, client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# ---- the administrator's temporary password ---------------------------------------------------


def reset(client, user, password=TEMPORARY, again=None):
    return client.post(reverse("accounts:user_reset_password", args=[user.pk]), {
        "new_password1": password, "new_password2": again or password})


def lock(username):
    for _ in range(5):
        log_in(username, "guess")


def test_a_reset_lifts_the_lock_and_forces_a_change(login, cast, official_a):
    lock("official_a")
    assert log_in("official_a", PASSWORD)[1].status_code == 429

    admin = login(cast["admin"])
    listing = admin.get(reverse("accounts:users")).content.decode()
    assert "official_a" in listing and "Bị khóa" in listing
    response = reset(admin, official_a)
    assert response.status_code == 302 and response.url == reverse("accounts:users")
    assert "Bị khóa" not in admin.get(reverse("accounts:users")).content.decode()
    assert not AccessAttempt.objects.filter(username="official_a").exists()
    official_a.refresh_from_db()
    assert official_a.must_change_password

    # The temporary password opens only the change page and logging out.
    client, response = log_in("official_a", TEMPORARY)
    assert response.status_code == 302
    for url in (reverse("dashboard"), reverse("facilities:list"), reverse("reports:index"),
                reverse("admin:index"), reverse("facilities:export")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse(
            "accounts:password_change"), url
    assert client.post(reverse("facilities:create"), {"name": "x"}).url == reverse(
        "accounts:password_change")
    htmx = client.get(reverse("facilities:list"), HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "mật khẩu tạm thời" in body
    assert page.context["nav_items"] == []
    assert client.get(reverse("public:home")).status_code == 200

    # Keeping the temporary password is not a change.
    assert change(client, TEMPORARY, TEMPORARY).status_code == 200
    assert change(client, TEMPORARY, NEW).status_code == 302
    official_a.refresh_from_db()
    assert not official_a.must_change_password
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_forced_user_may_log_out(login, cast, official_a):
    reset(login(cast["admin"]), official_a)
    client, _ = log_in("official_a", TEMPORARY)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:password_change")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_reset_ends_the_users_open_sessions(login, cast, official_a):
    open_session, _ = log_in("official_a", PASSWORD)
    reset(login(cast["admin"]), official_a)
    assert open_session.get(reverse("dashboard")).status_code == 302
    assert "_auth_user_id" not in open_session.session


@pytest.mark.parametrize(("password", "again", "message"), [
    ("ngắn", "ngắn", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự"),
    (TEMPORARY, TEMPORARY + "x", "Hai trường mật khẩu không giống nhau"),
    ("official_a", "official_a", "Mật khẩu quá giống với"),
    ("", "", "Trường này là bắt buộc"),
])
def test_a_bad_temporary_password_is_refused(login, cast, official_a, password, again, message):
    lock("official_a")
    response = reset(login(cast["admin"]), official_a, password, again)
    assert response.status_code == 200
    assert message in response.content.decode()
    official_a.refresh_from_db()
    assert official_a.check_password(PASSWORD) and not official_a.must_change_password
    assert AccessAttempt.objects.filter(username="official_a").exists()


@pytest.mark.parametrize("role", ["staff", "official_a", "official_b", "unit", "leader"])
def test_only_the_administrator_resets(login, cast, leader, role):
    client = login(cast[role])
    assert client.get(reverse("accounts:users")).status_code == 403
    assert reset(client, leader).status_code == 403
    leader.refresh_from_db()
    assert leader.check_password(PASSWORD) and not leader.must_change_password


def test_the_administrator_changes_their_own_password_on_their_own_page(login, cast):
    response = reset(login(cast["admin"]), cast["admin"])
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")
    cast["admin"].refresh_from_db()
    assert cast["admin"].check_password(PASSWORD) and not cast["admin"].must_change_password


def test_an_unknown_account_is_404(login, cast):
    client = login(cast["admin"])
    assert client.get(reverse("accounts:user_reset_password", args=[999999])).status_code == 404


def test_the_admin_sites_password_form_leads_to_the_reset(login, cast, leader):
    client = login(cast["admin"])
    response = client.get(reverse("admin:auth_user_password_change", args=[leader.pk]))
    assert response.status_code == 302
    assert response.url == reverse("accounts:user_reset_password", args=[leader.pk])
    assert client.get("/admin/accounts/user/abc/password/").status_code == 404


def test_the_account_list_finds_and_counts_queries(login, cast, django_assert_max_num_queries):
    for number in range(30):
        district_create(User, username=f"user{number}", role="leader")
    client = login(cast["admin"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:users"))
    assert response.status_code == 200 and "user29" in response.content.decode()
    body = client.get(reverse("accounts:users"), {"q": "official"}).content.decode()
    assert "official_a" in body and "user29" not in body
