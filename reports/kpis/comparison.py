"""The plan's indicators: each figure of the year against the baseline year, its change in
both modes, whether the target is met, and how each is written."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import sxsh_officers
from melinh_sxsh.lib.text import format_number
from reports.kpis.engine import Evaluation
from reports.kpis.scope import Scope
from reports.kpis.targets import Mode, Targets, TargetSpec, YearPlans

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.01")
TOE_PLACES = Decimal("0.001")


def round_half_up(value: Decimal | None, places: Decimal) -> Decimal | None:
    """Rounding for display and JSON only; figures are compared unrounded."""
    return None if value is None else value.quantize(places, rounding=ROUND_HALF_UP)


def unit_of(mode: Mode) -> str:
    """How a change in this mode is written after its number: "%" or " điểm %"."""
    return " " + _("points") if mode == Mode.POINTS else "%"


def mode_words(mode: Mode) -> str:
    """A mode as a report's sentence names it."""
    if mode == Mode.POINTS:
        return _("change of the share (percentage points)")
    return _("relative increase (%)")


def _written(value: Decimal | None, unit: str, *, signed: bool = False) -> str:
    """A change rounded half up to two places, with its unit; — when undefined."""
    if value is None:
        return "—"
    sign = "+" if signed and value >= 0 else ""
    return f"{sign}{format_number(value, 2)}{unit}"


def target_text(spec: TargetSpec) -> str:
    """A target as the plan writes it: +20%, +5 điểm %, or a number of officers."""
    places = 0 if spec.value == spec.value.to_integral_value() else 2
    if spec.mode == Mode.ABSOLUTE:
        return format_number(spec.value, places)
    return f"+{format_number(spec.value, places)}{unit_of(spec.mode)}"


@dataclass(frozen=True)
class Comparison:
    """A figure in the baseline year and the current year, its change in both modes, and the
    target (when the plan sets one)."""

    baseline: int
    current: int
    active_baseline: int
    active_current: int
    target: TargetSpec | None = None

    @property
    def change_percent(self) -> Decimal | None:
        """(current − baseline) / baseline × 100; undefined when the baseline is 0."""
        if self.baseline == 0:
            return None
        return (Decimal(self.current) - self.baseline) * HUNDRED / self.baseline

    @property
    def change_points(self) -> Decimal | None:
        """Change of the share of active facilities, in percentage points."""
        if self.active_current == 0 or self.active_baseline == 0:
            return None
        return (
            Decimal(self.current) * HUNDRED / self.active_current
            - Decimal(self.baseline) * HUNDRED / self.active_baseline
        )

    @property
    def mode(self) -> Mode:
        """The mode the target is set in; a figure without a target changes relatively."""
        return Mode(self.target.mode) if self.target is not None else Mode.RELATIVE

    @property
    def change(self) -> Decimal | None:
        """The change in the target's mode: what `met` is decided on."""
        return self.change_points if self.mode == Mode.POINTS else self.change_percent

    @property
    def change_unit(self) -> str:
        """The unit of `change`, written after it: "%" or " điểm %"."""
        return unit_of(self.mode)

    @property
    def change_text(self) -> str:
        """`change` rounded and written with its unit: 30,65% or 21,35 điểm %; — undefined."""
        return _written(self.change, self.change_unit)

    @property
    def change_signed_text(self) -> str:
        """`change_text` with a + before a rise: +30,65%."""
        return _written(self.change, self.change_unit, signed=True)

    @property
    def change_percent_text(self) -> str:
        return _written(self.change_percent, unit_of(Mode.RELATIVE))

    @property
    def change_points_text(self) -> str:
        return _written(self.change_points, unit_of(Mode.POINTS))

    @property
    def target_text(self) -> str:
        return "" if self.target is None else target_text(self.target)

    @property
    def basis_text(self) -> str:
        """Which change the target is decided on, in words."""
        if self.mode == Mode.POINTS:
            return _("the target is a change of the share")
        return _("the target is a relative change")

    @property
    def met(self) -> bool | None:
        """The unrounded change in the target's mode reaches the target; when that change is
        undefined, met means current > baseline."""
        if self.target is None:
            return None
        if self.change is None:
            return self.current > self.baseline
        return self.change >= self.target.value

    @property
    def target_progress(self) -> int:
        """How far the change has come towards the target, 0-100, for the progress bar."""
        if self.target is None:
            return 0
        if self.met:
            return 100
        change = self.change
        if change is None or self.target.value <= 0 or change <= 0:
            return 0
        return min(100, int(change * HUNDRED / self.target.value))


@dataclass(frozen=True)
class Officers:
    current: int
    target: Decimal

    @property
    def met(self) -> bool:
        return self.current >= self.target


