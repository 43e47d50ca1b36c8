"""Form fields for numbers and dates written the Vietnamese way, whatever the browser's language.

A browser localizes <input type=number> and <input type=date> by its own language: an English
one refuses "28.500.000" with an English tooltip, reads "15.000.000" as 15 and shows dates as
03/15/2018. These fields are plain text boxes instead. Numbers follow the one rule of the Excel
importer (`lib.importing.parse_number`: 1.234,5, 1500 and 1.500 = 1500 are numbers, 1.5 is
refused as ambiguous) and are shown back grouped (15.000.000, 1.234,5); dates are dd/mm/yyyy.
Nothing is rounded or guessed: what cannot be stored exactly as typed is refused with a message
that names the field.

Every ModelForm of the portal derives from `ModelForm` below, which gives each numeric and date
model field these form fields; plain forms declare `NumberField`, `YearField` or `DateField`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms import formsets
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from melinh_sxsh.lib import years
from melinh_sxsh.lib.importing import CellError, parse_number
from melinh_sxsh.lib.text import format_number

MAX_LENGTH = 40
# Digits and dots that are not groups of three: 1.5, 12.25, 3.14159. In Vietnamese a dot groups
# thousands, in English it is the decimal point: the person may mean either.
_DOTTED = re.compile(r"^[+-]?[\d.]*\d\.[\d.]*$")


def number_text(value: Any) -> str:
    """A stored number as a person types it back: 15000000 -> '15.000.000', 1234.5 ->
    '1.234,5' (every significant decimal, none added), in any interface language."""
    number = Decimal(value).normalize()
    places = max(0, -number.as_tuple().exponent)
    with translation.override("vi"):
        return format_number(number, places)


def _problem(field: forms.Field, message: str) -> forms.ValidationError:
    """An error that names the field: it is also read away from the box, e.g. in a message."""
    label = capfirst(field.label) if field.label else _("This field")
    return forms.ValidationError(_("%(field)s: %(problem)s") % {"field": label, "problem": message})


class NumberInput(forms.TextInput):
    """A text box for a number: phones show their number keyboard; no browser check or tooltip,
    which would speak the browser's language and read the number its own way."""

    def __init__(self, attrs: dict | None = None, *, decimal: bool = False):
        defaults = {
            "inputmode": "decimal" if decimal else "numeric",
            "autocomplete": "off",
            "spellcheck": "false",
            "maxlength": MAX_LENGTH,
        }
        super().__init__({**defaults, **(attrs or {})})


class NumberField(forms.Field):
    """A whole number (decimal_places=0, the default) or a decimal, typed the Vietnamese way.

    Accepts the keyword arguments Django's model fields pass to their form fields (min_value,
    max_value, max_digits, decimal_places). Not negative unless min_value says otherwise.
    """

    def __init__(
        self,
        *,
        decimal_places: int | None = 0,
        max_digits: int | None = None,
        min_value: int | Decimal | None = 0,
        max_value: int | Decimal | None = None,
        grouping: bool = True,
        **kwargs,
    ):
        self.decimal_places = decimal_places or 0
        if max_value is None and max_digits is not None:
            max_value = Decimal(10) ** (max_digits - self.decimal_places) - Decimal(1).scaleb(
                -self.decimal_places
            )
        self.min_value, self.max_value, self.grouping = min_value, max_value, grouping
        kwargs.setdefault("widget", NumberInput(decimal=self.decimal_places > 0))
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return number_text(value) if self.grouping else str(value)
        return value  # what the person typed, kept as typed

    def to_python(self, value: Any) -> int | Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return self._checked(value)  # a number already, e.g. from a program
        text = str(value).strip()
        if not text:
            return None
        if len(text) > MAX_LENGTH:
            raise _problem(self, _("the number is too long"))
        if _DOTTED.match(text) and not _grouped(text):
            raise _problem(
                self,
                _(
                    '"%(text)s" is ambiguous: a dot groups thousands (1.500 is one thousand five '
                    "hundred); write decimals with a comma (1,5)"
                )
                % {"text": text[:MAX_LENGTH]},
            )
        return self._checked(text)

    def _checked(self, value: str | int | Decimal) -> int | Decimal:
        try:
            number = parse_number(value, minimum=self.min_value, maximum=self.max_value)
        except CellError as exc:
            raise _problem(self, exc.message) from None
        number = Decimal(f"{Decimal(number):f}")  # 1.5E+3 -> 1500, as the person wrote it
        if self.decimal_places == 0:
            if number != number.to_integral_value():
                raise _problem(self, _("must be a whole number"))
            return int(number)
        if number != number.quantize(Decimal(1).scaleb(-self.decimal_places)):
            raise _problem(
                self, _("use at most %(places)s decimal places") % {"places": self.decimal_places}
            )
        return number


def _grouped(text: str) -> bool:
    try:
        parse_number(text, minimum=None)
    except CellError:
        return False
    return True


