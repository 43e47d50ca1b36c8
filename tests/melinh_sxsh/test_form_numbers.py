"""Every form with an amount or a quantity, through its real page: what the person types the
Vietnamese way is what is stored, the edit form shows it back the same way, and an ambiguous
number is refused with a message that names the field (issue 13, the funding block that saved
15.000.000 as 15 đ)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Unit
from audits.models import CPMeasure, CPTechnique, EnergyCarrier, EnergyRecord
from campaigns.models import Attendance, Campaign, DemonstrationModel, FundingLine, FundingSource
from facilities.models import Facility
from reports.models import Plan, Target
from tests.factories import FacilityFactory, district_create
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_staff(staff):
    client = Client()
    client.force_login(staff)
    return client


def submit(client: Client, url: str, having: str, follow: bool = False, **changes):
    """Open the page, fill the form that has `having` as a person would, and send it."""
    data = form_data(client.get(url).content.decode(), having=having)
    data.update(changes)
    return client.post(url, data, follow=follow)


@pytest.fixture
def world(staff):
    facility = FacilityFactory(product_unit="tấn")
    campaign = district_create(
        Campaign, kind="training_conference",
        title="Hội nghị",
        lead_unit=Unit.objects.get(code="KINH_TE"),
        starts_on=date(2018, 5, 10),
    )
    model = district_create(
        DemonstrationModel, title="Lò hơi", host=facility, technology="Lò", year=2018
    )
    attendance = Attendance.objects.create(campaign=campaign, facility=facility)
    return {"facility": facility, "campaign": campaign, "model": model, "attendance": attendance}


@dataclass
class Case:
    """One form: where it is, what to type, where the typed value is stored, where it is shown
    back."""

    name: str
    url: Callable[[dict], str]
    having: str  # a field that identifies the form on its page
    typed: dict[str, str]  # field -> text typed the Vietnamese way
    stored: Callable[[dict], dict]  # what the database holds afterwards
    expected: dict
    shown: Callable[[dict], str] | None  # the page that shows the values back (edit form)
    ambiguous: tuple[str, str, str]  # field, text, the label the refusal names
    follow: bool = False
    post: Callable[[dict], str] | None = None  # where the form posts, when not to its page


def _funding():
    def stored(world):
        line = FundingLine.objects.get()
        return {"planned_vnd": line.planned_vnd, "spent_vnd": line.spent_vnd}

    return stored


CASES = [
    Case(
        "facility",
        lambda w: reverse("facilities:edit", args=[w["facility"].pk]),
        "employees",
        {"employees": "1.500"},
        lambda w: {"employees": Facility.objects.get(pk=w["facility"].pk).employees},
        {"employees": 1500},
        lambda w: reverse("facilities:edit", args=[w["facility"].pk]),
        ("employees", "1.5", "Số lao động"),
    ),
    Case(
        "campaign",
        lambda w: reverse("campaigns:edit", args=[w["campaign"].pk]),
        "people_reached",
        {
            "people_reached": "15.000",
            "copies_printed": "15.000.000",
            "broadcasts_aired": "1.200",
            "starts_on": "15/03/2018",
        },
        lambda w: {
            k: getattr(Campaign.objects.get(pk=w["campaign"].pk), k)
            for k in ("people_reached", "copies_printed", "broadcasts_aired", "starts_on")
        },
        {
            "people_reached": 15_000,
            "copies_printed": 15_000_000,
            "broadcasts_aired": 1200,
            "starts_on": date(2018, 3, 15),
        },
        lambda w: reverse("campaigns:edit", args=[w["campaign"].pk]),
        ("copies_printed", "15.000.00", "Số bản in"),
    ),
    Case(
        "campaign funding",
        lambda w: reverse("campaigns:detail", args=[w["campaign"].pk]),
        "planned_vnd",
        {"planned_vnd": "28.500.000", "spent_vnd": "15.000.000"},
        _funding(),
        {"planned_vnd": 28_500_000, "spent_vnd": 15_000_000},
        lambda w: reverse("campaigns:detail", args=[w["campaign"].pk]),
        ("planned_vnd", "1.5", "Dự toán (đồng)"),
        follow=True,
        post=lambda w: reverse("campaigns:funding_add", args=[w["campaign"].pk]),
    ),
    Case(
        "model funding",
        lambda w: reverse("campaigns:model_detail", args=[w["model"].pk]),
        "planned_vnd",
        {"planned_vnd": "28.500.000", "spent_vnd": "15.000.000"},
        _funding(),
        {"planned_vnd": 28_500_000, "spent_vnd": 15_000_000},
        lambda w: reverse("campaigns:model_detail", args=[w["model"].pk]),
        ("spent_vnd", "15,000,000", "Đã chi (đồng)"),
        follow=True,
        post=lambda w: reverse("campaigns:model_funding_add", args=[w["model"].pk]),
    ),
    Case(
        "attendance people",
        lambda w: reverse("campaigns:detail", args=[w["campaign"].pk]),
        "people",
        {"people": "1.200"},
        lambda w: {"people": Attendance.objects.get(pk=w["attendance"].pk).people},
        {"people": 1200},
        lambda w: reverse("campaigns:detail", args=[w["campaign"].pk]),
        ("people", "1.2", "Số người tham gia"),
        follow=True,
        # the people box of an attendance row posts to the row's own address
        post=lambda w: reverse(
            "campaigns:attendance_people", args=[w["campaign"].pk, w["attendance"].pk]
        ),
    ),
    Case(
        "energy record",
        lambda w: reverse("audits:record_create", args=[w["facility"].pk]),
        "output",
        {
            "year": "2018",
            "output": "1.250,5",
            "uses-0-quantity": "185.000",
            "uses-0-carrier": "ELEC",
        },
        lambda w: {
            "output": EnergyRecord.objects.get().output,
            "quantity": EnergyRecord.objects.get().uses.get().quantity,
        },
        {"output": Decimal("1250.5"), "quantity": Decimal(185000)},
        lambda w: reverse("audits:record_edit", args=[EnergyRecord.objects.get().pk]),
        ("output", "1.25", "Sản lượng"),
    ),
    Case(
        "CP measure",
        lambda w: reverse("audits:measure_create", args=[w["facility"].pk]),
        "investment_vnd",
        {
            "technique": "EQUIPMENT",
            "description": "Biến tần",
            "investment_vnd": "120.000.000",
            "yearly_saving_vnd": "48.000.000",
            "energy_saved_toe": "3,5",
            "status": "implemented",
            "implemented_on": "15/06/2018",
        },
        lambda w: {
            k: getattr(CPMeasure.objects.get(), k)
            for k in ("investment_vnd", "yearly_saving_vnd", "energy_saved_toe", "implemented_on")
        },
        {
            "investment_vnd": 120_000_000,
            "yearly_saving_vnd": 48_000_000,
            "energy_saved_toe": Decimal("3.5"),
            "implemented_on": date(2018, 6, 15),
        },
        lambda w: reverse("audits:measure_edit", args=[CPMeasure.objects.get().pk]),
        ("investment_vnd", "120.000.00", "Vốn đầu tư (đồng)"),
    ),
    Case(
        "plan targets",
        lambda w: reverse("reports:plan_create"),
        "targets-0-value",
        {
            "code": "55/KH-UBND",
            "title": "Kế hoạch 2019",
            "year": "2019",
            "baseline_year": "2018",
            "signed_on": "01/03/2019",
            "targets-0-indicator": "saving",
            "targets-0-mode": "relative",
            "targets-0-value": "12,5",
            "targets-0-band_low": "8",
            "targets-0-band_high": "13,5",
        },
        lambda w: {k: getattr(Target.objects.get(), k) for k in ("value", "band_low", "band_high")},
        {"value": Decimal("12.5"), "band_low": 8, "band_high": Decimal("13.5")},
        lambda w: reverse("reports:plan_edit", args=[Plan.objects.get().pk]),
        ("targets-0-value", "12.5", "Giá trị chỉ tiêu"),
    ),
]

# Choice values the cases type by code; the page's own values are primary keys.
CODES = {
    "ELEC": lambda: EnergyCarrier.objects.get(code="ELEC").pk,
    "EQUIPMENT": lambda: CPTechnique.objects.get(code="EQUIPMENT").pk,
}


def typed(case: Case) -> dict[str, str]:
    return {k: str(CODES[v]()) if v in CODES else v for k, v in case.typed.items()}


def _url(case: Case, world) -> str:
    return case.post(world) if case.post else case.url(world)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_numbers_typed_the_vietnamese_way_are_stored_and_shown_back(client_staff, world, case):
    page_url = case.url(world)
    data = form_data(client_staff.get(page_url).content.decode(), having=case.having)
    data.update(typed(case))
    if case.name.endswith("funding"):
        data["source"] = str(FundingSource.objects.get(code="NS_HUYEN").pk)
    response = client_staff.post(_url(case, world), data, follow=case.follow)
    assert response.status_code == (200 if case.follow else 302)
    assert case.stored(world) == case.expected, response.content.decode()[-3000:]
    page = client_staff.get(case.shown(world)).content.decode()
    for field, text in case.typed.items():
        if (
            text in CODES
            or field in ("description", "title", "code", "status", "year", "baseline_year")
            or field.endswith(("indicator", "mode"))
        ):
            continue
        assert f'value="{text}"' in page or f">{text}<" in page, (field, text)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_an_ambiguous_number_is_refused_naming_the_field(client_staff, world, case):
    before = (
        case.stored(world) if case.name in ("facility", "campaign", "attendance people") else None
    )
    page_url = case.url(world)
    data = form_data(client_staff.get(page_url).content.decode(), having=case.having)
    data.update(typed(case))
    if case.name.endswith("funding"):
        data["source"] = str(FundingSource.objects.get(code="NS_HUYEN").pk)
    field, text, label = case.ambiguous
    data[field] = text
    response = client_staff.post(_url(case, world), data, follow=True)
    body = response.content.decode()
    assert f"{label}: " in body, body[-3000:]
    assert f"{label}: {label}:" not in body  # the field is named once
    # Dots that do not group thousands are ambiguous; commas grouping thousands are no number.
    ambiguous, foreign = "không rõ nghĩa", "không phải là số viết theo kiểu Việt Nam"
    reason, other = (foreign, ambiguous) if "," in text else (ambiguous, foreign)
    assert f"&quot;{text}&quot; {reason}" in body and other not in body, body[-3000:]
    if before is not None:
        assert case.stored(world) == before  # nothing was written
    else:
        assert not FundingLine.objects.exists() and not EnergyRecord.objects.exists()
        assert not CPMeasure.objects.exists() and not Plan.objects.exists()
