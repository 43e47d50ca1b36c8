"""The number, year and date fields of lib/forms.py, and that every form of the portal uses
them: no numeric or date field, present or future, is left to the browser's own box."""

from __future__ import annotations

import importlib
import inspect
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.db import models
from django.utils import translation

from melinh_sxsh.lib import forms as vn

APPS = ["accounts", "facilities", "campaigns", "audits", "reports", "public"]
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def clean(field: forms.Field, text: str):
    return field.clean(text)


def message(field: forms.Field, text: str) -> str:
    with pytest.raises(forms.ValidationError) as caught:
        field.clean(text)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("15.000.000", 15_000_000),
        ("15000000", 15_000_000),
        ("1.500", 1500),
        ("1500", 1500),
        (" 28.500.000 ", 28_500_000),
        ("28 500 000", 28_500_000),
        ("0", 0),
    ],
)
def test_whole_numbers_the_vietnamese_way(text, number):
    field = vn.NumberField(label="Kinh phí dự kiến")
    value = clean(field, text)
    assert value == number and isinstance(value, int)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.234,5", Decimal("1234.5")),
        ("1234,5", Decimal("1234.5")),
        ("0,25", Decimal("0.25")),
        ("1.500", Decimal(1500)),
        ("12,3456", Decimal("12.3456")),
    ],
)
def test_decimals_the_vietnamese_way(text, number):
    assert clean(vn.NumberField(label="Sản lượng", decimal_places=4), text) == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", '"1.5" không rõ nghĩa'),  # English 1.5 or a mistyped 1.500? refused, not guessed
        ("28.500.00", "không rõ nghĩa"),
        ("15,000,000", "không phải là số viết theo kiểu Việt Nam"),
        ("1,234.5", "không phải là số viết theo kiểu Việt Nam"),
        ("mười lăm", "không phải là số"),
        ("-5", "không được là số âm"),
        ("12,5", "phải là số nguyên"),
    ],
)
def test_what_cannot_be_stored_as_typed_is_refused_naming_the_field(text, expected):
    text_message = message(vn.NumberField(label="kinh phí dự kiến (đồng)"), text)
    assert text_message.startswith("Kinh phí dự kiến (đồng): ")
    assert expected in text_message


def test_more_decimals_than_stored_are_refused_not_rounded():
    field = vn.NumberField(label="Tiết kiệm", decimal_places=3)
    assert "tối đa 3 chữ số thập phân" in message(field, "1,2345")
    assert clean(field, "1,234") == Decimal("1.234")


def test_limits_are_written_the_vietnamese_way():
    field = vn.NumberField(label="Số người", min_value=1, max_value=10_000)
    assert "không được lớn hơn 10.000" in message(field, "10.001")
    assert "phải từ 1 trở lên" in message(field, "0")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (15_000_000, "15.000.000"),
        (Decimal("1250.5000"), "1.250,5"),
        (Decimal("0.250"), "0,25"),
        (Decimal("1500.0000"), "1.500"),
        (0, "0"),
    ],
)
def test_values_are_shown_back_the_way_they_are_typed(value, shown):
    field = vn.NumberField(decimal_places=4)
    assert field.prepare_value(value) == shown
    assert clean(field, shown) == value
    assert field.clean(value) == value and not field.has_changed(value, shown)
    with translation.override("en"):  # the box reads the Vietnamese way in any language
        assert field.prepare_value(value) == shown


def test_years_are_four_digits_without_grouping():
    field = vn.YearField(label="Năm")
    assert clean(field, "2018") == 2018 and field.prepare_value(2018) == "2018"
    assert "bốn chữ số" in message(field, "2.018")
    assert "bốn chữ số" in message(field, "18")
    assert "Năm: phải là năm từ 2000 đến" in message(field, "1999")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("15/03/2018", date(2018, 3, 15)),
        ("5/3/2018", date(2018, 3, 5)),
        ("15-03-2018", date(2018, 3, 15)),
        ("15.03.2018", date(2018, 3, 15)),
        ("2018-03-15", date(2018, 3, 15)),  # ISO, what programs post
    ],
)
def test_dates_are_day_month_year(text, day):
    assert clean(vn.DateField(label="Ngày bắt đầu"), text) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/15/2018", "không phải là một ngày có thật"),  # month 15: an English order, refused
        ("31/02/2018", "không phải là một ngày có thật"),
        ("15/03/18", "dd/mm/yyyy"),
        ("15 tháng 3", "dd/mm/yyyy"),
    ],
)
def test_bad_dates_are_refused_naming_the_field(text, expected):
    text_message = message(vn.DateField(label="ngày bắt đầu"), text)
    assert text_message.startswith("Ngày bắt đầu: ") and expected in text_message


def test_the_date_box_is_text_with_a_placeholder():
    html = vn.DateField(label="Ngày").widget.render("d", date(2018, 3, 15))
    assert 'type="text"' in html and 'value="15/03/2018"' in html
    assert 'placeholder="dd/mm/yyyy"' in html


