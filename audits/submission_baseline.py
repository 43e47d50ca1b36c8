"""The baseline year a submission reports, for a facility that has none (docs/KPI.md, "Energy":
with no energy record before the request's year there is no baseline record, and no saving).

A request that asks for it (`DataRequest.asks_baseline`) gets it from the facilities without an
earlier record: one year before the request's, its output, the same product unit as the year's
(or the saving is undefined) and its energy by carrier. It waits in `Submission.baseline` (JSON:
year, output, product unit, carrier id -> quantity) and is checked when saved (`clean_baseline`,
from `submissions.submission_fill`) by the rules the form shows (`problems`). Accepting the form
writes it as a record marked baseline beside the year's, in one call of the one write of
records (`submissions.submission_accept`). This module writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audits import energy
from audits.models import EnergyCarrier, EnergyRecord, Submission
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.years import FIRST_YEAR, YearError, parse_year

FIELDS = ["year", "output", "product_unit", "lines"]
OUTPUT_PLACES = EnergyRecord._meta.get_field("output").decimal_places
UNIT_LENGTH = EnergyRecord._meta.get_field("product_unit").max_length

# The baseline year a form proposes for a request's year: a higher app that knows the plan's
# baseline year registers its reader here (audits imports no higher app); until then, y − 1.
default_year_sources: list[Callable[[int], int | None]] = []


def default_year(year: int) -> int:
    """The year the form proposes: the first registered source's answer, else `year` − 1."""
    for source in default_year_sources:
        proposed = source(year)
        if proposed is not None and FIRST_YEAR <= proposed < year:
            return proposed
    return year - 1


@dataclass(frozen=True)
class Baseline:
    """The baseline year's figures as the facility reported them."""

    year: int
    output: Decimal
    product_unit: str
    lines: dict[int, Decimal]

    @classmethod
    def of(cls, submission: Submission) -> Baseline | None:
        stored = submission.baseline
        if not stored:
            return None
        return cls(int(stored["year"]), Decimal(stored["output"]), str(stored["product_unit"]),
                   {int(k): Decimal(v) for k, v in sorted(stored["lines"].items(),
                                                         key=lambda kv: int(kv[0]))})

    def stored(self) -> dict[str, Any]:
        return {"year": self.year, "output": str(self.output), "product_unit": self.product_unit,
                "lines": {str(k): str(v) for k, v in sorted(self.lines.items())}}

    def as_record(self, factors: Mapping[int, Decimal]) -> UnsavedRecord:
        """As energy.py and the quality rules read a record (carrier id -> TOE per unit)."""
        return UnsavedRecord(self.year, self.output, self.product_unit,
                       energy.lines_toe(self.lines, factors), is_baseline=True)


@dataclass
class UnsavedRecord:
    """A record not written yet, as energy.py reads one (`toe_cache`: its total TOE)."""

    year: int
    output: Decimal | None
    product_unit: str
    toe_cache: Decimal
    is_baseline: bool = False


def factors() -> dict[int, Decimal]:
    """Every carrier's TOE per unit (one query)."""
    return dict(EnergyCarrier.objects.values_list("pk", "toe_per_unit"))


def has_earlier_record(facility_id: int, year: int) -> bool:
    return EnergyRecord.objects.filter(facility_id=facility_id, year__lt=year).exists()


def is_wanted(submission: Submission) -> bool:
    """Whether the form asks the baseline year: its request asks for it and the facility has
    no energy record before the request's year (one query when asked)."""
    return submission.request.asks_baseline and not has_earlier_record(
        submission.facility_id, submission.request.year)


def label(name: str) -> str:
    labels = {"year": _("Year"), "output": _("Production output"),
              "product_unit": _("Product unit"), "lines": _("Energy used")}
    return str(capfirst(labels[name]))


def error(field: str, problem: str) -> str:
    """A problem of the baseline, named so that it is understood away from its field."""
    return _("Baseline year, %(field)s: %(problem)s") % {"field": label(field),
                                                        "problem": problem}


def problems(values: Mapping[str, Any], year: int, unit: str) -> dict[str, str]:
    """What is wrong with the baseline (typed values), field -> problem: what the form and the
    service both refuse. `year` and `unit`: the request's year and the year's product unit."""
    found = {}
    when = values.get("year")
    if when is None:
        found["year"] = _("give the year")
    elif not FIRST_YEAR <= when < year:
        found["year"] = _("must be between %(first)s and %(last)s, a year before the one this "
                          "form reports") % {"first": FIRST_YEAR, "last": year - 1}
    output = values.get("output")
    if output is None:
        found["output"] = _("give the output of the baseline year")
    elif output <= 0:
        found["output"] = _("must be greater than zero: the saving is computed per unit of "
                            "product")
    base_unit = str(values.get("product_unit") or "").strip()
    if not base_unit:
        found["product_unit"] = _("give the product unit")
    elif unit.strip() and not energy.same_unit(base_unit, unit):
        found["product_unit"] = _(
            "must be the unit of %(year)s (%(unit)s): in another unit the saving cannot be "
            "computed") % {"year": year, "unit": unit.strip()}
    lines = values.get("lines") or {}
    if not lines:
        found["lines"] = _("enter at least one energy line")
    elif any(quantity < 0 for quantity in lines.values()):
        found["lines"] = _("an energy quantity cannot be negative")
    return found


def _typed(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The baseline's values as Python values: what a program (or the form) gave, checked
    again; a value of the wrong type raises DomainError naming its field."""

    def refuse(field: str, problem: str) -> DomainError:
        return DomainError(error(field, problem))

    values: dict[str, Any] = {"product_unit": str(raw.get("product_unit") or "").strip()}
    if len(values["product_unit"]) > UNIT_LENGTH:
        raise refuse("product_unit", _("at most %(n)s characters") % {"n": UNIT_LENGTH})
    when = raw.get("year")
    try:
        values["year"] = None if when in (None, "") else parse_year(when)
    except YearError as exc:
        raise refuse("year", exc.message) from None
    output = raw.get("output")
    try:
        values["output"] = None if output in (None, "") else Decimal(str(output))
    except InvalidOperation:
        raise refuse("output", _("not a number")) from None
    if values["output"] is not None and (
            not values["output"].is_finite()
            or values["output"] != values["output"].quantize(Decimal(1).scaleb(-OUTPUT_PLACES))):
        raise refuse("output", _("use at most %(places)s decimal places")
                     % {"places": OUTPUT_PLACES})
    lines = {}
    carriers = set(EnergyCarrier.objects.values_list("pk", flat=True))
    for carrier, quantity in dict(raw.get("lines") or {}).items():
        try:
            carrier_id, number = int(getattr(carrier, "pk", carrier)), Decimal(str(quantity))
        except (TypeError, ValueError, InvalidOperation):
            raise refuse("lines", _("not a number")) from None
        if carrier_id not in carriers or not number.is_finite():
            raise refuse("lines", _("not an energy carrier of the list"))
        lines[carrier_id] = number
    values["lines"] = lines
    return values


def clean_baseline(raw: Mapping[str, Any] | None, year: int, unit: str) -> dict[str, Any]:
    """The baseline to store (empty for none), checked: the first problem raises DomainError
    naming the field, and nothing is saved."""
    if not raw:
        return {}
    values = _typed(raw)
    found = problems(values, year, unit)
    if found:
        field, problem = next(iter(found.items()))
        raise DomainError(error(field, problem))
    return Baseline(values["year"], values["output"], values["product_unit"],
                    values["lines"]).stored()