@dataclass(frozen=True)
class KPIs:
    """The plan's indicators for a year against the baseline year, in one scope."""

    year: int
    baseline_year: int
    scope: Scope
    commune_code: str | None
    targets: Targets
    active: Comparison
    aware: Comparison
    applying: Comparison
    saving: Comparison
    in_band: int
    above_band: int
    energy_saved_toe: Decimal
    officers: Officers

    @property
    def basis_text(self) -> str:
        """How targets 1 and 2 are measured, as the report's note says it."""
        if self.aware.mode == self.saving.mode:
            return _("Targets 1 and 2 are measured by the %(mode)s against %(year)s.") % {
                "mode": mode_words(self.aware.mode),
                "year": self.baseline_year,
            }
        return _(
            "Target 1 is measured by the %(aware)s and target 2 by the %(saving)s, "
            "against %(year)s."
        ) % {
            "aware": mode_words(self.aware.mode),
            "saving": mode_words(self.saving.mode),
            "year": self.baseline_year,
        }

    def as_json(self) -> dict[str, Any]:
        """The KPI JSON `manage.py kpi --json` prints (and an issued report keeps)."""

        def number(value: Decimal | None, places: Decimal = PERCENT_PLACES):
            rounded = round_half_up(value, places)
            return None if rounded is None else float(rounded)

        def target_value(spec: TargetSpec):
            value = spec.value
            return int(value) if value == value.to_integral_value() else float(value)

        def compared(comparison: Comparison) -> dict[str, Any]:
            return {
                "baseline": comparison.baseline,
                "current": comparison.current,
                "change_percent": number(comparison.change_percent),
                "change_points": number(comparison.change_points),
                "target": target_value(comparison.target),
                "target_mode": str(comparison.target.mode),
                "met": comparison.met,
            }

        saving = compared(self.saving)
        return {
            "year": self.year,
            "baseline_year": self.baseline_year,
            "scope": {"commune": self.commune_code},
            "active": {"baseline": self.active.baseline, "current": self.active.current},
            "aware": compared(self.aware),
            "applying": {"baseline": self.applying.baseline, "current": self.applying.current},
            "saving": {
                "baseline": saving["baseline"],
                "current": saving["current"],
                "in_band": self.in_band,
                "above_band": self.above_band,
                **{k: v for k, v in saving.items() if k not in ("baseline", "current")},
            },
            "officers": {
                "current": self.officers.current,
                "target": target_value(self.targets.officers),
                "met": self.officers.met,
            },
            "energy_saved_toe": number(self.energy_saved_toe, TOE_PLACES),
        }


def _officers():
    return sxsh_officers()


def officers_count(district_id: int | None = None) -> int:
    """KPI 3: active staff marked as the SXSH officer, counted now, in a district (None: every
    district, the city's count)."""
    return _officers_of(district_id).count()


def officers_by_district() -> dict[int | None, int]:
    """KPI 3 of every district at once (one query): the city's count is their sum."""
    return dict(_officers().order_by().values("district_id").annotate(n=Count("pk"))
                .values_list("district_id", "n"))


def officers_list(district_id: int | None = None) -> list[User]:
    """The people KPI 3 counts (see officers_count)."""
    return list(_officers_of(district_id).order_by("full_name", "username"))


def _officers_of(district_id: int | None):
    officers = _officers()
    return officers if district_id is None else officers.filter(district_id=district_id)


def summarize(
    evaluation: Evaluation,
    *,
    year: int,
    targets: Targets,
    ids: set[int] | None = None,
    officers: int | None = None,
    commune_code: str | None = None,
    plans: YearPlans | None = None,
) -> KPIs:
    """The indicators of `year` against the targets' baseline year, for all facilities of the
    evaluation or only `ids` (a commune's or a district's row of a table). With `plans` (the
    city's figures), the baseline counts are the sums of each district's, each in its own
    plan's baseline year (docs/KPI.md, "Scopes and plans")."""
    current = evaluation[year]

    def count(sets: set[int]) -> int:
        return len(sets if ids is None else sets & ids)

    if plans is None:
        base = evaluation[targets.baseline_year]

        def count_base(attr: str) -> int:
            return count(getattr(base, attr))
    else:
        groups = [(evaluation[plans.of_district(district_id).baseline_year], members)
                  for district_id, members in evaluation.ids_by_district().items()]

        def count_base(attr: str) -> int:
            return sum(len(getattr(sets, attr) & (members if ids is None else members & ids))
                       for sets, members in groups)

    active = (count_base("active"), count(current.active))

    def compare(attr: str, target: TargetSpec | None = None) -> Comparison:
        return Comparison(count_base(attr), count(getattr(current, attr)), *active,
                          target=target)

    return KPIs(
        year=year,
        baseline_year=targets.baseline_year,
        scope=evaluation.scope,
        commune_code=commune_code,
        targets=targets,
        active=Comparison(*active, *active),
        aware=compare("aware", targets.aware),
        applying=compare("applying"),
        saving=compare("saving", targets.saving),
        in_band=count(current.in_band),
        above_band=count(current.above_band),
        energy_saved_toe=current.energy_saved_toe(ids),
        officers=Officers(
            officers_count() if officers is None else officers, targets.officers.value
        ),
    )
