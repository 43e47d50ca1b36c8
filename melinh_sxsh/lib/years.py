"""Which years the portal accepts, and reading one from a request: one rule, one message.

Every year the portal stores or is asked for is of one of three kinds:

- FACT, something that happened in the year: a facility's stage, an energy record, the years a
  demonstration model was measured, a plan's baseline, a locked year, and the lists filtered by
  them. From FIRST_YEAR to the current year: nothing is recorded for a year that has not begun
  (the import templates say the same).
- PLAN, a year the programme plans for: a plan, a funding line, a demonstration model, a
  campaign, a report and the dashboard. From FIRST_YEAR to YEARS_AHEAD years after the current
  one: plans and budgets are written ahead.
- OPERATING, a facility's first or last year of operation: from FIRST_OPERATING_YEAR (a
  facility may be older than the programme) to the current year.

A year is written with four digits. Forms (lib/forms.YearField), services (`check_year`),
importers (`year_cell`) and request parameters (`year_param`) all read it here; out of range,
the message is the same everywhere: "must be between 2000 and 2026".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.importing import CellError

FIRST_YEAR = 2000
FIRST_OPERATING_YEAR = 1900
YEARS_AHEAD = 5


class YearKind(Enum):
    FACT = "fact"
    PLAN = "plan"
    OPERATING = "operating"


FACT, PLAN, OPERATING = YearKind.FACT, YearKind.PLAN, YearKind.OPERATING

_FOUR_DIGITS = re.compile(r"[0-9]{4}")


class YearError(ValueError):
    """A value that is not an acceptable year; `message` says why (no field name)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def bounds(kind: YearKind = FACT) -> tuple[int, int]:
    """The first and the last acceptable year of this kind, today."""
    this_year = timezone.localdate().year
    first = FIRST_OPERATING_YEAR if kind is OPERATING else FIRST_YEAR
    return first, this_year + YEARS_AHEAD if kind is PLAN else this_year


def is_valid(year: Any, kind: YearKind = FACT) -> bool:
    first, last = bounds(kind)
    return isinstance(year, int) and not isinstance(year, bool) and first <= year <= last


def not_a_year() -> str:
    return _("write the year with four digits, for example 2018")


def out_of_range(kind: YearKind = FACT) -> str:
    first, last = bounds(kind)
    return _("must be between %(first)s and %(last)s") % {"first": first, "last": last}


def parse_year(value: Any, kind: YearKind = FACT) -> int:
    """The year in `value` (four digits as text, or a whole number), or YearError."""
    if isinstance(value, (datetime, date)):
        raise YearError(_("must be a year such as 2018, not a date"))
    if isinstance(value, bool):
        raise YearError(not_a_year())
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a numeric Excel cell: 2018.0
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, int):
        year = value
    else:
        text = str(value).strip()
        if not _FOUR_DIGITS.fullmatch(text):
            raise YearError(not_a_year())
        year = int(text)
    if not is_valid(year, kind):
        raise YearError(out_of_range(kind))
    return year


def check_year(
    year: Any, kind: YearKind = FACT, *, field: str = "year", label: str | None = None
) -> int:
    """`year` if it is acceptable; otherwise a DomainError on `field` that names it (`label`,
    "Year" by default), worded as a form's error is."""
    try:
        return parse_year(year, kind)
    except YearError as exc:
        problem = {"field": capfirst(label or _("Year")), "problem": exc.message}
        raise DomainError(_("%(field)s: %(problem)s") % problem, field=field) from None


def year_param(
    request: Any, name: str = "year", default: int | None = None, kind: YearKind = FACT
) -> int | None:
    """The year in the query parameter `name`, or `default` when it is missing, not a year or
    out of range: an address never fails on its year."""
    params = getattr(request, "GET", request)
    value = params.get(name)
    if value is None:
        return default
    try:
        return parse_year(str(value)[:10], kind)
    except YearError:
        return default


def year_cell(kind: YearKind = FACT):
    """The parser of an import template's year column (lib/importing's Column)."""

    def parse(value: Any) -> int:
        try:
            return parse_year(value, kind)
        except YearError as exc:
            raise CellError(exc.message) from None

    return parse


# ---- spans of years --------------------------------------------------------------------------
# A facility operates, and a commune or district exists, from `first_year` to `last_year`, either
# bound empty when open. One rule for both, in a query and on an object.


def spanning(year: int) -> Q:
    """The rows whose first_year..last_year includes `year`."""
    return (Q(first_year__isnull=True) | Q(first_year__lte=year)) & (
        Q(last_year__isnull=True) | Q(last_year__gte=year))


def spans(obj: Any, year: int) -> bool:
    """Whether `obj`'s first_year..last_year includes `year` (`spanning` on one object)."""
    return (obj.first_year is None or obj.first_year <= year) and (
        obj.last_year is None or obj.last_year >= year)
