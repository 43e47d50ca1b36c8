"""The demo's data request for 2018, for `load_demo`: twelve facilities asked, their submissions
in every state, and the account `doanhnghiep.demo` for one of them.

Submissions are moved by the same services as the pages'. The figures they carry are the
facilities' own 2018 records, so that accepting one verifies that record and changes no KPI.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from audits.models import EnergyRecord, Submission
from audits.quality import submission_violations
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
RETURN_REASONS = [
    "Sản lượng năm 2018 chênh lệch nhiều so với báo cáo thống kê; đề nghị kiểm tra lại đơn vị.",
    "Thiếu số liệu dầu DO dùng cho xe nâng; đề nghị bổ sung.",
]


def _figures(record: EnergyRecord) -> dict:
    return {
        "output": record.output,
        "product_unit": record.product_unit,
        "lines": {str(use.carrier_id): str(use.quantity) for use in record.uses.all()},
        "measures": "Lắp biến tần cho máy nén khí; thay đèn LED nhà xưởng.",
    }


def load(rng: random.Random) -> None:
    staff = User.objects.filter(username="canbo.kinhte").first()
    records = {
        record.facility_id: record
        for record in EnergyRecord.objects.filter(year=2018).prefetch_related("uses")
    }
    with_record = list(Facility.objects.filter(pk__in=records).order_by("id"))
    asked = rng.sample(with_record, k=min(ASKED, len(with_record)))
    request = request_create(
        user=staff,
        year=2018,
        deadline=timezone.localdate() + timedelta(days=21),
        title="Cung cấp số liệu sản xuất và năng lượng năm 2018",
        facilities=asked,
        asks_employees=False,
    )
    submissions = list(request.submissions.order_by("facility_id"))
    position = 0
    for state, count in STATES:
        for submission in submissions[position : position + count]:
            _move_to(staff, submission, state, _figures(records[submission.facility_id]), rng)
        position += count
    account = User.objects.filter(username=ENTERPRISE_ACCOUNT).first()
    if account is not None:
        # The demo enterprise has a returned form to correct.
        returned = [s for s in request.submissions.all() if s.state == Submission.State.RETURNED]
        returned[0].facility.accounts.add(account)


def _move_to(staff, submission: Submission, state: str, figures: dict, rng) -> None:
    lines = {int(k): Decimal(v) for k, v in figures["lines"].items()}
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
