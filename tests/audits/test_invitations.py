"""Invitation letters and the activation page: staff print one PDF of letters, a page a
facility without an account, each with a code that opens that facility's account (and the
same letter by e-mail); printing again makes the older codes stop working; the activation page
checks the code, then makes the account with a password that passes the validators, uses the
code once, logs the person in, and locks an address out after five wrong codes."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from audits.models import ActivationAttempt, Invitation
from audits.submissions import code_hash, invitation_create, request_create
from melinh_sxsh.lib.text import slug

pytestmark = pytest.mark.django_db
CODE = re.compile(r"\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b")
PASSWORD = "Nhựa-Bình-Minh@2018"


@pytest.fixture
def data_request(staff, facility_a, facility_b):
    facility_b.email = "lienhe@nhuab.vn"
    facility_b.save()
    return request_create(user=staff, year=2018, title="Số liệu năm 2018",
                          deadline=timezone.localdate() + timedelta(days=20),
                          facilities=[facility_a, facility_b])


def pages_of(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    return [" ".join(page.extract_text().split())
            for page in PdfReader(BytesIO(response.content)).pages]


@pytest.mark.slow
def test_letters_one_page_a_facility_each_code_opens_its_own(login, staff, data_request,
                                                             facility_a, facility_b):
    client = login(staff)
    url = reverse("audits:request_letters", args=[data_request.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert [(c.name, n) for c, n in page.context["counts"]] == [
        (facility_a.commune.name, 1), (facility_b.commune.name, 1)]

    response = client.post(url, {"commune": ""})
    assert 'filename="thu-moi-2018.pdf"' in response["Content-Disposition"]
    pages = pages_of(response)
    assert len(pages) == 2
    codes = {}
    for text in pages:
        name = facility_a.name if facility_a.name in text else facility_b.name
        assert "Kính gửi" in text and "/activate/" in text and "Mã kích hoạt" in text
        [codes[name]] = CODE.findall(text)
    opened = {Invitation.objects.get(code_hash=code_hash(code)).facility.name: code
              for code in codes.values()}
    assert opened == codes
    assert Invitation.objects.filter(request=data_request).count() == 2

    # The facility with an e-mail address got its own code, and only it.
    [message] = mail.outbox
    assert message.to == ["lienhe@nhuab.vn"]
    assert codes[facility_b.name] in message.body and codes[facility_a.name] not in message.body
    assert "/activate/" in message.body and "2018" in message.subject

    # Printing again for one commune: new codes, the older letter of that facility is void.
    response = client.post(url, {"commune": facility_a.commune_id})
    assert f'filename="thu-moi-2018-{slug(str(facility_a.commune))}.pdf"' in \
        response["Content-Disposition"]
    again = pages_of(response)
    assert len(again) == 1 and facility_a.name in again[0]
    [new_code] = CODE.findall(again[0])
    assert new_code != codes[facility_a.name]
    old = Invitation.objects.get(code_hash=code_hash(codes[facility_a.name]))
    assert old.expires_at <= timezone.now()
    client.logout()
    refused = client.post(reverse("activate"), {"code": codes[facility_a.name]})
    assert "hết hạn" in refused.content.decode()


def test_a_facility_with_an_account_or_an_answer_gets_no_letter(login, staff, data_request,
                                                                 facility_a, facility_b,
                                                                 enterprise):
    facility_a.accounts.add(enterprise)
    data_request.submissions.filter(facility=facility_b).update(state="submitted")
    client = login(staff)
    url = reverse("audits:request_letters", args=[data_request.pk])
    page = client.get(url)
    assert page.context["counts"] == []
    assert "không cần gửi thư" in page.content.decode()
    response = client.post(url, {"commune": ""})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not Invitation.objects.exists()


def test_only_staff_print_letters(login, cast, data_request):
    url = reverse("audits:request_letters", args=[data_request.pk])
    for role in ("official_a", "leader", "unit", "admin", "enterprise"):
        assert login(cast[role]).post(url, {"commune": ""}).status_code in (403, 404), role
    assert not Invitation.objects.exists()


def test_activation_from_the_code_to_the_enterprise_page(client, staff, facility_a):
    invitation, code = invitation_create(user=staff, facility=facility_a)
    url = reverse("activate")
    assert client.get(url).status_code == 200

    # Step one: the code as typed from paper opens the facility, uses nothing.
    step = client.post(url, {"code": code.lower().replace("-", " ")})
    body = step.content.decode()
    assert facility_a.name in body and 'name="password1"' in body
    assert f'value="{facility_a.tax_code}"' in body  # the username offered
    assert Invitation.objects.get(pk=invitation.pk).used_at is None

    # Step two: a weak password, then two that differ, are refused; the code stays good.
    account = {"code": code, "username": "dn.cokhi", "full_name": "Trần Văn Bình",
               "email": "binh@cokhia.vn"}
    weak = client.post(url, {**account, "password1": "12345678", "password2": "12345678"})
    assert "password1" in weak.context["form"].errors
    differ = client.post(url, {**account, "password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "password2" in differ.context["form"].errors
    assert Invitation.objects.get(pk=invitation.pk).used_at is None
    assert not User.objects.filter(username="dn.cokhi").exists()

    done = client.post(url, {**account, "password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("audits:enterprise")
    user = User.objects.get(username="dn.cokhi")
    assert list(user.represented_facilities.all()) == [facility_a]
    assert user.check_password(PASSWORD) and user.email == "binh@cokhia.vn"
    assert client.get(reverse("audits:enterprise")).status_code == 200  # logged in
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None

    # The code works once.
    client.logout()
    again = client.post(url, {"code": code})
    assert "đã được sử dụng" in again.content.decode()
    assert User.objects.filter(represented_facilities=facility_a).count() == 1


def test_a_taken_username_keeps_the_code_and_the_form(client, staff, facility_a, outsider):
    invitation, code = invitation_create(user=staff, facility=facility_a)
    response = client.post(reverse("activate"), {
        "code": code, "username": outsider.username, "full_name": "", "email": "",
        "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert facility_a.name in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).used_at is None


def test_five_wrong_codes_lock_the_page_for_that_address(client, staff, facility_a, settings):
    _invitation, code = invitation_create(user=staff, facility=facility_a)
    url = reverse("activate")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong = client.post(url, {"code": "AAAA-BBBB-CCCC"})
        assert "không đúng" in wrong.content.decode()
    locked = client.post(url, {"code": code})
    assert "Quá nhiều" in locked.content.decode()
    assert 'name="password1"' not in locked.content.decode()
    assert ActivationAttempt.objects.get().failures == settings.AXES_FAILURE_LIMIT
    # A forged second step from the locked address makes no account either.
    forged = client.post(url, {"code": code, "username": "dn.x", "full_name": "", "email": "",
                               "password1": PASSWORD, "password2": PASSWORD})
    assert "Quá nhiều" in forged.content.decode()
    assert not User.objects.filter(username="dn.x").exists()


@pytest.mark.parametrize("data", [
    {"code": "A" * 10_000},
    {"code": "<script>alert(1)</script>"},
    {"code": "\x00ABCD"},
    {"code": "ABCD-EFGH-JKLM", "username": "<b>x</b>", "full_name": "y" * 5000,
     "email": "not an address", "password1": "x" * 5000, "password2": "x"},
    {"code": ["A", "B"], "username": ["a", "b"]},
])
def test_hostile_activation_posts_are_refused_as_form_errors(client, data):
    response = client.post(reverse("activate"), data)
    # A NUL character is refused before any view, as everywhere (400).
    assert response.status_code == (400 if "\x00" in data["code"] else 200)
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body and "<b>x</b>" not in body
    assert not User.objects.filter(represented_facilities__isnull=False).exists()
