"""The demo's data request for 2018, for `load_demo`: twelve facilities asked, their submissions
in every state, and the account `doanhnghiep.demo` for one of them. It asks the baseline year of
a facility without one: a thirteenth facility, whose only record is of 2018, is asked and left
"requested", so that its form shows that section.

Submissions are moved by the same services as the pages'. The figures they carry are the
facilities' own 2018 records, so that accepting one verifies that record and changes no KPI;
the forms still open or waiting for review also report a CP measure or two, which the reviewer
sees and which become measures only if someone accepts them (the two accepted forms report
none, so that the demo's measures, and the KPIs on them, stay those of audits/demo.py).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from audits.models import CPTechnique, EnergyRecord, Submission
from audits.quality import submission_violations
from audits.standing import sector_standings
from audits.submissions import (
    request_create,
    submission_accept,
    submission_fill,
    submission_return,
    submission_submit,
)
from facilities.models import Facility

ENTERPRISE_ACCOUNT = "doanhnghiep.demo"
# How many of the facilities asked end in each state (the rest stay "requested").
STATES = [("accepted", 2), ("submitted", 3), ("returned", 2), ("draft", 2)]
ASKED = 12
EXPLANATION = "Số liệu theo hóa đơn điện và phiếu xuất nhiên liệu của năm; đã kiểm tra lại."
# technique, what was done, investment and yearly saving (VND), TOE saved a year, when.
MEASURES = [
    ("EQUIPMENT", "Lắp biến tần cho động cơ máy nén khí", 120_000_000, 45_000_000,
     Decimal("8.5"), date(2018, 4, 10)),
    ("HOUSEKEEPING", "Khắc phục rò rỉ khí nén; tắt máy và đèn khi không sản xuất", 4_000_000,
     11_000_000, Decimal("2.1"), date(2018, 2, 1)),
    ("EQUIPMENT", "Thay đèn huỳnh quang nhà xưởng bằng đèn LED", 60_000_000, 18_000_000,
     Decimal("3.2"), date(2018, 6, 15)),
    ("PROCESS_CONTROL", "Điều chỉnh nhiệt độ lò sấy theo từng mẻ sản phẩm", 15_000_000,
     22_000_000, Decimal("4.0"), date(2017, 11, 20)),
    ("RECOVERY", "Thu hồi nước ngưng từ lò hơi để cấp lại", 35_000_000, 16_000_000, None,
     date(2018, 9, 5)),
]
RETURN_REASONS = [
    "Sản lượng năm 2018 chênh lệch nhiều so với báo cáo thống kê; đề nghị kiểm tra lại đơn vị.",
    "Thiếu số liệu dầu DO dùng cho xe nâng; đề nghị bổ sung.",
]


def _figures(record: EnergyRecord) -> dict:
    return {
        "output": record.output,
        "product_unit": record.product_unit,
        "lines": {str(use.carrier_id): str(use.quantity) for use in record.uses.all()},
    }


def load(rng: random.Random) -> None:
    staff = User.objects.filter(username="canbo.kinhte").first()
    records = {
        record.facility_id: record
        for record in EnergyRecord.objects.filter(year=2018).prefetch_related("uses")
    }
    with_record = list(Facility.objects.filter(pk__in=records).order_by("id"))
    asked = rng.sample(with_record, k=min(ASKED, len(with_record)))
    plan = _states(asked)
    showcase = _showcase(with_record)
    if showcase is not None:
        asked = _returned_showcase(asked, plan, showcase)
    request = request_create(
        user=staff,
        year=2018,
        deadline=timezone.localdate() + timedelta(days=21),
        title="Cung cấp số liệu sản xuất và năng lượng năm 2018",
        facilities=asked + _without_baseline(asked),
        asks_baseline=True,
        asks_employees=False,
    )
    submissions = {s.facility_id: s for s in request.submissions.order_by("facility_id")}
    for state, _count in STATES:
        for pk, submission in submissions.items():
            if plan.get(pk) == state:
                _move_to(staff, submission, state, _figures(records[pk]), rng)
    account = User.objects.filter(username=ENTERPRISE_ACCOUNT).first()
    if account is not None:
        # The demo enterprise has a returned form to correct; its page shows every part.
        mine = showcase or next(
            s.facility for s in request.submissions.all() if s.state == Submission.State.RETURNED)
        mine.accounts.add(account)


def _without_baseline(asked: list[Facility]) -> list[Facility]:
    """A facility with a 2018 record and none before (audits/demo.py leaves one so), asked too
    and left "requested": its form shows the baseline section. Those sampled keep their states,
    which their earlier records let them reach."""
    return list(Facility.objects.filter(energy_records__year=2018)
                .exclude(energy_records__year__lt=2018).exclude(pk__in=[f.pk for f in asked])
                .order_by("id")[:1])


def _states(asked: list[Facility]) -> dict[int, str]:
    """The state each facility's submission ends in, by its place in facility-id order."""
    ordered = sorted(facility.pk for facility in asked)
    plan, position = {}, 0
    for state, count in STATES:
        for pk in ordered[position : position + count]:
            plan[pk] = state
        position += count
    return plan


