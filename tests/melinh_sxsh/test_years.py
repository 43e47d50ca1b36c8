"""One notion of a valid year (lib/years.py): its three kinds at their bounds, one message in
forms, services, importers and commands, and addresses whose ?year= never fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.forms import FundingLineForm
from facilities.forms import FacilityForm, StatusForm
from facilities.importers import StatusImporter
from facilities.models import FacilityYearStatus, Stage
from melinh_sxsh.lib import years
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.forms import YearField
from melinh_sxsh.lib.importing import CellError, run_import
from reports.forms import LockForm, PlanForm, ReportForm
from tests.facilities.xlsx_helpers import xlsx_bytes
from tests.factories import FacilityFactory

THIS_YEAR = timezone.localdate().year
AHEAD = THIS_YEAR + years.YEARS_AHEAD


def test_the_three_kinds():
    assert years.bounds(years.FACT) == (2000, THIS_YEAR)
    assert years.bounds(years.PLAN) == (2000, AHEAD)
    assert years.bounds(years.OPERATING) == (1900, THIS_YEAR)


@pytest.mark.parametrize(
    ("kind", "accepted", "refused"),
    [
        (years.FACT, [2000, THIS_YEAR], [1999, THIS_YEAR + 1]),
        (years.PLAN, [2000, THIS_YEAR + 1, AHEAD], [1999, AHEAD + 1]),
        (years.OPERATING, [1900, 1999, THIS_YEAR], [1899, THIS_YEAR + 1]),
    ],
)
def test_bounds(kind, accepted, refused):
    first, last = years.bounds(kind)
    for year in accepted:
        assert years.parse_year(year, kind) == year
        assert years.parse_year(str(year), kind) == year
        assert years.is_valid(year, kind)
    for year in refused:
        assert not years.is_valid(year, kind)
        with pytest.raises(years.YearError) as refusal:
            years.parse_year(str(year), kind)
        assert refusal.value.message == f"phải là năm từ {first} đến {last}"


def test_the_range_moves_with_the_calendar(monkeypatch):
    """Bounds are read when a year is checked, not when the server started."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2031, 1, 1))
    assert years.bounds(years.FACT) == (2000, 2031)
    assert years.parse_year("2031") == 2031
    assert YearField().clean("2031") == 2031


@pytest.mark.parametrize(
    "value",
    [
        "",
        "  ",
        "abc",
        "18",
        "02018",
        "20180",
        "2018.0",
        "2.018",
        "1e3",
        "-2018",
        "+2018",
        "２０１８",
        "٢٠١٨",
        "2018\x00",
        "9" * 10_000,
        None,
        True,
        2018.5,
        float("nan"),
        float("inf"),
        Decimal("NaN"),
        [],
        {},
    ],
)
def test_what_is_not_a_year(value):
    with pytest.raises(years.YearError) as refusal:
        years.parse_year(value)
    assert refusal.value.message == "hãy ghi năm bằng bốn chữ số, ví dụ 2018"


def test_what_excel_and_programs_give_is_read():
    assert years.parse_year(2018) == 2018
    assert years.parse_year(2018.0) == 2018  # a numeric cell
    assert years.parse_year(Decimal("2018")) == 2018
    assert years.parse_year(" 2018 ") == 2018
    with pytest.raises(years.YearError, match="không phải ngày tháng"):
        years.parse_year(date(2018, 1, 1))


def test_year_param_falls_back_on_anything_but_a_year():
    assert years.year_param({"year": "2018"}, "year", 1) == 2018
    assert years.year_param({}, "year", 1) == 1
    assert years.year_param({"year": "1999"}, "year", 1) == 1
    assert years.year_param({"year": str(THIS_YEAR + 1)}, "year", 1) == 1
    assert years.year_param({"year": str(THIS_YEAR + 1)}, "year", 1, years.PLAN) == THIS_YEAR + 1
    assert years.year_param({"year": "x" * 100_000}, "year", None) is None
    assert years.year_param({"qyear": "2017"}, "qyear", 1) == 2017


# ---- one message everywhere ------------------------------------------------------------------

FACT_MESSAGE = f"phải là năm từ 2000 đến {THIS_YEAR}"
PLAN_MESSAGE = f"phải là năm từ 2000 đến {AHEAD}"


