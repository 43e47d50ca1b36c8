"""The login lock counts failures per account: another account's success does not reset them,
failures for other names do not lock an address, and the address comes from X-Forwarded-For
only behind as many proxies as TRUSTED_PROXY_COUNT says."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

PASSWORD = "Correct-horse-2018"
OFFICE = "203.0.113.7"  # one NAT address for a whole office


def attempt(username, password, address=OFFICE, **headers):
    # A fresh client each time: a lock must not depend on the attacker keeping a cookie.
    return Client(REMOTE_ADDR=address, **headers).post(
        reverse("accounts:login"), {"username": username, "password": password})


def locked(response) -> bool:
    return response.status_code == 429 and "Tài khoản bị khóa" in response.content.decode()


def test_another_accounts_success_does_not_reset_the_count(staff, leader):
    """The walk-around: four guesses at staff, a real login as leader from the same address,
    four more guesses. Before, the leader's success wiped staff's failures and twelve guesses
    never locked staff."""
    for _ in range(4):
        assert attempt("staff", "guess").status_code == 200
    assert attempt("leader", PASSWORD).status_code == 302
    # The fifth failure locks staff, whatever succeeded in between.
    assert locked(attempt("staff", "guess"))
    assert locked(attempt("staff", PASSWORD))
    # The leader, at the same address, is not locked.
    assert attempt("leader", PASSWORD).status_code == 302


def test_failures_for_unknown_names_do_not_lock_the_office(staff, leader):
    """Behind one NAT address, five failures (for names that do not exist) must not lock
    everyone: each name has its own count."""
    for number in range(12):
        assert attempt(f"nobody{number}", "guess").status_code == 200
    for _ in range(5):
        attempt("typo.name", "guess")
    assert attempt("staff", PASSWORD).status_code == 302
    assert attempt("leader", PASSWORD).status_code == 302


def test_an_account_locks_after_five_failures_from_different_addresses(staff):
    for number in range(4):
        assert attempt("staff", "guess", address=f"198.51.100.{number}").status_code == 200
    assert locked(attempt("staff", "guess", address="192.0.2.99"))
    assert locked(attempt("staff", PASSWORD, address="192.0.2.200"))


def test_own_success_still_resets_own_count(staff):
    for _ in range(4):
        attempt("staff", "guess")
    assert attempt("staff", PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt("staff", "guess").status_code == 200
    assert attempt("staff", PASSWORD).status_code == 302


def test_a_username_longer_than_the_log_is_a_form_error(db, client):
    """A 300-character name used to overflow axes' 255-character column: a 500 on PostgreSQL."""
    for name in ("a" * 151, "a" * 300, "a" * 5000):
        response = client.post(reverse("accounts:login"), {"username": name, "password": "x"})
        assert response.status_code == 200
        assert "tối đa 150 kí tự" in response.content.decode()
    response = client.post(reverse("admin:login"), {"username": "a" * 300, "password": "x"})
    assert response.status_code == 200
    assert not AccessAttempt.objects.exists()


def test_the_attempt_log_never_gets_a_name_it_cannot_hold(db):
    from accounts.lockout import attempted_username

    assert attempted_username(None, {"username": "x" * 1000}) == "x" * 255
    assert attempted_username(None, {"username": "staff"}) == "staff"


# ---- the client's address ------------------------------------------------------------------


def client_ip(request):
    from melinh_sxsh.lib.http import client_ip

    return client_ip(request)


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("10.0.0.5", "1.2.3.4")) == "10.0.0.5"


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    # the proxy appended the address it saw; what the client wrote is to its left
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
    (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
    (1, " 2001:db8::1 ", "2001:db8::1"),
    # a chain shorter than the proxies, or garbage: the connection's own address
    (2, "203.0.113.7", "10.0.0.5"),
    (1, "", "10.0.0.5"),
    (1, "not-an-address", "10.0.0.5"),
    (1, "203.0.113.7:443", "10.0.0.5"),
])
def test_behind_trusted_proxies_the_appended_entry_counts(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from("10.0.0.5", forwarded)) == expected


def test_the_lock_records_the_address_the_proxy_saw(settings, staff):
    settings.TRUSTED_PROXY_COUNT = 1
    attempt("staff", "guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"


def test_a_forged_header_is_not_trusted_by_default(staff):
    attempt("staff", "guess", address="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