def _showcase(candidates: list[Facility]) -> Facility | None:
    """The facility whose enterprise page shows every part (audits/standing.py): a quartile in
    its sector, CP measures and campaigns attended, the most of both."""
    standings = sector_standings(candidates)
    chosen = Facility.objects.filter(pk__in=standings).annotate(
        n_measures=Count("cp_measures", distinct=True),
        n_campaigns=Count("attendances", distinct=True),
    ).filter(n_measures__gt=0, n_campaigns__gt=0).order_by("-n_measures", "-n_campaigns", "pk")
    return chosen.first()


def _returned_showcase(asked: list[Facility], plan: dict[int, str],
                       showcase: Facility) -> list[Facility]:
    """Ask the showcase and give it a returned form in place of the last returned facility,
    which stays only asked; no other facility's state changes, so no other record is verified
    than without it. The facility it replaces among those asked is one left "requested"."""
    returned = [pk for pk, state in plan.items() if state == "returned"]
    if plan.get(showcase.pk) == "returned" or not returned:
        return asked
    if showcase not in asked:
        dropped = max((f.pk for f in asked if f.pk not in plan), default=None)
        asked = [f for f in asked if f.pk != dropped] + [showcase]
    plan[returned[-1]], plan[showcase.pk] = plan.get(showcase.pk, "requested"), "returned"
    return asked


def _measure_lines(rng: random.Random) -> list[dict]:
    techniques = {t.code: t for t in CPTechnique.objects.all()}
    return [{"technique": techniques[code], "description": description,
             "investment_vnd": investment, "yearly_saving_vnd": saving,
             "energy_saved_toe": toe, "implemented_on": implemented_on}
            for code, description, investment, saving, toe, implemented_on
            in rng.sample(MEASURES, k=rng.choice([1, 2]))]


def _move_to(staff, submission: Submission, state: str, figures: dict, rng) -> None:
    lines = {int(k): Decimal(v) for k, v in figures["lines"].items()}
    if state != "accepted":
        figures["measure_lines"] = _measure_lines(rng)
    checks = submission_violations(submission.facility, 2018, figures["output"],
                                   figures["product_unit"], lines)
    figures["explanations"] = {check.rule: EXPLANATION for check in checks}
    submission = submission_fill(
        user=staff, submission_id=submission.pk, data=figures,
        expected_version=submission.version,
    )
    if state == "draft":
        return
    submission = submission_submit(
        user=staff, submission_id=submission.pk, expected_version=submission.version
    )
    if state == "returned":
        submission_return(user=staff, submission_id=submission.pk,
                          reason=rng.choice(RETURN_REASONS))
    elif state == "accepted":
        submission_accept(user=staff, submission_id=submission.pk, replace_verified=False)
