"""One write path (issue 14): a facility, its energy records and its statuses entered through
the forms, and the same data through the three import templates, leave the same rows, the same
change history, the same versions and the same data-quality flags: an edit saved again
unchanged writes nothing either way, and a status changed either way refreshes the flags."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import transaction
from django.urls import reverse

from audits.importers import EnergyImporter
from audits.models import EnergyCarrier, EnergyRecord, EnergyUse, QualityFlag
from facilities.importers import FacilityImporter, StatusImporter
from facilities.models import Facility, FacilityYearStatus, Sector, Stage
from melinh_sxsh.lib.importing import run_import
from tests.facilities.xlsx_helpers import FACILITY_HEADERS, xlsx_bytes
from tests.factories import FacilityFactory, StatusFactory
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

TAX_CODE = "0109000001"
# The facility as registered, then as edited: the form's fields and the template's columns.
REGISTERED = {
    "tax_code": TAX_CODE,
    "name": "Công ty TNHH Cơ khí Quang Minh",
    "address": "KCN Quang Minh",
    "sector": "25",
    "kind": "enterprise",
    "group": "CN",
    "main_products": "Kết cấu thép",
    "product_unit": "tấn",
    "employees": "45",
    "first_year": "2009",
    "last_year": "",
    "contact_person": "Nguyễn Văn Nam",
    "phone": "0243 818 1234",
    "email": "lienhe@cokhiquangminh.vn",
}
EDITED = {
    **REGISTERED,
    "name": "Công ty CP Cơ khí Quang Minh",
    "employees": "60",
    "first_year": "2010",
}
KIND = {"enterprise": "Doanh nghiệp"}
# (year, stage, note): two statuses, then one of them changed (applying without a CP measure:
# a flag).
STATUSES = [
    [(2017, Stage.AWARE, "Dự hội nghị tập huấn"), (2018, Stage.COMMITTED, "Thay lò hơi")],
    [(2018, Stage.APPLYING, "Thay lò hơi")],
]
# (year, output, baseline, {carrier code: quantity}): two records, then the second changed
# after it was verified (its SEC jumps by more than half: a flag).
RECORDS = [
    [
        (2017, "1.250,5", True, {"ELEC": "850.000", "COAL12": "12,5"}),
        (2018, "1.300", False, {"ELEC": "900.000", "COAL12": "5"}),
    ],
    [(2018, "1.300", False, {"ELEC": "1.500.000", "LPG": "2"})],
]
CARRIERS = ["ELEC", "COAL12", "LPG"]


def test_forms_and_imports_leave_the_same_rows_history_versions_and_flags(
    login, staff, commune_a, django_capture_on_commit_callbacks
):
    # Another facility has a status in 2016: ours, operating then, is flagged as missing one.
    StatusFactory(facility=FacilityFactory(commune=commune_a), year=2016, stage=Stage.AWARE)
    client = login(staff)
    # What each request or import leaves for after its commit runs when it ends.
    client.committed = django_capture_on_commit_callbacks
    by_forms = in_savepoint(lambda: through_forms(client, commune_a))
    by_imports = in_savepoint(lambda: through_imports(client, staff))

    # The change history says which way each change came: "import", or nothing for a form
    # (and for the verification, which has its one button).
    assert {reason for reasons in by_forms["reasons"].values() for reason in reasons} == {None}
    assert by_imports["reasons"].pop("record 2018") == ["import", None, "import"]
    assert {reason for reasons in by_imports["reasons"].values() for reason in reasons} == {
        "import"
    }
    assert (
        by_forms["versions"]
        == by_imports["versions"]
        == {"facility": 2, "status 2017": 1, "status 2018": 2, "record 2017": 1, "record 2018": 2}
    )
    assert {(year, rule) for year, rule, _message in by_forms["flags"]} == {
        (2016, QualityFlag.Rule.MISSING_STATUS),
        (2018, QualityFlag.Rule.SEC_JUMP),
        (2018, QualityFlag.Rule.APPLYING_NO_MEASURE),
    }
    for part in ("rows", "history", "flags"):
        assert by_forms[part] == by_imports[part], part


def in_savepoint(enter) -> dict:
    """What `enter` leaves, read before it is rolled back for the other path."""
    with transaction.atomic():
        enter()
        state = snapshot()
        transaction.set_rollback(True)
    return state


# ---- the forms -------------------------------------------------------------------------------


def through_forms(client, commune) -> None:
    sector = Sector.objects.get(code=REGISTERED["sector"]).pk
    page = client.get(reverse("facilities:create")).content.decode()
    post(
        client,
        reverse("facilities:create"),
        {
            **form_data(page, having="tax_code"),
            **REGISTERED,
            "commune": commune.pk,
            "sector": sector,
        },
    )
    facility = Facility.objects.get(tax_code=TAX_CODE)
    url = reverse("facilities:edit", args=[facility.pk])
    for _again in range(2):  # the second save changes nothing
        page = client.get(url).content.decode()
        post(
            client,
            url,
            {
                **form_data(page, having="tax_code"),
                **EDITED,
                "commune": commune.pk,
                "sector": sector,
            },
        )
    for year, output, baseline, lines in RECORDS[0]:
        url = reverse("audits:record_create", args=[facility.pk])
        post(client, url, record_form(client.get(url), year, output, baseline, lines))
    verify(client)
    record = EnergyRecord.objects.get(facility=facility, year=2018)
    url = reverse("audits:record_edit", args=[record.pk])
    for year, output, baseline, lines in RECORDS[1]:
        post(client, url, record_form(client.get(url), year, output, baseline, lines))
    for batch in STATUSES:
        for year, stage, note in batch:
            post(
                client,
                reverse("facilities:status_update", args=[facility.pk]),
                {"year": year, "stage": stage, "note": note},
            )


def record_form(page, year, output, baseline, lines) -> dict:
    data = form_data(page.content.decode(), having="output")
    data.update({"year": year, "output": output, "product_unit": "tấn", "source": "annual"})
    data.pop("is_baseline", None)
    if baseline:
        data["is_baseline"] = "on"
    forms = int(data["uses-TOTAL_FORMS"])
    chosen = list(lines.items())
    for index in range(forms):
        code, quantity = chosen[index] if index < len(chosen) else (None, "")
        data[f"uses-{index}-carrier"] = EnergyCarrier.objects.get(code=code).pk if code else ""
        data[f"uses-{index}-quantity"] = quantity
    return data


def post(client, url: str, data: dict) -> None:
    with client.committed(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def verify(client) -> None:
    """Verification has one path, the record page's button: both ways use it."""
    record = EnergyRecord.objects.get(facility__tax_code=TAX_CODE, year=2018)
    post(client, reverse("audits:record_verify", args=[record.pk]), {})