def test_the_number_box_is_text_with_a_number_keyboard():
    html = vn.NumberField().widget.render("n", "15.000.000")
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert 'inputmode="decimal"' in vn.NumberField(decimal_places=2).widget.render("n", "")


# ---- every form of the portal ---------------------------------------------------------------


def _form_classes():
    seen = set()
    for app in APPS:
        for module_name in (f"{app}.forms", f"{app}.filters"):
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError:
                continue
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, forms.BaseFormSet) and hasattr(obj, "form"):
                    obj = obj.form
                if (
                    issubclass(obj, forms.BaseForm)
                    and obj not in seen
                    and obj.__module__.split(".")[0] in APPS
                ):
                    seen.add(obj)
                    yield obj
                if (
                    issubclass(obj, django_filters.FilterSet)
                    and obj not in seen
                    and (obj.__module__.split(".")[0] in APPS)
                ):
                    seen.add(obj)
                    yield obj


def _fields(cls):
    if issubclass(cls, django_filters.FilterSet):
        for name, filter_ in cls.base_filters.items():
            yield name, filter_.field, None
        return
    model = getattr(getattr(cls, "_meta", None), "model", None)
    for name, field in cls.base_fields.items():
        model_field = None
        if model is not None:
            try:
                model_field = model._meta.get_field(name)
            except Exception:
                model_field = None
        yield name, field, model_field


def _numeric(model_field) -> bool:
    return (
        isinstance(model_field, (models.IntegerField, models.DecimalField, models.FloatField))
        and not model_field.choices
        and not model_field.is_relation
    )


def test_every_number_and_date_field_of_every_form_is_the_vietnamese_one():
    checked, wrong = 0, []
    classes = list(_form_classes())
    assert len(classes) >= 15, classes  # the discovery itself works
    for cls in classes:
        for name, field, model_field in _fields(cls):
            where = f"{cls.__module__}.{cls.__name__}.{name}"
            if isinstance(field.widget, forms.HiddenInput):
                continue  # the conflict rule's version
            if getattr(field.widget, "input_type", "") in ("number", "date", "datetime-local"):
                wrong.append(f"{where}: a browser {field.widget.input_type} box")
            if _numeric(model_field) and not isinstance(field, vn.NumberField):
                wrong.append(f"{where}: a numeric model field without NumberField")
            if (
                isinstance(model_field, models.DateField)
                and not isinstance(model_field, models.DateTimeField)
                and not isinstance(field, vn.DateField)
            ):
                wrong.append(f"{where}: a date model field without DateField")
            if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
                wrong.append(f"{where}: Django's own number field")
            if isinstance(field, forms.DateField) and not isinstance(field, vn.DateField):
                wrong.append(f"{where}: Django's own date field")
            checked += isinstance(field, (vn.NumberField, vn.DateField))
    assert wrong == []
    assert checked >= 25  # every amount, quantity, year and date found above


def test_no_template_writes_a_browser_number_or_date_box():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(r'type="(number|date|datetime-local)"', path.read_text())
    ]
    assert found == []


# ---- every date box, the admin's too, in both interface languages (issue 17) ----------------


def _date_fields():
    """(where, field) for every date field of the portal's forms and of the admin's forms."""
    from django.contrib import admin
    from django.test import RequestFactory

    from accounts.models import User

    for cls in _form_classes():
        for name, field, _model_field in _fields(cls):
            if isinstance(field, forms.DateField):
                yield f"{cls.__module__}.{cls.__name__}.{name}", field
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        form_class = model_admin.get_form(request)
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField):
                yield f"admin {model._meta.label}.{name}", field


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_date_box_shows_and_reads_day_month_year(language):
    """Whatever the interface language (and the browser's: these are text boxes), a date is
    shown 15/03/2018 and 15/03/2018 is read as the 15th of March."""
    checked, wrong = [], []
    with translation.override(language):
        for where, field in _date_fields():
            checked.append(where)
            html = field.widget.render("d", date(2018, 3, 15))
            if 'value="15/03/2018"' not in html or 'type="date"' in html:
                wrong.append(f"{where}: {html}")
            try:
                if field.clean("15/03/2018") != date(2018, 3, 15):
                    wrong.append(f"{where}: misread")
            except forms.ValidationError as exc:
                wrong.append(f"{where}: refused ({exc.messages})")
    assert wrong == []
    # Every date a person types: campaigns, measures, plans, progress reports, in the pages
    # and in the admin.
    assert {"campaigns.forms.CampaignForm.starts_on", "audits.forms.CPMeasureForm.implemented_on",
            "reports.forms.PlanForm.signed_on", "reports.forms.TaskReportForm.reported_on",
            "admin campaigns.Campaign.starts_on", "admin audits.CPMeasure.implemented_on",
            "admin reports.Plan.signed_on"} <= set(checked)
