"""Two people edit the same record (issue 13): for every edit form, both open it, the first
saves, the second's save is refused with what changed and with their input kept, and saving
again overwrites. On PostgreSQL, where the row lock that orders the two saves is real."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, Unit
from audits.models import CPMeasure, CPTechnique, EnergyCarrier, EnergyRecord, EnergyUse
from campaigns.models import Campaign, DemonstrationModel
from facilities.models import Facility, FacilityYearStatus, Stage
from reports.models import Plan, PlanTask, Target
from tests.conftest import make_user
from tests.factories import FacilityFactory, district_create
from tests.html_forms import form_data
from tests.sxsh_env import need

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REFUSED = "Người khác đã lưu bản ghi này sau khi bạn mở"


@pytest.fixture(autouse=True)
def postgres():
    need("PostgreSQL", connection.vendor == "postgresql", "row locks are PostgreSQL's")


@dataclass
class Case:
    name: str
    make: Callable[[dict], object]  # the record, from the cast
    url: Callable[[object], str]
    having: str  # a field of the edit form
    users: tuple[str, str]  # who saves first, who second
    first: dict[str, str]  # what the first person types
    second: dict[str, str]  # what the second person types
    state: Callable[[object], tuple]  # the stored values the two changes touch
    after_first: tuple
    after_overwrite: tuple
    theirs: str  # how the first person's change is shown in the list of differences


def _record(w):
    record = EnergyRecord.objects.create(
        facility=w["facility"], year=2018, output=Decimal("1250"), product_unit="tấn"
    )
    EnergyUse.objects.create(
        record=record, carrier=EnergyCarrier.objects.get(code="ELEC"), quantity=Decimal(185000)
    )
    return record


def _measure(w):
    return CPMeasure.objects.create(
        facility=w["facility"],
        technique=CPTechnique.objects.get(code="EQUIPMENT"),
        description="Lắp biến tần",
        investment_vnd=120_000_000,
    )


def _plan(w):
    plan = district_create(
        Plan, code="108/KH-UBND",
        title="Kế hoạch SXSH",
        year=2018,
        baseline_year=2017,
        signed_on=date(2018, 3, 28),
        signer="Hoàng Anh Tuấn",
    )
    Target.objects.create(plan=plan, indicator="aware", mode="relative", value=Decimal(40))
    PlanTask.objects.create(plan=plan, unit=Unit.objects.get(code="TT_VHTT"), duty="Tuyên truyền")
    return plan


def _task(w):
    return _plan(w).tasks.get()


CASES = [
    Case(
        "facility",
        lambda w: w["facility"],
        lambda o: reverse("facilities:edit", args=[o.pk]),
        "name",
        ("staff", "official_a"),
        {"name": "Tên do Phòng Kinh tế sửa"},
        {"employees": "1.500"},
        lambda o: (o.name, o.employees),
        ("Tên do Phòng Kinh tế sửa", None),
        ("Công ty Cơ khí A", 1500),
        "Tên do Phòng Kinh tế sửa",
    ),
    Case(
        "campaign",
        lambda w: district_create(
            Campaign, kind="radio",
            title="Tin phát thanh",
            lead_unit=Unit.objects.get(code="TT_VHTT"),
            starts_on=date(2018, 3, 5),
        ),
        lambda o: reverse("campaigns:edit", args=[o.pk]),
        "title",
        ("staff", "unit"),
        {"title": "Tin phát thanh (sửa)"},
        {"broadcasts_aired": "1.200"},
        lambda o: (o.title, o.broadcasts_aired),
        ("Tin phát thanh (sửa)", 0),
        ("Tin phát thanh", 1200),
        "Tin phát thanh (sửa)",
    ),
    Case(
        "demonstration model",
        lambda w: district_create(
            DemonstrationModel, title="Lò hơi sinh khối", host=w["facility"],
            technology="Lò hơi", year=2018
        ),
        lambda o: reverse("campaigns:model_edit", args=[o.pk]),
        "technology",
        ("staff", "staff2"),
        {"technology": "Lò hơi đốt trấu"},
        {"description": "Thí điểm"},
        lambda o: (o.technology, o.description),
        ("Lò hơi đốt trấu", ""),
        ("Lò hơi", "Thí điểm"),
        "Lò hơi đốt trấu",
    ),
    Case(
        "energy record",
        _record,
        lambda o: reverse("audits:record_edit", args=[o.pk]),
        "output",
        ("staff", "staff2"),
        {"output": "2.400"},
        {"uses-0-quantity": "200.000"},
        lambda o: (o.output, o.uses.get().quantity),
        (Decimal(2400), Decimal(185000)),
        (Decimal(1250), Decimal(200000)),
        "2.400",
    ),
    Case(
        "CP measure",
        _measure,
        lambda o: reverse("audits:measure_edit", args=[o.pk]),
        "description",
        ("staff", "staff2"),
        {"description": "Lắp biến tần máy nén khí"},
        {"investment_vnd": "50.000.000"},
        lambda o: (o.description, o.investment_vnd),
        ("Lắp biến tần máy nén khí", 120_000_000),
        ("Lắp biến tần", 50_000_000),
        "Lắp biến tần máy nén khí",
    ),
    Case(
        "plan",
        _plan,
        lambda o: reverse("reports:plan_edit", args=[o.pk]),
        "signer",
        ("staff", "staff2"),
        {"signer": "Nguyễn Văn A"},
        {"targets-0-value": "45"},
        lambda o: (o.signer, o.targets.get().value),
        ("Nguyễn Văn A", Decimal(40)),
        ("Hoàng Anh Tuấn", Decimal(45)),
        "Nguyễn Văn A",
    ),
    Case(
        "task report",
        _task,
        lambda o: reverse("reports:task_detail", args=[o.pk]),
        "text",
        ("unit", "staff"),
        {"text": "Đã phát 20 tin bài.", "status": "done"},
        {"text": "Đang chuẩn bị tin bài.", "status": "in_progress"},
        lambda o: (o.status, o.reports.count()),
        ("done", 1),
        ("in_progress", 2),
        "Đã phát 20 tin bài.",
    ),
]


@pytest.fixture
def world(cast, commune_a):
    cast["staff2"] = make_user("staff2", Role.STAFF)
    facility = FacilityFactory(commune=commune_a, name="Công ty Cơ khí A", employees=None)
    return {"cast": cast, "facility": facility}


def opened(user, url: str, having: str) -> tuple[Client, dict]:
    client = Client()
    client.force_login(user)
    return client, form_data(client.get(url).content.decode(), having=having)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_second_save_is_refused_with_the_differences_and_saving_again_overwrites(world, case):
    obj = case.make(world)
    url = case.url(obj)
    first, first_form = opened(world["cast"][case.users[0]], url, case.having)
    second, second_form = opened(world["cast"][case.users[1]], url, case.having)

    response = first.post(url, {**first_form, **case.first})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert case.state(fresh(obj)) == case.after_first

    response = second.post(url, {**second_form, **case.second})
    assert response.status_code == 200
    body = response.content.decode()
    assert REFUSED in body
    differences = body[body.index('class="card border-warning') : body.index("</table>")]
    assert case.theirs in differences  # what the first person saved, shown as "saved now"
    kept = form_data(body, having=case.having)
    assert {k: kept[k] for k in case.second} == case.second  # the second person's input
    assert case.state(fresh(obj)) == case.after_first  # nothing of it was saved

    response = second.post(url, kept)  # saving again means overwrite
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert case.state(fresh(obj)) == case.after_overwrite


def test_a_save_without_any_change_in_between_goes_through(world):
    record = _record(world)
    url = reverse("audits:record_edit", args=[record.pk])
    client, data = opened(world["cast"]["staff"], url, "output")
    assert client.post(url, {**data, "output": "1.300"}).status_code == 302
    client, data = opened(world["cast"]["staff2"], url, "output")
    assert client.post(url, {**data, "output": "1.400"}).status_code == 302
    assert fresh(record).output == 1400


def test_a_line_removed_meanwhile_is_a_difference_not_an_error(world):
    record = _record(world)
    EnergyUse.objects.create(
        record=record, carrier=EnergyCarrier.objects.get(code="DO"), quantity=Decimal(2)
    )
    url = reverse("audits:record_edit", args=[record.pk])
    first, first_form = opened(world["cast"]["staff"], url, "output")
    second, second_form = opened(world["cast"]["staff2"], url, "output")
    first_form["uses-1-DELETE"] = "on"  # the DO line goes
    assert first.post(url, first_form).status_code == 302
    response = second.post(url, {**second_form, "output": "1.300"})
    body = response.content.decode()
    assert REFUSED in body and "Dầu DO" in body  # the removed line is listed
    assert second.post(url, form_data(body, having="output")).status_code == 302
    assert fresh(record).output == 1300
    assert set(record.uses.values_list("carrier__code", flat=True)) == {"ELEC", "DO"}


def test_the_stage_cell_does_not_overwrite_a_stage_set_meanwhile(world):
    facility = world["facility"]
    url = reverse("facilities:status_update", args=[facility.pk])
    FacilityYearStatus.objects.create(
        facility=facility, year=2018, stage=Stage.AWARE, note="Đã tập huấn"
    )
    shown = FacilityYearStatus.objects.get().version  # what both lists showed
    first, second = Client(), Client()
    first.force_login(world["cast"]["staff"])
    second.force_login(world["cast"]["official_a"])
    response = first.post(
        url, {"year": 2018, "stage": Stage.COMMITTED, "version": shown}, HTTP_HX_REQUEST="true"
    )
    assert "Đã lưu" in response.content.decode()
    response = second.post(
        url, {"year": 2018, "stage": Stage.APPLYING, "version": shown}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    with translation.override("vi"):
        assert "Người khác vừa đặt mức độ" in body and str(Stage.COMMITTED.label) in body
    assert f'<option value="{Stage.APPLYING}" selected>' in body  # the choice is kept
    status = FacilityYearStatus.objects.get()
    assert status.stage == Stage.COMMITTED
    assert status.note == "Đã tập huấn"  # the cell, which sends no note, keeps it
    response = second.post(
        url,
        {"year": 2018, "stage": Stage.APPLYING, "version": status.version},
        HTTP_HX_REQUEST="true",
    )
    assert "Đã lưu" in response.content.decode()
    assert FacilityYearStatus.objects.get().stage == Stage.APPLYING


def test_the_list_shows_the_version_its_stage_cells_post(world, login):
    facility = world["facility"]
    FacilityYearStatus.objects.create(facility=facility, year=2018, stage=Stage.AWARE, version=7)
    page = login(world["cast"]["staff"]).get(reverse("facilities:list"), {"year": 2018})
    assert '"version": "7"' in page.content.decode()


def test_a_form_posted_without_its_version_is_refused(world):
    facility = world["facility"]
    url = reverse("facilities:edit", args=[facility.pk])
    client, data = opened(world["cast"]["staff"], url, "name")
    data.pop("version")
    response = client.post(url, {**data, "name": "Không có phiên bản"})
    assert response.status_code == 200
    assert fresh(facility).name == "Công ty Cơ khí A"
    assert Facility.objects.get(pk=facility.pk).version == facility.version
