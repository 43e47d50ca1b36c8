"""The CP measures a facility reports in a submission, line by line.

They wait in `Submission.measure_lines` (JSON, one dict a line: technique id, description,
investment and yearly saving in VND, energy saved in TOE a year, implementation date) and are
checked when saved (`clean_lines`, from `submissions.submission_fill`) with the rules the form
shows. They become the facility's CPMeasures only when a reviewer accepts the form: each one,
implemented, through `audits/services.measure_create`, the staff's own write, in the
acceptance's transaction (`submissions.measures_accept`), so that a refused measure refuses the
whole acceptance. This module writes nothing: the selectors read it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audits.models import CPMeasure, CPTechnique, Submission
from melinh_sxsh.lib.errors import DomainError

FIELDS = ["technique", "description", "investment_vnd", "yearly_saving_vnd", "energy_saved_toe",
          "implemented_on"]
MAX_LINES = 20
TOE_PLACES = CPMeasure._meta.get_field("energy_saved_toe").decimal_places
DESCRIPTION_LENGTH = CPMeasure._meta.get_field("description").max_length


@dataclass(frozen=True)
class MeasureLine:
    """One measure as the facility reported it."""

    technique_id: int
    description: str
    investment_vnd: int
    yearly_saving_vnd: int
    energy_saved_toe: Decimal | None
    implemented_on: date

    @classmethod
    def of(cls, stored: Mapping[str, Any]) -> MeasureLine:
        toe = stored.get("energy_saved_toe")
        return cls(int(stored["technique"]), str(stored["description"]),
                   int(stored.get("investment_vnd") or 0),
                   int(stored.get("yearly_saving_vnd") or 0),
                   Decimal(toe) if toe not in (None, "") else None,
                   date.fromisoformat(str(stored["implemented_on"])))

    def stored(self) -> dict[str, Any]:
        return {"technique": self.technique_id, "description": self.description,
                "investment_vnd": self.investment_vnd, "yearly_saving_vnd": self.yearly_saving_vnd,
                "energy_saved_toe": None if self.energy_saved_toe is None
                else str(self.energy_saved_toe),
                "implemented_on": self.implemented_on.isoformat()}


def label(name: str) -> str:
    return str(capfirst(CPMeasure._meta.get_field(name).verbose_name))


def line_problems(values: Mapping[str, Any], year: int) -> dict[str, str]:
    """What is wrong with one line, field -> message, beyond each value's own type (the form's
    fields and `_typed` check those): what the form and the service both refuse."""
    problems = {}
    if not values.get("technique"):
        problems["technique"] = _("choose the technique")
    if not str(values.get("description") or "").strip():
        problems["description"] = _("say what was done")
    when = values.get("implemented_on")
    if when is None:
        problems["implemented_on"] = _("give the date the measure was implemented")
    elif when.year > year:
        problems["implemented_on"] = _(
            "must be in %(year)s or before, the year this form reports") % {"year": year}
    elif when > timezone.localdate():
        problems["implemented_on"] = _("the date cannot be in the future")
    return problems


def line_error(number: int, field: str, problem: str) -> str:
    """A line's problem, named so that it is understood away from the line."""
    return _("CP measure %(number)s, %(field)s: %(problem)s") % {
        "number": number, "field": label(field), "problem": problem}


def _typed(raw: Mapping[str, Any], number: int) -> dict[str, Any]:
    """A line's values as Python values: what a program (or the form) gave, checked again."""

    def refuse(field: str, problem: str) -> DomainError:
        return DomainError(line_error(number, field, problem))

    values: dict[str, Any] = {"description": str(raw.get("description") or "").strip()}
    technique = raw.get("technique")
    technique_id = technique.pk if isinstance(technique, CPTechnique) else technique
    if technique_id not in (None, ""):
        try:
            technique_id = int(technique_id)
        except (TypeError, ValueError):
            raise refuse("technique", _("not a technique of the catalogue")) from None
        if not CPTechnique.objects.filter(pk=technique_id).exists():
            raise refuse("technique", _("not a technique of the catalogue"))
    values["technique"] = technique_id or None
    if len(values["description"]) > DESCRIPTION_LENGTH:
        raise refuse("description", _("at most %(n)s characters") % {"n": DESCRIPTION_LENGTH})
    for name in ("investment_vnd", "yearly_saving_vnd", "energy_saved_toe"):
        value = raw.get(name)
        if value in (None, ""):
            values[name] = None if name == "energy_saved_toe" else 0
            continue
        try:
            number_value = Decimal(str(value))
        except InvalidOperation:
            raise refuse(name, _("not a number")) from None
        if number_value < 0:
            raise refuse(name, _("cannot be negative"))
        places = TOE_PLACES if name == "energy_saved_toe" else 0
        if number_value != number_value.quantize(Decimal(1).scaleb(-places)):
            raise refuse(name, _("use at most %(places)s decimal places") % {"places": places})
        values[name] = number_value if places else int(number_value)
    when = raw.get("implemented_on")
    if isinstance(when, str) and when:
        try:
            when = date.fromisoformat(when)
        except ValueError:
            raise refuse("implemented_on", _("not a date")) from None
    values["implemented_on"] = when or None
    return values


def clean_lines(raw_lines: Sequence[Mapping[str, Any]], year: int) -> list[dict[str, Any]]:
    """The lines to store, each checked: the first problem raises DomainError naming its line
    and field, and nothing is saved."""
    if len(raw_lines) > MAX_LINES:
        raise DomainError(_("Report at most %(n)s CP measures in one form.") % {"n": MAX_LINES})
    cleaned = []
    for number, raw in enumerate(raw_lines, 1):
        values = _typed(raw, number)
        problems = line_problems(values, year)
        if problems:
            field, problem = next(iter(problems.items()))
            raise DomainError(line_error(number, field, problem))
        cleaned.append(MeasureLine(values["technique"], values["description"],
                                   values["investment_vnd"], values["yearly_saving_vnd"],
                                   values["energy_saved_toe"], values["implemented_on"]).stored())
    return cleaned


def lines_of(submission: Submission) -> list[MeasureLine]:
    return [MeasureLine.of(stored) for stored in submission.measure_lines or []]
