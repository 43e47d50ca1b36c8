"""Visitors find the public pages from the login page and from every page's footer; the public
pages lead back to the login."""

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_links_to_the_public_pages(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<a href="/public/">thông tin công khai về sản xuất sạch hơn</a>' in body


def test_the_footer_of_the_portal_links_to_them(login, cast):
    body = login(cast["staff"]).get("/").content.decode()
    footer = body.split("<footer", 1)[1]
    assert '<a href="/public/">Thông tin công khai</a>' in footer


def test_public_pages_have_no_user_menu_and_lead_to_the_login(login, cast):
    body = login(cast["staff"]).get("/public/news/").content.decode()
    assert 'href="/accounts/login/"' in body
    assert "Đăng xuất" not in body and "csrfmiddlewaretoken" not in body
    assert 'href="/facilities/"' not in body
