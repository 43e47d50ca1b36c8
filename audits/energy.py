"""The energy figures of docs/KPI.md, "Energy", as pure functions with exact decimals.

The KPI engine (reports/kpis/), the facility page and the data-quality rules all call these;
none recomputes a figure on its own. A record is an `EnergyRecord` whose `uses` (with their
carriers) should be prefetched (see `selectors.energy_records_by_facility`): nothing here runs a
query of its own beyond reading those relations. Nothing computed here is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any

from melinh_sxsh.lib.text import normalize

# Enough digits that products of quantities, factors and outputs are exact: only the final
# division of a figure rounds, far below any digit that is displayed or compared.
PRECISION = 60

BAND_LOW = Decimal("8")
BAND_HIGH = Decimal("13")
IN_BAND = "in_band"
ABOVE_BAND = "above_band"
BELOW_BAND = "below"

ZERO = Decimal(0)
THOUSAND = Decimal(1000)


def use_toe(quantity: Decimal, toe_per_unit: Decimal) -> Decimal:
    """TOE of one energy line: quantity × the carrier's TOE per unit."""
    with localcontext(prec=PRECISION):
        return quantity * toe_per_unit


def uses_toe(uses: Iterable[Any]) -> Decimal:
    """Total TOE of energy lines (objects with `quantity` and `carrier.toe_per_unit`)."""
    with localcontext(prec=PRECISION):
        return sum((use_toe(u.quantity, u.carrier.toe_per_unit) for u in uses), ZERO)


def lines_toe(lines: Mapping[int, Decimal], factors: Mapping[int, Decimal]) -> Decimal:
    """Total TOE of energy lines not stored yet (carrier id -> quantity), with each carrier's
    TOE per unit (carrier id -> factor); a carrier without a factor counts nothing."""
    with localcontext(prec=PRECISION):
        return sum((use_toe(quantity, factors[pk]) for pk, quantity in lines.items()
                    if pk in factors), ZERO)


def record_toe(record: Any) -> Decimal:
    """Total TOE of a record = Σ quantity × TOE per unit over its energy lines."""
    # Light records read in bulk (selectors.LiteRecord) keep their total: the KPI engine asks
    # for it several times per record. Model instances never cache it, so it cannot go stale.
    cached = getattr(record, "toe_cache", None)
    if cached is not None:
        return cached
    total = uses_toe(record.uses.all())
    if hasattr(record, "toe_cache"):
        record.toe_cache = total
    return total


def sec_of(toe: Decimal, output: Decimal) -> Decimal | None:
    """SEC = TOE × 1000 / output, in kgOE per unit of product; None when output is not > 0."""
    if output is None or output <= 0:
        return None
    with localcontext(prec=PRECISION):
        return toe * THOUSAND / output


def record_sec(record: Any) -> Decimal | None:
    """SEC of a record in kgOE per unit of its own product unit (None for zero output)."""
    return sec_of(record_toe(record), record.output)


def same_unit(first: str, second: str) -> bool:
    """Whether two product units are the same after NFC, case folding and collapsing spaces."""
    return normalize(first) == normalize(second)


def baseline_record(records: Iterable[Any], year: int) -> Any | None:
    """The baseline of year y: the latest record with year < y marked baseline, or, if none of
    those is marked, the earliest record with year < y; None when there is no earlier record."""
    earlier = [record for record in records if record.year < year]
    if not earlier:
        return None
    marked = [record for record in earlier if record.is_baseline]
    if marked:
        return max(marked, key=lambda record: record.year)
    return min(earlier, key=lambda record: record.year)


def _comparable(base: Any, current: Any) -> tuple[Decimal, Decimal] | None:
    """(TOE_base, TOE_y) when the saving ratio is defined, else None."""
    if base is None or current is None:
        return None
    if base.output is None or current.output is None or base.output <= 0 or current.output <= 0:
        return None
    if not same_unit(base.product_unit, current.product_unit):
        return None
    base_toe = record_toe(base)
    if base_toe <= 0:  # SEC_base > 0 exactly when TOE_base > 0, the output being > 0
        return None
    return base_toe, record_toe(current)


def saving_ratio(base: Any, current: Any) -> Decimal | None:
    """r = (SEC_base − SEC_y) / SEC_base; None unless both records exist, both outputs and
    SEC_base are > 0 and both use the same product unit."""
    toes = _comparable(base, current)
    if toes is None:
        return None
    base_toe, current_toe = toes
    # r = 1 − (TOE_y × output_base) / (TOE_base × output_y): one division, so that a ratio of
    # exactly 8 % comes out as exactly 0.08 and meets the band's bound.
    with localcontext(prec=PRECISION):
        base_use = base_toe * current.output
        return (base_use - current_toe * base.output) / base_use


def saving_band(ratio: Decimal | None, low: Decimal = BAND_LOW,
                high: Decimal = BAND_HIGH) -> str | None:
    """IN_BAND for low % ≤ r ≤ high %, ABOVE_BAND for r > high %, BELOW_BAND otherwise; None
    when r is undefined. Bounds are percentages (the plan's target, 8 and 13 by default)."""
    if ratio is None:
        return None
    percent = ratio * 100
    if percent > Decimal(high):
        return ABOVE_BAND
    if percent >= Decimal(low):
        return IN_BAND
    return BELOW_BAND


def energy_saved_toe(base: Any, current: Any) -> Decimal | None:
    """TOE saved in year y = (SEC_base − SEC_y) × output_y / 1000; None when r is undefined."""
    toes = _comparable(base, current)
    if toes is None:
        return None
    base_toe, current_toe = toes
    # (SEC_base − SEC_y) × output_y / 1000 = TOE_base × output_y / output_base − TOE_y
    with localcontext(prec=PRECISION):
        return base_toe * current.output / base.output - current_toe


def record_of_year(records: Sequence[Any], year: int) -> Any | None:
    """The record of exactly year y among one facility's records, or None."""
    return next((record for record in records if record.year == year), None)


def quartile(value: Decimal, values: Sequence[Decimal]) -> int:
    """Which quarter of `values` (which include `value`) it falls in, 1 for the quarter that
    saved the most and 4 for the least: 1 + ⌊4 × (how many are greater) / n⌋, so that ties
    share the better quarter (docs/KPI.md, "Standing in the sector")."""
    better = sum(1 for other in values if other > value)
    return 1 + 4 * better // len(values)
