"""Facilities across districts (issue 16): a district's imports accept only its communes and read
a bare commune name within it; a year is locked in one district only; import jobs are followed
within the district."""

from __future__ import annotations

from io import BytesIO

import pytest

from accounts.models import Commune, Role
from accounts.permissions import requests_visible
from audits.models import EnergyRecord
from facilities.importers import FacilityImporter, StatusImporter, commune_parser
from facilities.locking import year_lock, year_unlock
from facilities.models import Facility, FacilityYearStatus, ImportJob, Stage, YearLock
from facilities.selectors import year_lock_events, year_locks
from facilities.services import StatusRow, status_set_many
from melinh_sxsh.lib.errors import DomainError, RowsRefused
from melinh_sxsh.lib.importing import CellError, run_import
from tests.audits.conftest import make_record
from tests.conftest import make_user
from tests.facilities.xlsx_helpers import FACILITY_HEADERS, facility_row, xlsx_bytes
from tests.factories import FacilityFactory, second_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def soc_son(staff, official_a):
    """Sóc Sơn beside Mê Linh, with its staff (made after the cast: see second_district)."""
    district, commune, namesake = second_district()
    staff_b = make_user("staff_b", Role.STAFF, district=district)
    return {"district": district, "commune": commune, "namesake": namesake, "staff": staff_b}


def test_a_bare_commune_name_is_read_within_the_importers_district(soc_son, staff):
    melinh_tien_phong = Commune.objects.get(code="09019")
    assert commune_parser(soc_son["staff"])("Tiền Phong") == soc_son["namesake"]
    assert commune_parser(staff)("Tiền Phong") == melinh_tien_phong
    assert commune_parser(staff)("Xã Tiền Phong") == melinh_tien_phong
    # The operator at the command line imports for every district: the name alone is ambiguous.
    with pytest.raises(CellError, match="Huyện Mê Linh, Huyện Sóc Sơn"):
        commune_parser(None)("Tiền Phong")
    assert commune_parser(None)("Tiền Phong, Sóc Sơn") == soc_son["namesake"]


def test_a_commune_of_another_district_is_refused_naming_its_district(soc_son, staff):
    with pytest.raises(CellError, match="Huyện Mê Linh"):
        commune_parser(soc_son["staff"])("Quang Minh")
    with pytest.raises(CellError, match="Huyện Mê Linh"):
        commune_parser(soc_son["staff"])("08989")  # by its code too
    with pytest.raises(CellError, match="Huyện Sóc Sơn"):
        commune_parser(staff)("Phù Linh")


def test_a_districts_import_writes_its_own_communes_only(soc_son):
    content = xlsx_bytes([FACILITY_HEADERS, facility_row(1, commune="Tiền Phong"),
                          facility_row(2, commune="Quang Minh")])
    outcome = run_import(FacilityImporter(user=soc_son["staff"]), BytesIO(content), write=True)
    assert len(outcome.errors) == 1 and "Huyện Mê Linh" in str(outcome.errors[0])
    assert not Facility.objects.exists()  # all or nothing
    content = xlsx_bytes([FACILITY_HEADERS, facility_row(1, commune="Tiền Phong")])
    outcome = run_import(FacilityImporter(user=soc_son["staff"]), BytesIO(content), write=True)
    assert outcome.ok
    assert Facility.objects.get().commune == soc_son["namesake"]
    # The template lists its district's communes.
    column = next(c for c in FacilityImporter(user=soc_son["staff"]).columns()
                  if c.key == "commune")
    assert column.choices == ["Phù Linh", "Tiền Phong"]


def test_the_status_import_finds_only_its_districts_facilities(soc_son, staff, commune_a):
    FacilityFactory(commune=commune_a, tax_code="0101111111")
    content = xlsx_bytes([["Mã số thuế", "Năm", "Mức độ"], ["0101111111", 2018, "Đã nhận thức"]])
    outcome = run_import(StatusImporter(user=soc_son["staff"]), BytesIO(content), write=True)
    assert not outcome.ok and not FacilityYearStatus.objects.exists()
    assert run_import(StatusImporter(user=staff), BytesIO(content), write=True).ok


def test_a_year_is_locked_in_one_district(soc_son, staff, commune_a):
    ours = FacilityFactory(commune=commune_a, tax_code="0101111111")
    theirs = FacilityFactory(commune=soc_son["commune"], tax_code="0201111111")
    year_lock(user=staff, year=2018)
    assert YearLock.objects.get().district.code == "250"
    rows = [StatusRow(facility=theirs, year=2018, stage=Stage.AWARE)]
    status_set_many(user=soc_son["staff"], rows=rows)  # Sóc Sơn's 2018 is open
    with pytest.raises(RowsRefused):
        status_set_many(user=staff, rows=[StatusRow(facility=ours, year=2018, stage=Stage.AWARE)])
    # The models' own guard follows the facility's district as well.
    make_record(theirs, 2018, "10", {"ELEC": "100"})
    with pytest.raises(DomainError):
        make_record(ours, 2018, "10", {"ELEC": "100"})
    assert EnergyRecord.objects.filter(facility=theirs).count() == 1
    # Sóc Sơn locks its own 2018; Mê Linh unlocking its own leaves Sóc Sơn's locked.
    year_lock(user=soc_son["staff"], year=2018)
    with pytest.raises(DomainError):
        year_lock(user=staff, year=2018)
    year_unlock(user=staff, year=2018)
    with pytest.raises(DomainError):
        year_unlock(user=staff, year=2018)
    assert [lock.district for lock in YearLock.objects.all()] == [soc_son["district"]]
    # Each district's lock page lists its own locks and events.
    assert list(year_locks(staff)) == []
    assert [lock.year for lock in year_locks(soc_son["staff"])] == [2018]
    assert {event.district_id for event in year_lock_events(staff)} == {staff.district_id}


def test_staff_follow_the_imports_of_their_own_district(soc_son, staff, official_a):
    ours = ImportJob.objects.create(kind="facilities", original_name="a.xlsx",
                                    requested_by=official_a)
    theirs = ImportJob.objects.create(kind="facilities", original_name="b.xlsx",
                                      requested_by=soc_son["staff"])
    assert set(requests_visible(staff, ImportJob.objects.all())) == {ours}
    assert set(requests_visible(soc_son["staff"], ImportJob.objects.all())) == {theirs}
