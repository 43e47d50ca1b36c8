"""An enterprise account: its own page with its facilities' figures and submissions; "/" leads
there; the district's pages are closed to it (403 for its own facility's, 404 for any other
facility's), and it fills in only its own facilities' submissions."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audits.models import EnergyCarrier
from audits.submissions import request_create, submission_fill
from tests.audits.conftest import make_record

pytestmark = pytest.mark.django_db


def test_its_page_shows_its_facilities_figures_and_requests_and_nothing_else(
    login, enterprise, own, facility_b, staff
):
    make_record(own, 2017, "100", {"ELEC": "100000"}, baseline=True)
    make_record(own, 2018, "100", {"ELEC": "90000"})
    make_record(facility_b, 2018, "50", {"ELEC": "1000"})
    request_create(user=staff, year=2018, title="Số liệu năng lượng năm 2018",
                   deadline=timezone.localdate() + timedelta(days=30),
                   facilities=[own, facility_b])
    client = login(enterprise)
    assert client.get("/").url == reverse("audits:enterprise")
    page = client.get(reverse("audits:enterprise")).content.decode()
    assert own.name in page and own.tax_code in page
    assert "Số liệu năng lượng năm 2018" in page and "Đã yêu cầu" in page
    assert "10,0%" in page  # the 2018 saving against the 2017 baseline
    assert facility_b.name not in page and facility_b.tax_code not in page
    # The menu offers its page and no page of the district's.
    assert 'href="/audits/enterprise/"' in page
    for closed in ("/facilities/", "/audits/", "/campaigns/", "/reports/"):
        assert f'href="{closed}"' not in page


def test_the_districts_pages_are_closed_403_for_its_own_facility_404_for_another(
    login, enterprise, own, facility_b
):
    client = login(enterprise)
    for name in ("facilities:detail", "facilities:edit", "audits:record_create"):
        assert client.get(reverse(name, args=[own.pk])).status_code == 403, name
        assert client.get(reverse(name, args=[facility_b.pk])).status_code == 404, name
    for path in ("/facilities/", "/audits/", "/reports/", "/campaigns/"):
        assert client.get(path).status_code == 403, path


def test_an_account_without_a_facility_is_told_so(login, enterprise):
    page = login(enterprise).get(reverse("audits:enterprise")).content.decode()
    assert "chưa gắn với cơ sở nào" in page


def test_it_fills_in_its_own_submission_only(enterprise, own, facility_b, staff):
    request = request_create(user=staff, year=2018, title="Số liệu 2018",
                             deadline=timezone.localdate() + timedelta(days=30),
                             facilities=[own, facility_b])
    elec = EnergyCarrier.objects.get(code="ELEC")
    data = {"output": Decimal("100"), "product_unit": "tấn", "lines": {elec.pk: "5000"}}
    mine = request.submissions.get(facility=own)
    saved = submission_fill(user=enterprise, submission_id=mine.pk, data=data,
                            expected_version=mine.version)
    assert saved.state == "draft" and saved.transitions.get().moved_by == enterprise
    theirs = request.submissions.get(facility=facility_b)
    with pytest.raises(Http404):
        submission_fill(user=enterprise, submission_id=theirs.pk, data=data,
                        expected_version=theirs.version)


def lines_post(elec, quantity: str) -> dict:
    return {
        "uses-TOTAL_FORMS": "3", "uses-INITIAL_FORMS": "0",
        "uses-MIN_NUM_FORMS": "0", "uses-MAX_NUM_FORMS": "30",
        "uses-0-carrier": str(elec.pk), "uses-0-quantity": quantity,
    }


def test_it_is_warned_of_a_60_percent_drop_explains_it_and_sends_the_form(
    login, enterprise, own, staff
):
    make_record(own, 2017, "100", {"ELEC": "100000"}, baseline=True)
    request = request_create(user=staff, year=2018, title="Số liệu năm 2018",
                             deadline=timezone.localdate() + timedelta(days=30),
                             facilities=[own])
    submission = request.submissions.get()
    elec = EnergyCarrier.objects.get(code="ELEC")
    client = login(enterprise)
    url = reverse("audits:submission_fill", args=[submission.pk])
    form = {"output": "100", "product_unit": "tấn", "measures": "Lắp biến tần",
            **lines_post(elec, "40.000"), "version": str(submission.version)}
    # Sent at once: saved, not sent; the SEC fell by 60 % against 2017.
    response = client.post(url, {**form, "submit": ""}, follow=True)
    submission.refresh_from_db()
    assert submission.state == "draft" and submission.lines == {str(elec.pk): "40000"}
    page = response.content.decode()
    assert "Hãy sửa hoặc giải trình trước khi gửi" in page and "-60,0%" in page
    assert 'name="explain_sec_jump"' in page
    # Explained, then sent; the record is not written until staff accept. (The page now has
    # the saved line as an initial form.)
    response = client.post(url, {**form, "uses-INITIAL_FORMS": "1",
                                 "version": str(submission.version), "submit": "",
                                 "explain_sec_jump": "Thay lò hơi mới từ tháng 3/2018"},
                           follow=True)
    submission.refresh_from_db()
    shown = re.findall(r"(?:alert|invalid-feedback)[^>]*>(.*?)</", response.content.decode(), re.S)
    assert submission.state == "submitted", shown
    assert submission.explanations == {"sec_jump": "Thay lò hơi mới từ tháng 3/2018"}
    assert not own.energy_records.filter(year=2018).exists()
    page = response.content.decode()
    assert "không thể sửa" in page and 'name="output"' not in page
    # Sent: a further post changes nothing.
    client.post(url, {**form, "version": str(submission.version), "output": "1"})
    submission.refresh_from_db()
    assert submission.output == Decimal("100") and submission.state == "submitted"
