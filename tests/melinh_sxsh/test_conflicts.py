"""The conflict rule's pieces (lib/conflicts.py); the rule on every edit form is in
tests/integration/test_edit_conflicts.py."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from facilities.models import Facility
from melinh_sxsh.lib.conflicts import Change, changes, describe, shown, sign, unsign
from tests.factories import FacilityFactory
from tests.html_forms import form_data


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_values_are_shown_as_the_forms_write_them():
    assert shown(15_000_000) == "15.000.000"
    assert shown(Decimal("1250.5000")) == "1.250,5"
    assert shown(date(2018, 3, 15)) == "15/03/2018"
    assert shown(None) == shown("") == "—"
    assert shown(True) == "Có"


def test_only_what_differs_is_listed_and_removed_lines_too():
    opened = {
        "name": ["Tên", "A"],
        "employees": ["Số lao động", "10"],
        "use:1": ["Điện (kWh)", "100"],
    }
    now = {"name": ["Tên", "B"], "employees": ["Số lao động", "10"], "use:2": ["Dầu DO (tấn)", "2"]}
    assert changes(opened, now) == [
        Change("Tên", "A", "B"),
        Change("Dầu DO (tấn)", "—", "2"),
        Change("Điện (kWh)", "100", "—"),
    ]


def test_a_missing_or_forged_snapshot_lists_every_current_value():
    now = {"name": ["Tên", "B"]}
    token = sign({"name": ["Tên", "A"]})
    assert unsign(token) == {"name": ["Tên", "A"]}
    assert unsign(token[:-2] + "xx") is None and unsign("") is None and unsign(None) is None
    assert changes(None, now) == [Change("Tên", "(không rõ)", "B")]


@pytest.mark.django_db
def test_describe_labels_choices_and_relations(commune_a):
    facility = FacilityFactory(commune=commune_a, employees=1500, kind="enterprise")
    snapshot = describe(facility, ["employees", "commune", "kind"])
    assert snapshot["employees"] == ["Số lao động", "1.500"]
    assert snapshot["commune"][1] == str(commune_a)
    assert snapshot["kind"][1] == str(dict(Facility.Kind.choices)["enterprise"])


@pytest.mark.django_db
def test_a_change_saved_in_the_admin_makes_open_edit_forms_stale(admin_user, staff):
    facility = FacilityFactory()
    admin = Client()
    admin.force_login(admin_user)
    url = reverse("admin:facilities_facility_change", args=[facility.pk])
    data = form_data(admin.get(url).content.decode(), having="name")
    assert admin.post(url, {**data, "name": "Tên sửa trong trang quản trị"}).status_code == 302
    assert Facility.objects.get(pk=facility.pk).version == facility.version + 1
