"""Issue 17: a stage is not lowered by mistake. The facility page's status form opens on the
facility's current stage and year; a lower stage goes through a confirmation that asks for the
reason, which the one write of statuses requires (form, list, bulk and import alike) and keeps
in the history."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from facilities import services
from facilities.importers import StatusImporter
from facilities.models import FacilityYearStatus, Stage, stage_before
from melinh_sxsh.lib.errors import DomainError
from tests.facilities.test_import import messages, run
from tests.facilities.xlsx_helpers import xlsx_bytes
from tests.factories import FacilityFactory, StatusFactory
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def facility(commune_a):
    facility = FacilityFactory(
        commune=commune_a, name="Công ty TNHH Gạch Tiền Phong", tax_code="0101111111"
    )
    StatusFactory(facility=facility, year=2017, stage=Stage.AWARE)
    StatusFactory(facility=facility, year=2018, stage=Stage.APPLYING, note="Thay lò hơi")
    return facility


def stage_of(facility, year):
    return FacilityYearStatus.objects.get(facility=facility, year=year)


@pytest.mark.parametrize(
    ("stages", "year", "expected"),
    [
        ({}, 2018, None),
        ({2018: 3}, 2018, 3),
        ({2016: 1, 2017: 3}, 2018, 3),  # the latest earlier year's holds
        ({2017: 3, 2019: 0}, 2018, 3),  # a later year is not before it
        ({2019: 2}, 2018, None),
    ],
)
def test_stage_before(stages, year, expected):
    assert stage_before(stages, year) == expected


# ---- the facility page's form ----------------------------------------------------------------


def test_the_status_form_opens_on_the_current_stage_and_its_year(login, cast, facility):
    client = login(cast["official_a"])
    page = client.get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    data = form_data(page, having="note")
    assert (data["year"], data["stage"], data["note"]) == (
        "2018",
        str(Stage.APPLYING),
        "Thay lò hơi",
    )
    # Saved as it opens, nothing changes; a note added changes nothing else.
    client.post(reverse("facilities:status_update", args=[facility.pk]), data)
    status = stage_of(facility, 2018)
    assert (status.stage, status.note, status.version) == (Stage.APPLYING, "Thay lò hơi", 1)
    data["note"] = "Đã kiểm tra lại tại cơ sở"
    response = client.post(reverse("facilities:status_update", args=[facility.pk]), data)
    assert response.status_code == 302
    status = stage_of(facility, 2018)
    assert (status.stage, status.note) == (Stage.APPLYING, "Đã kiểm tra lại tại cơ sở")


def test_a_facility_without_status_opens_on_the_working_year(login, cast, commune_a):
    StatusFactory(year=2017)  # another facility's: the working year is 2017
    bare = FacilityFactory(commune=commune_a, tax_code="0102222222")
    page = login(cast["staff"]).get(reverse("facilities:detail", args=[bare.pk])).content.decode()
    assert form_data(page, having="note")["year"] == "2017"


def test_lowering_asks_for_confirmation_and_a_reason(login, cast, facility):
    client = login(cast["official_a"])
    url = reverse("facilities:status_update", args=[facility.pk])
    response = client.post(url, {"year": 2018, "stage": Stage.UNAWARE, "note": "Thay lò hơi"})
    # Not saved: a confirmation naming the facility, the year and both stages.
    assert response.status_code == 200
    body = response.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "Công ty TNHH Gạch Tiền Phong" in text
    assert "năm 2018 sẽ giảm từ Đang áp dụng xuống Chưa nhận thức" in text
    assert 'name="reason"' in body and "required" in body
    assert stage_of(facility, 2018).stage == Stage.APPLYING
    # Confirmed without a reason: refused on the same page, in Vietnamese.
    data = form_data(body, having="reason")
    assert data["reason"] == ""
    response = client.post(url, data)
    assert response.status_code == 200
    assert "hãy ghi lý do hạ mức" in response.content.decode()
    assert stage_of(facility, 2018).stage == Stage.APPLYING
    # With the reason: lowered, and the reason is in the history and on the page.
    data["reason"] = "Cơ sở đã thay chủ, dừng áp dụng"
    response = client.post(url, data)
    assert response.status_code == 302
    status = stage_of(facility, 2018)
    assert (status.stage, status.downgrade_reason) == (Stage.UNAWARE, data["reason"])
    assert status.history.first().downgrade_reason == data["reason"]
    page = client.get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    assert "Lý do hạ mức: Cơ sở đã thay chủ, dừng áp dụng" in page


def test_raising_or_keeping_the_stage_asks_nothing(login, cast, facility):
    client = login(cast["staff"])
    url = reverse("facilities:status_update", args=[facility.pk])
    assert client.post(url, {"year": 2018, "stage": Stage.APPLYING}).status_code == 302
    # A year before any status, lower than later ones, is history being filled in.
    assert client.post(url, {"year": 2016, "stage": Stage.UNAWARE}).status_code == 302
    assert stage_of(facility, 2016).downgrade_reason == ""


def test_a_new_year_below_the_latest_earlier_one_is_a_downgrade(staff, facility):
    with translation.override("vi"), pytest.raises(DomainError) as refused:
        services.status_set(user=staff, facility=facility, year=2019, stage=Stage.AWARE)
    assert refused.value.field == "reason"
    assert "năm 2019 sẽ giảm từ Đang áp dụng xuống Đã nhận thức" in refused.value.message
    assert not FacilityYearStatus.objects.filter(year=2019).exists()
    status = services.status_set(
        user=staff, facility=facility, year=2019, stage=Stage.AWARE, reason="Tạm dừng dây chuyền"
    )
    assert status.downgrade_reason == "Tạm dừng dây chuyền"
    # Raised again later: the reason of the lowering no longer stands.
    status = services.status_set(user=staff, facility=facility, year=2019, stage=Stage.APPLYING)
    assert status.downgrade_reason == ""
    assert [r.downgrade_reason for r in status.history.order_by("history_date")] == [
        "Tạm dừng dây chuyền",
        "",
    ]


def test_a_reason_alone_is_not_enough_for_a_blank(staff, facility):
    with pytest.raises(DomainError):
        services.status_set(
            user=staff, facility=facility, year=2018, stage=Stage.AWARE, reason="   "
        )


# ---- the list's stage cell and the bulk form -------------------------------------------------


def test_the_list_shows_each_facility_on_its_stage(login, cast, facility, commune_a):
    """The list's stage cell opens on the stored stage (it showed the first, "Chưa nhận thức",
    for every facility), and on "no status" for a facility without one."""
    FacilityFactory(commune=commune_a, tax_code="0107777777", name="Cơ sở chưa có mức độ")
    page = login(cast["official_a"]).get(reverse("facilities:list"), {"year": 2018})
    cells = re.findall(
        r'<select name="stage" class="[^"]*stage-select".*?</select>', page.content.decode(), re.S
    )
    chosen = sorted(
        re.search(r'<option value="(\d*)"[^>]*selected', cell).group(1) for cell in cells
    )
    assert chosen == ["", str(Stage.APPLYING)]


def test_the_list_cell_sends_a_lowering_to_its_confirmation(login, cast, facility):
    client = login(cast["official_a"])
    response = client.post(
        reverse("facilities:status_update", args=[facility.pk]),
        {"year": 2018, "stage": Stage.AWARE, "version": 1},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert stage_of(facility, 2018).stage == Stage.APPLYING
    link = re.search(r'href="([^"]*/status/lower/[^"]*)"', body).group(1).replace("&amp;", "&")
    page = client.get(link)
    assert page.status_code == 200
    data = form_data(page.content.decode(), having="reason")
    assert (data["year"], data["stage"], data["version"]) == ("2018", "1", "1")
    assert "note" not in data  # the cell keeps the note recorded
    data["reason"] = "Nhập nhầm năm trước"
    client.post(reverse("facilities:status_update", args=[facility.pk]), data)
    status = stage_of(facility, 2018)
    assert (status.stage, status.note, status.downgrade_reason) == (
        Stage.AWARE,
        "Thay lò hơi",
        "Nhập nhầm năm trước",
    )


@pytest.mark.parametrize(
    "query",
    [
        {"year": 2018, "stage": Stage.APPLYING},  # not lower
        {"year": 2018, "stage": 9},
        {"year": "abc", "stage": 0},
        {},
    ],
)
def test_the_confirmation_of_no_lowering_goes_back_to_the_facility(login, cast, facility, query):
    response = login(cast["staff"]).get(
        reverse("facilities:status_lower", args=[facility.pk]), query
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("facilities:detail", args=[facility.pk])


def test_bulk_refuses_a_lowering_naming_the_facility(login, cast, facility):
    other = FacilityFactory(commune=facility.commune, tax_code="0103333333")
    client = login(cast["official_a"])
    response = client.post(
        reverse("facilities:status_bulk"),
        {"facilities": [facility.pk, other.pk], "year": 2018, "stage": Stage.AWARE},
        follow=True,
    )
    body = response.content.decode()
    assert "Công ty TNHH Gạch Tiền Phong" in body and "Không thay đổi gì" in body
    assert stage_of(facility, 2018).stage == Stage.APPLYING
    assert not FacilityYearStatus.objects.filter(facility=other).exists()


# ---- the import: the same rule, the reason in its own column ---------------------------------

HEADERS = ["Mã số thuế", "Năm", "Mức độ", "Ghi chú"]


def test_an_imported_lowering_without_its_column_is_refused_saying_where(staff, facility):
    outcome = run(
        xlsx_bytes([HEADERS, ["0101111111", 2018, "Đã nhận thức", ""]]), StatusImporter, user=staff
    )
    assert outcome.errors
    [message] = messages(outcome)
    assert message.startswith("Dòng 2: ")
    assert "sẽ giảm từ Đang áp dụng xuống Đã nhận thức" in message
    assert 'Thêm cột "Lý do hạ mức"' in message
    assert stage_of(facility, 2018).stage == Stage.APPLYING


def test_an_imported_lowering_needs_its_reason_and_keeps_it(staff, facility):
    headers = HEADERS + ["Lý do hạ mức"]
    outcome = run(
        xlsx_bytes(
            [
                headers,
                ["0101111111", 2018, "Đã nhận thức", "", ""],
                ["0101111111", 2016, "Chưa nhận thức", "", ""],
            ]
        ),
        StatusImporter,
        user=staff,
    )
    [message] = messages(outcome)
    assert message.startswith('Dòng 2, cột "Lý do hạ mức": ')
    assert not FacilityYearStatus.objects.filter(year=2016).exists()  # nothing written
    outcome = run(
        xlsx_bytes([headers, ["0101111111", 2018, "Đã nhận thức", "", "Đổi chủ"]]),
        StatusImporter,
        user=staff,
    )
    assert outcome.ok and outcome.updated == 1
    status = stage_of(facility, 2018)
    assert (status.stage, status.note, status.downgrade_reason) == (
        Stage.AWARE,
        "Thay lò hơi",
        "Đổi chủ",
    )
    record = status.history.first()
    assert (record.downgrade_reason, record.history_change_reason) == ("Đổi chủ", "import")


def test_a_file_lowering_a_year_it_sets_itself_is_refused(staff, commune_a):
    FacilityFactory(commune=commune_a, tax_code="0104444444")
    content = xlsx_bytes(
        [
            HEADERS,
            ["0104444444", 2018, "Đã nhận thức", ""],
            ["0104444444", 2017, "Đang áp dụng", ""],
        ]
    )
    outcome = run(content, StatusImporter, user=staff)
    [message] = messages(outcome)
    assert message.startswith("Dòng 2: ") and "năm 2018 sẽ giảm" in message
    assert not FacilityYearStatus.objects.exists()
