"""Facilities, carriers and records for the audits tests, on top of the shared cast."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from audits.models import CPMeasure, CPTechnique, EnergyCarrier, EnergyRecord, EnergyUse
from facilities.models import Facility, Sector


@pytest.fixture
def own(enterprise, facility_a) -> Facility:
    """Facility A, represented by the cast's enterprise account."""
    facility_a.accounts.add(enterprise)
    return facility_a


@pytest.fixture
def elec() -> EnergyCarrier:
    return EnergyCarrier.objects.get(code="ELEC")


def make_facility(commune, tax_code: str, name: str = "", **extra) -> Facility:
    return Facility.objects.create(tax_code=tax_code, name=name or f"Cơ sở {tax_code}",
                                   commune=commune, product_unit=extra.pop("product_unit", "tấn"),
                                   **extra)


def make_record(facility, year: int, output, uses: dict[str, str], unit: str = "tấn",
                baseline: bool = False, **extra) -> EnergyRecord:
    """A record with its lines; `uses` maps a carrier code to a quantity."""
    record = EnergyRecord.objects.create(facility=facility, year=year, output=Decimal(output),
                                         product_unit=unit, is_baseline=baseline, **extra)
    carriers = {c.code: c for c in EnergyCarrier.objects.filter(code__in=uses)}
    EnergyUse.objects.bulk_create(EnergyUse(record=record, carrier=carriers[code],
                                            quantity=Decimal(quantity))
                                  for code, quantity in uses.items())
    return record


def make_measure(facility, technique: str = "HOUSEKEEPING", *, investment: int = 0,
                 saving: int = 0, implemented_on: date | None = None, **extra) -> CPMeasure:
    status = CPMeasure.Status.IMPLEMENTED if implemented_on else CPMeasure.Status.PROPOSED
    return CPMeasure.objects.create(
        facility=facility, technique=CPTechnique.objects.get(code=technique),
        description=extra.pop("description", "Giải pháp"), investment_vnd=investment,
        yearly_saving_vnd=saving, status=status, implemented_on=implemented_on, **extra)


@pytest.fixture
def facility_a(commune_a) -> Facility:
    return make_facility(commune_a, "0100000001", "Công ty Cơ khí A",
                         sector=Sector.objects.get(code="25"))


@pytest.fixture
def facility_b(commune_b) -> Facility:
    return make_facility(commune_b, "0100000002", "Công ty Nhựa B",
                         sector=Sector.objects.get(code="22"))


# The cast's expected answers: a page about an object of commune A ...
READ_A = {"anonymous": 302, "outsider": 302, "official_b": 404, "official_a": 200, "unit": 200,
          "leader": 200, "admin": 200, "staff": 200}
# ... and a write on it (staff only).
WRITE_A = {"anonymous": 302, "outsider": 302, "official_b": 404, "official_a": 403, "unit": 403,
           "leader": 403, "admin": 403, "staff": 200}


def statuses(login, cast, url: str, *, method: str = "get", data=None,
             names=tuple(READ_A)) -> dict[str, int]:
    """The status each member of the cast (and an anonymous visitor) gets for one request."""
    result = {}
    for name in names:
        client = login(None if name == "anonymous" else cast[name])
        response = getattr(client, method)(url, data or {})
        result[name] = response.status_code
        if response.status_code == 302 and name in ("anonymous", "outsider"):
            assert response["Location"].startswith("/accounts/login/"), response["Location"]
    return result