def errors_of(form) -> str:
    assert not form.is_valid()
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.mark.django_db
def test_one_message_for_a_fact_year(staff, commune_a):
    facility = FacilityFactory(commune=commune_a, tax_code="0101111111")
    wrong = THIS_YEAR + 1
    form = errors_of(StatusForm({"year": str(wrong), "stage": Stage.AWARE}))
    with pytest.raises(DomainError) as service:
        from facilities.services import status_set

        status_set(user=staff, facility=facility, year=wrong, stage=Stage.AWARE)
    outcome = run_import(StatusImporter(user=staff), _file([facility.tax_code, wrong]), write=True)
    cell = str(outcome.errors[0])
    assert f"Năm: {FACT_MESSAGE}" in form
    assert service.value.message == f"Năm: {FACT_MESSAGE}" and service.value.field == "year"
    assert cell == f'Dòng 2, cột "Năm": {FACT_MESSAGE}'
    assert f"Năm: {FACT_MESSAGE}" in errors_of(LockForm({"year": str(wrong), "action": "lock"}))
    assert not FacilityYearStatus.objects.exists()


def _file(row):
    from io import BytesIO

    return BytesIO(xlsx_bytes([["Mã số thuế", "Năm", "Mức độ"], [*row, "Đã nhận thức"]]))


@pytest.mark.django_db
def test_one_message_for_a_plan_year(staff):
    from reports.services import report_request

    wrong = AHEAD + 1
    form = errors_of(ReportForm({"year": str(wrong), "format": "pdf"}, user=staff))
    with pytest.raises(DomainError) as service:
        report_request(user=staff, year=wrong)
    with pytest.raises(CommandError) as command:
        call_command("kpi", "--year", str(wrong), "--json")
    assert f"Năm kế hoạch: {PLAN_MESSAGE}" in form
    assert service.value.message == f"Năm: {PLAN_MESSAGE}"
    assert PLAN_MESSAGE in str(command.value)


def test_the_importers_cell_speaks_the_same():
    parse = years.year_cell(years.FACT)
    assert parse(2018) == 2018
    with pytest.raises(CellError) as refusal:
        parse(1999)
    assert refusal.value.message == FACT_MESSAGE


# ---- each year where it belongs -----------------------------------------------------------


@pytest.mark.django_db
def test_plans_and_budgets_look_ahead_facts_do_not(staff, commune_a):
    from facilities.models import Sector

    ahead = str(THIS_YEAR + 1)
    assert not StatusForm({"year": ahead, "stage": Stage.AWARE}).is_valid()
    assert not LockForm({"year": ahead, "action": "lock"}).is_valid()
    assert ReportForm({"year": ahead, "format": "pdf"}, user=staff).is_valid()
    line = FundingLineForm(
        {"source": _source(), "year": ahead, "planned_vnd": "1", "spent_vnd": "0"}
    )
    assert line.is_valid(), line.errors
    plan = PlanForm(
        {
            "code": "1/KH",
            "title": "KH",
            "year": ahead,
            "baseline_year": ahead,
            "signed_on": "01/01/2026",
        }
    )
    assert "baseline_year" in plan.errors and "year" not in plan.errors
    facility = FacilityForm(
        {
            "tax_code": "0101111112",
            "name": "Cơ sở cũ",
            "commune": commune_a.pk,
            "sector": Sector.objects.first().pk,
            "kind": "enterprise",
            "group": "CN",
            "first_year": "1950",
        },
        user=staff,
    )
    assert "first_year" not in facility.errors


def _source() -> int:
    from campaigns.models import FundingSource

    return FundingSource.objects.first().pk


# ---- addresses that read a year -----------------------------------------------------------

YEAR_PAGES = [
    ("facilities:list", "year"),
    ("campaigns:index", "year"),
    ("campaigns:models", "year"),
    ("reports:budget", "year"),
    ("reports:tasks", "year"),
    ("reports:tasks", "qyear"),
    ("audits:index", "year"),
    ("audits:quality", "year"),
    ("dashboard", "year"),
    ("reports:officers", "year"),
]
GARBAGE = ["abc", "1999", "99999999999999999999", "-1", "2018.5", "２０１８", "", "%00"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "param"), YEAR_PAGES)
def test_a_bad_year_in_the_address_never_fails(login, cast, name, param):
    client = login(cast["staff"])
    for value in GARBAGE:
        response = client.get(reverse(name), {param: value})
        assert response.status_code == 200, (name, value)
    assert client.get(reverse(name), {param: "2018"}).status_code == 200


@pytest.mark.django_db
def test_the_year_asked_for_is_the_year_shown(login, cast):
    client = login(cast["staff"])
    assert client.get(reverse("facilities:list"), {"year": "2017"}).context["year"] == 2017
    assert (
        client.get(reverse("reports:budget"), {"year": str(THIS_YEAR + 1)}).context["year"]
        == THIS_YEAR + 1
    )
    assert client.get(reverse("reports:tasks"), {"qyear": "2017"}).context["qyear"] == 2017
    # A fact's list does not go beyond this year: the default is shown instead.
    default = client.get(reverse("facilities:list")).context["year"]
    assert (
        client.get(reverse("facilities:list"), {"year": str(THIS_YEAR + 1)}).context["year"]
        == default
    )