# ---- the import templates ---------------------------------------------------------------------


def through_imports(client, user) -> None:
    for values in (REGISTERED, EDITED, EDITED):  # the same file twice: nothing changes
        cells = [
            values["tax_code"],
            values["name"],
            "Quang Minh",
            values["address"],
            values["sector"],
            KIND[values["kind"]],
            values["group"],
            values["main_products"],
            values["product_unit"],
            values["employees"],
            values["first_year"],
            values["last_year"] or None,
            values["contact_person"],
            values["phone"],
            values["email"],
        ]
        load(client, FacilityImporter(user=user), [FACILITY_HEADERS, cells])
    carriers = {c.code: f"{c.name} ({c.unit})" for c in EnergyCarrier.objects.all()}
    headers = [
        "Mã số thuế",
        "Năm",
        "Sản lượng",
        "Đơn vị sản phẩm",
        "Năm cơ sở",
        "Nguồn số liệu",
    ] + [carriers[code] for code in CARRIERS]
    for number, batch in enumerate(RECORDS):
        if number == 1:
            verify(client)
        load(
            client,
            EnergyImporter(user=user),
            [headers]
            + [
                [TAX_CODE, year, output, "tấn", "x" if baseline else "Không", "Báo cáo năm"]
                + [lines.get(code) for code in CARRIERS]
                for year, output, baseline, lines in batch
            ],
        )
    labels = {
        Stage.AWARE: "Đã nhận thức",
        Stage.COMMITTED: "Đã đăng ký áp dụng",
        Stage.APPLYING: "Đang áp dụng",
    }
    for batch in STATUSES:
        load(
            client,
            StatusImporter(user=user),
            [["Mã số thuế", "Năm", "Mức độ", "Ghi chú"]]
            + [[TAX_CODE, year, labels[stage], note] for year, stage, note in batch],
        )


def load(client, importer, rows) -> None:
    with client.committed(execute=True):
        outcome = run_import(importer, BytesIO(xlsx_bytes(rows)), write=True)
    assert outcome.written, [str(error) for error in outcome.errors]


# ---- what both leave -----------------------------------------------------------------------------

# Ids, moments and the reason differ by nature; a record's verification time is compared as
# whether it is set.
SKIPPED = {
    "id",
    "history_id",
    "history_date",
    "history_change_reason",
    "created_at",
    "updated_at",
    "facility",
    "record",
}


def values_of(row, fields) -> tuple:
    values = []
    for field in fields:
        value = getattr(row, field.attname)
        if field.name == "verified_at":
            value = value is not None
        if isinstance(value, Decimal):
            value = value.normalize()
        values.append((field.name, value))
    return tuple(values)


def fields_of(model) -> list:
    return [field for field in model._meta.concrete_fields if field.name not in SKIPPED]


def snapshot() -> dict:
    facility = Facility.objects.get(tax_code=TAX_CODE)
    statuses = FacilityYearStatus.objects.filter(facility=facility)
    records = EnergyRecord.objects.filter(facility=facility)
    uses = EnergyUse.objects.filter(record__facility=facility).select_related("record", "carrier")
    rows, history, reasons = {}, {}, {}
    for key, objects, model in (
        (lambda o: "facility", [facility], Facility),
        (lambda o: f"status {o.year}", statuses, FacilityYearStatus),
        (lambda o: f"record {o.year}", records, EnergyRecord),
    ):
        for obj in objects:
            rows[key(obj)] = values_of(obj, fields_of(model))
            past = obj.history.order_by("history_id")
            history[key(obj)] = [values_of(h, fields_of(past.model)) for h in past]
            reasons[key(obj)] = [h.history_change_reason for h in past]
    for use in uses:
        rows[f"use {use.record.year} {use.carrier.code}"] = values_of(use, fields_of(EnergyUse))
    # Lines, the removed ones included, by their record's year and their carrier.
    years = dict(records.values_list("pk", "year"))
    for past in EnergyUse.history.filter(record_id__in=years).order_by("history_id"):
        key = f"use {years[past.record_id]} {past.carrier_id}"
        history.setdefault(key, []).append(values_of(past, fields_of(type(past))))
        reasons.setdefault(key, []).append(past.history_change_reason)
    versions = {"facility": facility.version}
    versions |= {f"status {s.year}": s.version for s in statuses}
    versions |= {f"record {r.year}": r.version for r in records}
    flags = sorted(facility.quality_flags.values_list("year", "rule", "message"))
    return {
        "rows": rows,
        "history": history,
        "reasons": reasons,
        "versions": versions,
        "flags": flags,
    }
