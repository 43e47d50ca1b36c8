"""Issue 17: the facility page's "Campaigns attended" lists the campaigns the facility took
part in (campaigns/sections.py), for every role that sees the facility."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Unit
from campaigns.models import Attendance, Campaign
from tests.factories import FacilityFactory, district_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def attended(commune_a):
    facility = FacilityFactory(commune=commune_a, tax_code="0105555555")
    unit = Unit.objects.get(code="KINH_TE")
    for title, day, people in (
        ("Hội nghị tập huấn SXSH 2017", date(2017, 6, 2), 3),
        ("Tham quan mô hình lò hơi", date(2018, 9, 5), 1),
    ):
        campaign = district_create(
            Campaign, kind="training_conference", title=title, lead_unit=unit, starts_on=day
        )
        Attendance.objects.create(campaign=campaign, facility=facility, people=people)
    return facility


def campaigns_section(body: str) -> str:
    return body.split('id="section-campaigns"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("role", ["staff", "official_a", "unit", "leader", "admin"])
def test_the_campaigns_attended_are_listed(login, cast, attended, role):
    body = login(cast[role]).get(reverse("facilities:detail", args=[attended.pk])).content
    section = campaigns_section(body.decode())
    assert "Chưa có ghi nhận" not in section and "Nothing recorded" not in section
    newest, oldest = section.index("Tham quan mô hình lò hơi"), section.index("Hội nghị")
    assert newest < oldest  # newest first
    assert "05/09/2018" in section and "02/06/2017" in section
    assert "3 người tham dự" in section
    campaign = Campaign.objects.get(title="Tham quan mô hình lò hơi")
    assert reverse("campaigns:detail", args=[campaign.pk]) in section


def test_a_facility_that_attended_nothing_says_so(login, cast, commune_a):
    facility = FacilityFactory(commune=commune_a, tax_code="0106666666")
    body = login(cast["staff"]).get(reverse("facilities:detail", args=[facility.pk])).content
    assert "Chưa ghi nhận cơ sở tham gia hoạt động nào." in campaigns_section(body.decode())


def test_the_facility_page_reads_a_bounded_number_of_queries(
    login, cast, attended, django_assert_max_num_queries
):
    unit = Unit.objects.get(code="KINH_TE")
    for n in range(20):
        campaign = district_create(
            Campaign, kind="workshop", title=f"Hội thảo {n}", lead_unit=unit,
            starts_on=date(2018, 1, 1 + n)
        )
        Attendance.objects.create(campaign=campaign, facility=attended)
    client = login(cast["staff"])
    with django_assert_max_num_queries(40) as counted:
        client.get(reverse("facilities:detail", args=[attended.pk]))
    many = len(counted)
    Attendance.objects.filter(campaign__title__startswith="Hội thảo").delete()
    with django_assert_max_num_queries(many) as counted:
        client.get(reverse("facilities:detail", args=[attended.pk]))
    assert len(counted) == many  # not one query per campaign
