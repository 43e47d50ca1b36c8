"""Energy records 2016-2018 and CP measures for the demo district, for `load_demo`.

Facilities that apply cleaner production in 2018 mostly cut their SEC by 8-13 % or more against
2017, so that target 2 of the plan shows something; a sample of others drift by a few percent.
A few records break the data-quality rules on purpose (a product unit that changes, a zero
output, a record without a baseline, an SEC that jumps), and two applying facilities have no
measure, so that every rule has something to show.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from accounts.models import Role, User
from audits.models import CPMeasure, CPTechnique, EnergyCarrier, EnergyRecord, EnergyUse
from audits.quality import quality_refresh
from facilities.models import Facility, FacilityYearStatus, Stage
from melinh_sxsh.lib.batches import create_with_history

YEARS = (2016, 2017, 2018)
SAMPLE_OTHERS = 30

# product unit -> (SEC range in kgOE per unit, output range of an enterprise)
PROFILES = {
    "tấn": ((40, 160), (300, 6000)),
    "km": ((300, 900), (200, 3000)),
    "nghìn sản phẩm": ((5, 30), (500, 20000)),
    "bộ": ((3, 15), (500, 20000)),
    "nghìn viên": ((20, 60), (1000, 30000)),
    "m3": ((15, 60), (500, 10000)),
    "nghìn lít": ((8, 25), (1000, 20000)),
    "nghìn trang": ((1, 3), (5000, 100000)),
    "nghìn bông": ((1, 5), (100, 2000)),
    "nghìn bộ": ((30, 120), (50, 1000)),
}
DEFAULT_PROFILE = ((20, 100), (100, 5000))

# sector -> fuels besides electricity
FUELS = {
    "10": ["COAL34", "LPG"], "11": ["COAL34", "DO"], "13": ["COAL12", "DO"],
    "23": ["COAL56"], "25": ["DO_L", "LPG"], "16": ["DO_L"], "17": ["COAL34"],
}
DEFAULT_FUELS = ["DO", "DO_L"]

DESCRIPTIONS = {
    "HOUSEKEEPING": ["Khắc phục rò rỉ khí nén, tắt thiết bị khi không sản xuất",
                     "Sắp xếp lại kho nguyên liệu, đào tạo công nhân vận hành tiết kiệm"],
    "INPUT_CHANGE": ["Thay than cám bằng viên nén sinh khối cho lò hơi",
                     "Dùng nguyên liệu ít tạp chất, giảm phế phẩm"],
    "PROCESS_CONTROL": ["Lắp đồng hồ đo điện từng phân xưởng, kiểm soát nhiệt độ lò",
                        "Tối ưu lịch chạy máy, tránh giờ cao điểm"],
    "EQUIPMENT": ["Lắp biến tần cho máy nén khí và quạt hút",
                  "Bảo ôn đường ống hơi và thiết bị gia nhiệt"],
    "TECHNOLOGY": ["Thay đèn huỳnh quang bằng đèn LED nhà xưởng",
                   "Thay lò hơi đốt than cũ bằng lò hơi hiệu suất cao"],
    "RECOVERY": ["Thu hồi nước ngưng về lò hơi", "Tận dụng nhiệt khí thải để sấy nguyên liệu"],
    "BYPRODUCT": ["Thu gom phế liệu, ba via bán cho cơ sở tái chế",
                  "Tận dụng bã thải làm thức ăn chăn nuôi"],
    "PRODUCT": ["Thiết kế lại bao bì, giảm khối lượng vật liệu",
                "Cải tiến mẫu sản phẩm, giảm công đoạn gia nhiệt"],
}


def _money(rng: random.Random, low: int, high: int) -> int:
    """A VND amount in millions, rounded to half a million."""
    return int(rng.uniform(low, high) * 2) * 500_000


def _saving(rng: random.Random) -> float:
    """The SEC cut of a facility that applies CP: mostly in the 8-13 % band or above it."""
    roll = rng.random()
    if roll < 0.55:
        return rng.uniform(0.085, 0.125)
    if roll < 0.85:
        return rng.uniform(0.14, 0.22)
    return rng.uniform(0.02, 0.06)


def _quantity(toe: float, carrier: EnergyCarrier) -> Decimal:
    places = Decimal("1") if carrier.unit in ("kWh", "lít") else Decimal("0.01")
    return (Decimal(repr(toe)) / carrier.toe_per_unit).quantize(places, rounding=ROUND_HALF_UP)


def _lines(rng, facility, sec: float, output: float, carriers) -> list[tuple[EnergyCarrier,
                                                                         Decimal]]:
    fuels = FUELS.get(facility.sector.code if facility.sector else "", DEFAULT_FUELS)
    toe = sec * output / 1000
    electricity = rng.uniform(0.4, 0.9)
    chosen = rng.sample(fuels, k=min(len(fuels), rng.choice([1, 1, 2])))
    shares = [rng.random() + 0.2 for _ in chosen]
    lines = [(carriers["ELEC"], _quantity(toe * electricity, carriers["ELEC"]))]
    for code, share in zip(chosen, shares, strict=True):
        part = toe * (1 - electricity) * share / sum(shares)
        lines.append((carriers[code], _quantity(part, carriers[code])))
    return lines


def _verified_at(year: int, rng: random.Random) -> datetime:
    day = date(year + 1, rng.randint(1, 4), rng.randint(1, 28))
    return timezone.make_aware(datetime.combine(day, time(9, rng.randint(0, 59))))


def load(rng: random.Random) -> None:
    staff = User.objects.filter(role=Role.STAFF).order_by("id").first()
    carriers = {c.code: c for c in EnergyCarrier.objects.all()}
    techniques = list(CPTechnique.objects.order_by("id"))
    facilities = list(Facility.objects.select_related("sector").order_by("id"))
    stages = {(f, y): s for f, y, s in FacilityYearStatus.objects.values_list(
        "facility_id", "year", "stage")}
    first_applying = {}
    for facility in facilities:
        years = [y for y in YEARS if stages.get((facility.pk, y)) == Stage.APPLYING]
        if years:
            first_applying[facility.pk] = years[0]
    applying = [f for f in facilities if f.pk in first_applying]
    others = [f for f in facilities if f.pk not in first_applying
              and all(f.is_active_in(y) for y in YEARS)]
    sample = rng.sample(others, k=min(SAMPLE_OTHERS, len(others)))

    plans = {}  # facility id -> {year: (sec, output, unit)}
    for facility in applying + sample:
        unit = facility.product_unit or "tấn"
        (sec_low, sec_high), (out_low, out_high) = PROFILES.get(unit, DEFAULT_PROFILE)
        if facility.group == Facility.Group.TTCN:
            out_low, out_high = out_low / 10, out_high / 10
        sec17 = rng.uniform(sec_low, sec_high)
        out17 = rng.uniform(out_low, out_high)
        start = first_applying.get(facility.pk)
        sec16 = sec17 / (1 - _saving(rng)) if start == 2017 else sec17 * rng.uniform(0.97, 1.04)
        sec18 = sec17 * (1 - _saving(rng)) if start else sec17 * rng.uniform(0.96, 1.05)
        with_2016 = start == 2017 or rng.random() < 0.4
        plan = {2017: (sec17, out17, unit), 2018: (sec18, out17 * rng.uniform(0.95, 1.2), unit)}
        if with_2016:
            plan[2016] = (sec16, out17 * rng.uniform(0.85, 1.05), unit)
        plans[facility.pk] = {y: v for y, v in plan.items() if facility.is_active_in(y)}

    # Records that break the data-quality rules on purpose, all among the sampled others.
    unit_change, zero_output, no_baseline, sec_jump = (f.pk for f in sample[:4])
    sec, out, _unit = plans[unit_change][2018]
    plans[unit_change][2018] = (sec / 1000, out * 1000, "kg")
    plans[zero_output][2018] = (plans[zero_output][2018][0], 0.0, plans[zero_output][2018][2])
    plans[no_baseline] = {2018: plans[no_baseline][2018]}
    sec, out, unit = plans[sec_jump][2018]
    plans[sec_jump][2018] = (plans[sec_jump][2017][0] * 1.7, out, unit)

    by_id = {f.pk: f for f in facilities}
    records, lines = [], []
    for facility_id, plan in plans.items():
        facility = by_id[facility_id]
        first = min(plan)
        for year, (sec, output, unit) in sorted(plan.items()):
            # The first record of a facility is its baseline; most mark 2017 too.
            marked = facility_id != no_baseline and (
                year == first or (year == 2017 and (facility_id in first_applying
                                                    or rng.random() < 0.8)))
            verified = rng.random() < (0.6 if year < 2018 else 0.4)
            record = EnergyRecord(
                facility=facility, year=year, product_unit=unit, is_baseline=marked,
                output=Decimal(repr(output)).quantize(Decimal("1"), rounding=ROUND_HALF_UP),
                source=rng.choice([EnergyRecord.Source.ANNUAL, EnergyRecord.Source.ANNUAL,
                                   EnergyRecord.Source.RAPID, EnergyRecord.Source.DETAILED]),
                verified_by=staff if verified else None,
                verified_at=_verified_at(year, rng) if verified else None)
            records.append(record)
            # Energy from the planned SEC; a zero output still used some energy.
            energy_output = output or plans[facility_id][2017][1]
            lines.append(_lines(rng, facility, sec, energy_output, carriers))
    create_with_history(records, EnergyRecord, user=staff, reason="demo")
    uses = [EnergyUse(record=record, carrier=carrier, quantity=quantity)
            for record, record_lines in zip(records, lines, strict=True)
            for carrier, quantity in record_lines]
    create_with_history(uses, EnergyUse, user=staff, reason="demo")

    _load_measures(rng, applying, first_applying, facilities, stages, techniques, staff)
    quality_refresh()


def _load_measures(rng, applying, first_applying, facilities, stages, techniques, staff):
    measures = []
    # Two facilities apply CP without a recorded measure (a data-quality rule shows them).
    without = [f.pk for f in applying if first_applying[f.pk] == 2018][:2]
    for index, facility in enumerate(applying):
        if facility.pk in without:
            continue
        start = first_applying[facility.pk]
        years = [start] + ([2018] if start == 2017 and rng.random() < 0.5 else [])
        if rng.random() < 0.3:  # a second measure the same year
            years.append(years[-1])
        for number, year in enumerate(years):
            technique = techniques[(index + number * 3) % len(techniques)]
            measures.append(_measure(rng, facility, technique, date(
                year, rng.randint(1, 11), rng.randint(1, 28))))
    # Measures proposed to facilities that committed to apply in 2018.
    committed = [f for f in facilities if stages.get((f.pk, 2018)) == Stage.COMMITTED]
    for facility in rng.sample(committed, k=min(10, len(committed))):
        measures.append(_measure(rng, facility, rng.choice(techniques), None))
    create_with_history(measures, CPMeasure, user=staff, reason="demo")


def _measure(rng, facility, technique, implemented_on) -> CPMeasure:
    saving = _money(rng, 10, 300)
    investment = min(max(int(saving * rng.uniform(0.8, 4.0) / 500_000) * 500_000, 20_000_000),
                     800_000_000)
    saved = Decimal(repr(saving / 14_000_000)).quantize(Decimal("0.001"))  # ~14 M VND per TOE
    return CPMeasure(
        facility=facility, technique=technique,
        description=rng.choice(DESCRIPTIONS.get(technique.code, ["Giải pháp SXSH"])),
        investment_vnd=investment, yearly_saving_vnd=saving,
        energy_saved_toe=saved if rng.random() < 0.7 else None,
        status=CPMeasure.Status.IMPLEMENTED if implemented_on else CPMeasure.Status.PROPOSED,
        implemented_on=implemented_on)
