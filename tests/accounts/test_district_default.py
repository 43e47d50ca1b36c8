"""Which district a new row belongs to is decided where the row is made, never in save(): the
services by accounts.selectors.writing_district_id (or the commune's district), the admin's user
form, `adduser`, the demo loaders and the test factories; a row saved without a district is
refused by the database (a plan without one is the city's)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import District, Role, Unit, User
from campaigns.models import Campaign
from reports import services
from reports.models import Plan, Report
from tests.conftest import make_user
from tests.factories import second_district

pytestmark = pytest.mark.django_db

PASSWORD = "Rat-kho-doan-2018"
PLAN = {"code": "52/KH-UBND", "title": "Kế hoạch", "year": 2018, "baseline_year": 2017,
        "signed_on": date(2018, 3, 28)}


def melinh() -> District:
    return District.objects.get(code="250")


def test_a_row_saved_without_a_district_is_refused_even_with_one_district():
    with pytest.raises(IntegrityError), transaction.atomic():
        Report(year=2018, format=Report.Format.PDF).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign(kind="radio", title="Tin", starts_on=date(2018, 3, 5),
                 lead_unit=Unit.objects.get(code="KINH_TE")).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        User(username="canbo", role=Role.STAFF).save()
    assert not Report.objects.exists() and not Campaign.objects.exists()
    # Nothing lands in Mê Linh by itself: a plan saved without a district is the city's.
    plan = Plan(**PLAN)
    plan.save()
    assert plan.district_id is None and plan.is_city_plan


def test_the_services_put_each_users_rows_in_their_district(cast):
    soc_son, phu_linh, _namesake = second_district()
    soc_son_staff = make_user("canbo.socson", Role.STAFF, district=soc_son)
    report = services.report_request(user=soc_son_staff, year=2018)
    assert report.district == soc_son and not report.is_city
    commune_report = services.report_request(user=soc_son_staff, year=2018, commune=phu_linh)
    assert commune_report.district == soc_son and commune_report.commune == phu_linh
    assert services.report_request(user=cast["staff"], year=2018).district == melinh()
    official = services.report_request(user=cast["official_a"], year=2018)
    assert official.district == melinh() and official.commune == cast["official_a"].commune
    plan = services.plan_create(user=soc_son_staff, data=PLAN, targets={}, tasks={})
    assert plan.district == soc_son
    # The city's report and the city officer's plan stay the city's.
    city_report = services.city_report_request(user=cast["city"], year=2018)
    city_report.refresh_from_db()
    assert city_report.district_id is None and city_report.is_city
    city_plan = services.plan_create(user=cast["city"], data={**PLAN, "code": "1048/KH-SCT"},
                                     targets={}, tasks={})
    assert city_plan.district_id is None


def test_adduser_gives_the_district_asked_for_or_the_only_one(db):
    call_command("adduser", "kt1", "--role", "staff", "--password", PASSWORD)
    assert User.objects.get(username="kt1").district == melinh()
    soc_son, phu_linh, _namesake = second_district()
    call_command("adduser", "kt2", "--role", "staff", "--district", "016",
                 "--password", PASSWORD)
    assert User.objects.get(username="kt2").district == soc_son
    call_command("adduser", "xa2", "--role", "commune", "--commune", phu_linh.code,
                 "--password", PASSWORD)
    assert User.objects.get(username="xa2").district == soc_son


def admin_add(client, username: str, **fields):
    data = {"username": username, "password1": PASSWORD, "password2": PASSWORD,
            "usable_password": "true", "role": Role.STAFF, "district": "", "commune": "",
            "unit": "", **fields}
    return client.post(reverse("admin:accounts_user_add"), data)


def test_the_admins_user_form_defaults_to_the_only_district_and_else_asks(login, cast):
    client = login(cast["admin"])
    response = admin_add(client, "kt1")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="kt1").district == melinh()
    soc_son, phu_linh, _namesake = second_district()
    response = admin_add(client, "kt2")
    assert response.status_code == 200
    assert "district" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="kt2").exists()
    admin_add(client, "kt3", district=soc_son.pk)
    assert User.objects.get(username="kt3").district == soc_son
    admin_add(client, "xa3", role=Role.COMMUNE, commune=phu_linh.pk)
    assert User.objects.get(username="xa3").district == soc_son
