"""Administrative units from an official list: districts and their communes, wards and towns
(`manage.py load_units hanoi`, from accounts/reference/). What the database has is kept: a unit
already there (by its code) is neither renamed nor moved, so that a list of another date never
rewrites history; what is new is added. All or nothing."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from accounts.models import Commune, District

LISTS = {"hanoi": Path(__file__).resolve().parent / "reference" / "hanoi_units.csv"}

DISTRICT_KINDS = {"Quận": District.Kind.URBAN, "Huyện": District.Kind.RURAL,
                  "Thị xã": District.Kind.TOWN}
COMMUNE_KINDS = {"Phường": Commune.Kind.WARD, "Xã": Commune.Kind.COMMUNE,
                 "Thị trấn": Commune.Kind.TOWN}


@dataclass
class Loaded:
    districts_added: int = 0
    communes_added: int = 0
    kept: int = 0
    # Communes the list puts in another district than the database: (code, in the database,
    # in the list); kept where they are.
    elsewhere: list[tuple[str, str, str]] = field(default_factory=list)


def bare_name(full: str, kind: str) -> str:
    """'Quận Ba Đình' -> 'Ba Đình' (the kind is a field of its own)."""
    return full.removeprefix(kind).strip()


@transaction.atomic
def units_load(name: str) -> Loaded:
    with open(LISTS[name], encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    loaded = Loaded()
    districts = {d.code: d for d in District.objects.all()}
    communes = {c.code: c for c in Commune.objects.select_related("district")}
    for row in rows:
        code = row["district_code"]
        if code not in districts:
            districts[code] = District.objects.create(
                code=code, kind=DISTRICT_KINDS[row["district_kind"]],
                name=bare_name(row["district_name"], row["district_kind"]))
            loaded.districts_added += 1
        known = communes.get(row["commune_code"])
        if known is None:
            communes[row["commune_code"]] = Commune.objects.create(
                code=row["commune_code"], district=districts[code],
                kind=COMMUNE_KINDS[row["commune_kind"]],
                name=bare_name(row["commune_name"], row["commune_kind"]))
            loaded.communes_added += 1
            continue
        loaded.kept += 1
        if known.district.code != code:
            loaded.elsewhere.append((known.code, known.district.code, code))
    return loaded
