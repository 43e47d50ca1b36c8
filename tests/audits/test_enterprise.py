"""An enterprise account: its own page with its facilities' figures and submissions; "/" leads
there; the district's pages are closed to it (403 for its own facility's, 404 for any other
facility's), and it fills in only its own facilities' submissions."""

from __future__ import annotations

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


@pytest.fixture
def own(enterprise, facility_a):
    facility_a.accounts.add(enterprise)
    return facility_a


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
