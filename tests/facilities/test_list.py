"""The facility list: diacritic-blind search, filters, Vietnamese order, bounded queries, export."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from accounts.models import Commune
from facilities.models import Facility, Stage
from tests.factories import FacilityFactory, StatusFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [f.name for f in response.context["page"].object_list]


def test_search_ignores_diacritics_and_case(login, cast, commune_a):
    FacilityFactory(name="Công ty TNHH Tiền Phong", commune=commune_a)
    FacilityFactory(name="Công ty Tiến Thắng", commune=commune_a)
    FacilityFactory(name="Xưởng mộc", commune=commune_a, address="Thôn Tiền Phong")
    client = login(cast["staff"])
    assert sorted(names(client.get("/facilities/", {"q": "tien phong"}))) == [
        "Công ty TNHH Tiền Phong", "Xưởng mộc"]
    assert names(client.get("/facilities/", {"q": "TIẾN THẮNG"})) == ["Công ty Tiến Thắng"]
    assert names(client.get("/facilities/", {"q": "không có"})) == []


def test_search_by_tax_code(login, cast):
    FacilityFactory(tax_code="0107654321", name="A")
    FacilityFactory(tax_code="0101111111", name="B")
    assert names(login(cast["staff"]).get("/facilities/", {"q": "07654"})) == ["A"]


def test_vietnamese_alphabetical_order(login, cast):
    for name in ["Đông Á", "Dương Liễu", "Ấp Tre", "An Phú", "Ăn Uống", "Bình Minh", "Zeta"]:
        FacilityFactory(name=name)
    assert names(login(cast["staff"]).get("/facilities/")) == [
        "An Phú", "Ăn Uống", "Ấp Tre", "Bình Minh", "Dương Liễu", "Đông Á", "Zeta"]


def test_filters(login, cast, commune_a, commune_b):
    a = FacilityFactory(name="A", commune=commune_a, group=Facility.Group.CN)
    b = FacilityFactory(name="B", commune=commune_b, group=Facility.Group.TTCN,
                        kind=Facility.Kind.HOUSEHOLD)
    FacilityFactory(name="C", commune=commune_b, first_year=2010, last_year=2016)
    StatusFactory(facility=a, year=2018, stage=Stage.APPLYING)
    StatusFactory(facility=b, year=2018, stage=Stage.AWARE)
    client = login(cast["staff"])
    assert names(client.get("/facilities/", {"commune": commune_b.pk})) == ["B", "C"]
    assert names(client.get("/facilities/", {"group": "TTCN"})) == ["B"]
    assert names(client.get("/facilities/", {"kind": "household"})) == ["B"]
    assert names(client.get("/facilities/", {"year": 2018, "stage": Stage.APPLYING})) == ["A"]
    assert names(client.get("/facilities/", {"year": 2018, "stage": "none"})) == ["C"]
    assert names(client.get("/facilities/", {"year": 2018, "operating": "closed"})) == ["C"]
    assert names(client.get("/facilities/", {"year": 2015, "operating": "active"})) == [
        "A", "B", "C"]
    assert names(client.get("/facilities/", {"sort": "-stage", "year": 2018}))[:2] == ["A", "B"]


@pytest.mark.parametrize("query", [{"year": "abc"}, {"page": "-1"}, {"page": "zzz"},
                                   {"stage": "9"}, {"commune": "999999"}, {"sort": "password"},
                                   {"year": "99999999999999999999"}])
def test_bad_parameters_do_not_break_the_list(login, cast, query):
    FacilityFactory(name="A")
    assert login(cast["staff"]).get("/facilities/", query).status_code == 200


def test_commune_official_cannot_widen_the_list_with_a_filter(login, cast, commune_b):
    FacilityFactory(name="Ngoài xã", commune=commune_b)
    client = login(cast["official_a"])
    assert names(client.get("/facilities/", {"commune": commune_b.pk})) == []


def test_query_count_does_not_grow_with_facilities(login, cast, django_assert_max_num_queries):
    client = login(cast["staff"])
    FacilityFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        client.get("/facilities/")
    FacilityFactory.create_batch(80)
    for facility in Facility.objects.all()[:40]:
        StatusFactory(facility=facility)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/facilities/")
    assert len(response.context["page"].object_list) == 50


def test_export_follows_the_filters_and_the_scope(login, cast, commune_a, commune_b):
    FacilityFactory(name="=HYPERLINK(\"http://x\")", commune=commune_a, tax_code="0100000011")
    FacilityFactory(name="+SUM(1)", commune=commune_a, tax_code="0100000012")
    FacilityFactory(name="Ngoài xã", commune=commune_b, tax_code="0100000013")
    response = login(cast["official_a"]).get("/facilities/export/", {"q": ""})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in rows) == ["0100000011", "0100000012"]
    cells = {c.value: c for c in sheet["B"][1:]}
    formula = cells['=HYPERLINK("http://x")']
    assert formula.data_type == "s"  # stored as text, never evaluated
    assert sheet.freeze_panes == "A2"


def test_export_can_be_reimported(login, cast, commune_a):
    from facilities.importers import FacilityImporter
    from melinh_sxsh.lib.importing import run_import

    FacilityFactory.create_batch(5, commune=commune_a)
    content = login(cast["staff"]).get("/facilities/export/").content
    outcome = run_import(FacilityImporter(), BytesIO(content), write=False)
    assert outcome.ok and outcome.unchanged == 5


def test_export_can_be_reimported_when_a_commune_name_is_in_several_districts(login, cast,
                                                                              commune_a):
    from accounts.models import District
    from facilities.importers import FacilityImporter
    from melinh_sxsh.lib.importing import run_import

    other = District.objects.create(code="999", name="Thử Nghiệm")
    Commune.objects.create(code="99999", name=commune_a.name, district=other)
    FacilityFactory.create_batch(3, commune=commune_a)
    content = login(cast["staff"]).get("/facilities/export/").content
    cells = {row[2] for row in load_workbook(BytesIO(content)).active.iter_rows(
        min_row=2, values_only=True)}
    assert cells == {f"{commune_a.name}, Mê Linh"}
    outcome = run_import(FacilityImporter(), BytesIO(content), write=False)
    assert outcome.ok and outcome.unchanged == 3


def test_communes_are_all_there():
    assert Commune.objects.count() == 18
