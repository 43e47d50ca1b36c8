"""The tax-code rule lives once, on the model: the form, the import templates' column, a pasted
list of a campaign's attendance and the model's own validation read a tax code alike and refuse
it in the same words."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError

from audits.importers import EnergyImporter
from campaigns.services import parse_tax_codes
from facilities.forms import FacilityForm
from facilities.importers import FacilityImporter, StatusImporter
from facilities.models import Facility, normalize_tax_code
from melinh_sxsh.lib.importing import CellError, run_import
from tests.facilities.xlsx_helpers import xlsx_bytes

MESSAGE = "mã số thuế phải có 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số"
BAD = ["12345", "01O1234567", "0101234567-01", "", True, -101234567, 1234567.5]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0101234567", "0101234567"),
        (101234567, "0101234567"),
        (101234567.0, "0101234567"),
        (Decimal("101234567"), "0101234567"),
        ("010.123.4567", "0101234567"),
        (" 0101 234\u00a0567 ", "0101234567"),
        ("0101234567-001", "0101234567-001"),
    ],
)
def test_a_tax_code_as_stored(value, expected):
    assert normalize_tax_code(value) == expected


@pytest.mark.parametrize("value", BAD)
def test_the_model_refuses_in_one_message(value):
    with pytest.raises(ValidationError) as refusal:
        normalize_tax_code(value)
    assert refusal.value.messages == [MESSAGE]


@pytest.mark.django_db
def test_every_door_says_the_same(staff, commune_a):
    facility = Facility(tax_code="12345", name="A", commune=commune_a)
    with pytest.raises(ValidationError) as model:
        facility.full_clean()
    assert model.value.message_dict["tax_code"] == [MESSAGE]
    form = FacilityForm(
        {
            "tax_code": "12345",
            "name": "A",
            "commune": commune_a.pk,
            "kind": "enterprise",
            "group": "CN",
        },
        user=staff,
    )
    assert not form.is_valid() and form.errors["tax_code"] == [MESSAGE]
    assert parse_tax_codes("12345, 010.123.4567") == (["0101234567"], ["12345"])
    for importer in (FacilityImporter, StatusImporter, EnergyImporter):
        column = next(c for c in importer(user=staff).columns() if c.key == "tax_code")
        with pytest.raises(CellError) as cell:
            column.parse("12345")
        assert cell.value.message == MESSAGE
    outcome = run_import(
        FacilityImporter(user=staff),
        BytesIO(
            xlsx_bytes([["Mã số thuế", "Tên cơ sở", "Xã/Thị trấn"], ["12345", "A", "Quang Minh"]])
        ),
        write=True,
    )
    assert [str(error) for error in outcome.errors] == [f'Dòng 2, cột "Mã số thuế": {MESSAGE}']