class YearField(NumberField):
    """A year of one kind (lib/years.py: FACT, PLAN or OPERATING): four digits, shown without
    grouping (2018, not 2.018), checked against the kind's range when the form is checked."""

    kind = years.FACT

    def __init__(self, *, kind: years.YearKind | None = None, **kwargs):
        kwargs.setdefault("widget", NumberInput(attrs={"maxlength": 4}))
        # The range is the kind's, read when the form is checked (the current year moves on).
        for name in ("max_digits", "decimal_places", "min_value", "max_value"):
            kwargs.pop(name, None)
        if kind is not None:
            self.kind = kind
        super().__init__(min_value=None, max_value=None, grouping=False, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return years.parse_year(value, self.kind)
        except years.YearError as exc:
            raise _problem(self, exc.message) from None


class PlanYearField(YearField):
    kind = years.PLAN


class OperatingYearField(YearField):
    kind = years.OPERATING


class DateInput(forms.DateInput):
    """A text box for a date as dd/mm/yyyy, not the browser's date picker (which shows the
    browser's own order, 03/15/2018 in English)."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None):
        defaults = {"placeholder": "dd/mm/yyyy", "autocomplete": "off", "maxlength": 10}
        super().__init__({**defaults, **(attrs or {})}, format="%d/%m/%Y")


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")  # what programs and older pages post


class DateField(forms.DateField):
    widget = DateInput

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if match := _DMY.match(text):
            day, month, year = (int(part) for part in match.groups())
        elif match := _ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
        else:
            raise _problem(self, _("write the date as dd/mm/yyyy, for example 15/03/2018"))
        try:
            return date(year, month, day)
        except ValueError:
            raise _problem(
                self, _("%(text)s is not a date of the calendar (day/month/year)") % {"text": text}
            ) from None


def is_year(db_field: models.Field) -> bool:
    return db_field.name == "year" or db_field.name.endswith("_year")


def formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """The form field of a model field: numbers and dates the Vietnamese way, the rest as
    Django makes them."""
    if db_field.choices or db_field.is_relation or isinstance(db_field, models.DateTimeField):
        return db_field.formfield(**kwargs)
    if isinstance(db_field, models.DateField):
        return db_field.formfield(form_class=DateField, **kwargs)
    if not isinstance(db_field, (models.IntegerField, models.DecimalField)):
        return db_field.formfield(**kwargs)
    low, high = _limits(db_field)
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(
            form_class=NumberField,
            **{"min_value": low if low is not None else 0, "max_value": high, **kwargs},
        )
    if is_year(db_field):
        # A year is a fact's unless the form says otherwise (Meta.field_classes: PlanYearField,
        # OperatingYearField); lib/years.py has the ranges.
        return db_field.formfield(**{"form_class": YearField, **kwargs})
    return db_field.formfield(
        form_class=NumberField,
        **{"min_value": low if low is not None else 0, "max_value": high, **kwargs},
    )


def _limits(db_field: models.Field) -> tuple[Any, Any]:
    """The strictest bounds among a model field's validators (its own and the database's)."""
    lows = [v.limit_value for v in db_field.validators if isinstance(v, MinValueValidator)]
    highs = [v.limit_value for v in db_field.validators if isinstance(v, MaxValueValidator)]
    return (max(lows) if lows else None), (min(highs) if highs else None)


class IncompleteFormSet:
    """A formset posted without its hidden counts (a page kept open across a change, a form sent
    by hand) says so once, in words: Django's message, and the errors of the hidden fields drawn
    again, name those fields in code (TOTAL_FORMS). They are drawn again empty, counting the
    rows shown: none."""

    default_error_messages = {"missing_management_form": gettext_lazy(
        "The form arrived incomplete. Open the page again and enter the rows once more.")}

    @cached_property
    def management_form(self):
        posted = super().management_form
        if not posted.is_bound or posted.is_valid():
            return posted
        fresh = formsets.ManagementForm(
            auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer,
            initial={formsets.TOTAL_FORM_COUNT: 0, formsets.INITIAL_FORM_COUNT: 0,
                     formsets.MIN_NUM_FORM_COUNT: self.min_num,
                     formsets.MAX_NUM_FORM_COUNT: self.max_num})
        fresh.cleaned_data = posted.cleaned_data  # the counts Django read: none
        return fresh


class BaseFormSet(IncompleteFormSet, forms.BaseFormSet):
    pass


class BaseInlineFormSet(IncompleteFormSet, forms.BaseInlineFormSet):
    pass


class ModelForm(forms.ModelForm):
    """The portal's ModelForm: numeric and date model fields get the fields above."""

    def __init_subclass__(cls, **kwargs):
        # Runs before Django's metaclass builds the fields from Meta.
        super().__init_subclass__(**kwargs)
        meta = getattr(cls, "Meta", None)
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(formfield)
