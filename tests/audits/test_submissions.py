"""Data requests and submissions (audits/submissions.py): the moves a submission may make, each
recorded; the figures reach the energy records only at acceptance, verified, through the one
write of records; a verified record of staff is not replaced silently; activation codes are
hashed, work once, expire, and five wrong ones lock the address out."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audits.models import (
    ActivationAttempt,
    EnergyRecord,
    Invitation,
    Submission,
    SubmissionTransition,
)
from audits.submissions import (
    CodeRefused,
    VerifiedRecordExists,
    code_hash,
    invitation_activate,
    invitation_create,
    invitation_open,
    request_create,
    submission_accept,
    submission_fill,
    submission_return,
    submission_submit,
)
from melinh_sxsh.lib.conflicts import StaleEdit
from melinh_sxsh.lib.errors import DomainError
from tests.audits.conftest import make_record

pytestmark = pytest.mark.django_db
State = Submission.State


@pytest.fixture
def request_2018(staff, facility_a, facility_b):
    return request_create(
        user=staff,
        year=2018,
        deadline=timezone.localdate() + timedelta(days=20),
        title="Số liệu năng lượng năm 2018",
        facilities=[facility_a, facility_b],
    )


def figures(elec, output="120", kwh="90000") -> dict:
    return {"output": Decimal(output), "product_unit": "tấn", "lines": {elec.pk: kwh}}


def test_a_request_asks_each_facility_once_and_only_staff_make_one(
    cast, request_2018, facility_a, facility_b
):
    submissions = request_2018.submissions.all()
    assert {s.facility_id for s in submissions} == {facility_a.pk, facility_b.pk}
    assert {s.state for s in submissions} == {State.REQUESTED}
    for role in ("official_a", "unit", "leader", "admin"):
        with pytest.raises(PermissionDenied):
            request_create(
                user=cast[role], year=2018, deadline=timezone.localdate(), title="x",
                facilities=[facility_a],
            )
    with pytest.raises(DomainError, match="quá khứ"):
        request_create(
            user=cast["staff"], year=2018, deadline=timezone.localdate() - timedelta(days=1),
            title="x", facilities=[facility_a],
        )


def test_the_whole_round_is_recorded_and_the_record_is_written_only_at_acceptance(
    staff, request_2018, facility_a, elec
):
    submission = request_2018.submissions.get(facility=facility_a)
    submission = submission_fill(
        user=staff, submission_id=submission.pk, data=figures(elec, output="100"),
        expected_version=submission.version,
    )
    assert submission.state == State.DRAFT
    submission = submission_submit(
        user=staff, submission_id=submission.pk, expected_version=submission.version
    )
    # Submitted: it cannot be changed until it is returned.
    with pytest.raises(DomainError, match="Đã gửi"):
        submission_fill(
            user=staff, submission_id=submission.pk, data=figures(elec),
            expected_version=submission.version,
        )
    with pytest.raises(DomainError):
        submission_return(user=staff, submission_id=submission.pk, reason="   ")
    submission = submission_return(
        user=staff, submission_id=submission.pk, reason="Sản lượng ghi nhầm đơn vị"
    )
    assert submission.return_reason == "Sản lượng ghi nhầm đơn vị"
    submission = submission_fill(
        user=staff, submission_id=submission.pk, data=figures(elec, output="120"),
        expected_version=submission.version,
    )
    assert submission.state == State.RETURNED  # until it is sent again
    submission = submission_submit(
        user=staff, submission_id=submission.pk, expected_version=submission.version
    )
    assert not EnergyRecord.objects.filter(facility=facility_a).exists()

    submission = submission_accept(user=staff, submission_id=submission.pk)

    record = EnergyRecord.objects.get(facility=facility_a, year=2018)
    assert submission.record == record
    assert (record.output, record.product_unit, record.source) == (
        Decimal("120"), "tấn", EnergyRecord.Source.ANNUAL
    )
    assert {u.carrier_id: u.quantity for u in record.uses.all()} == {elec.pk: Decimal("90000")}
    assert record.verified_by == staff and record.is_verified
    moves = list(SubmissionTransition.objects.filter(submission=submission))
    assert [(m.from_state, m.to_state) for m in moves] == [
        (State.REQUESTED, State.DRAFT),
        (State.DRAFT, State.SUBMITTED),
        (State.SUBMITTED, State.RETURNED),
        (State.RETURNED, State.SUBMITTED),
        (State.SUBMITTED, State.ACCEPTED),
    ]
    assert {m.moved_by for m in moves} == {staff}
    assert moves[2].reason == "Sản lượng ghi nhầm đơn vị"
    # A second reviewer's accept or return after the first: a message, nothing changed.
    with pytest.raises(DomainError, match="Đã chấp nhận"):
        submission_accept(user=staff, submission_id=submission.pk)
    with pytest.raises(DomainError, match="Đã chấp nhận"):
        submission_return(user=staff, submission_id=submission.pk, reason="muộn")
    assert SubmissionTransition.objects.filter(submission=submission).count() == 5


def test_nothing_incomplete_is_submitted_and_a_stale_save_is_refused(
    staff, request_2018, facility_a, elec
):
    submission = request_2018.submissions.get(facility=facility_a)
    submission = submission_fill(
        user=staff, submission_id=submission.pk, data={"product_unit": "tấn"},
        expected_version=submission.version,
    )
    with pytest.raises(DomainError, match="ít nhất một loại năng lượng"):
        submission_submit(
            user=staff, submission_id=submission.pk, expected_version=submission.version
        )
    with pytest.raises(StaleEdit):
        submission_fill(
            user=staff, submission_id=submission.pk, data=figures(elec),
            expected_version=submission.version - 1,
        )
    assert Submission.objects.get(pk=submission.pk).state == State.DRAFT


def test_only_staff_fill_in_and_review(cast, request_2018, facility_a, elec):
    submission = request_2018.submissions.get(facility=facility_a)
    for role in ("official_a", "unit", "leader", "admin"):
        with pytest.raises(PermissionDenied):
            submission_fill(
                user=cast[role], submission_id=submission.pk, data=figures(elec),
                expected_version=submission.version,
            )
        with pytest.raises(PermissionDenied):
            submission_accept(user=cast[role], submission_id=submission.pk)


@pytest.fixture
def submitted(staff, request_2018, facility_a, elec):
    submission = request_2018.submissions.get(facility=facility_a)
    submission = submission_fill(
        user=staff, submission_id=submission.pk, data=figures(elec),
        expected_version=submission.version,
    )
    return submission_submit(
        user=staff, submission_id=submission.pk, expected_version=submission.version
    )


def test_a_verified_record_with_other_figures_is_replaced_only_by_choice(
    staff, submitted, facility_a
):
    record = make_record(facility_a, 2018, "80", {"ELEC": "70000"})
    record.verified_by, record.verified_at = staff, timezone.now()
    record.save()
    with pytest.raises(VerifiedRecordExists):
        submission_accept(user=staff, submission_id=submitted.pk)
    assert Submission.objects.get(pk=submitted.pk).state == State.SUBMITTED
    record.refresh_from_db()
    assert record.output == Decimal("80")

    kept = submission_accept(user=staff, submission_id=submitted.pk, replace_verified=False)
    assert kept.state == State.ACCEPTED and kept.record == record
    record.refresh_from_db()
    assert record.output == Decimal("80") and record.is_verified


def test_replacing_a_verified_record_writes_the_submitted_figures(staff, submitted, facility_a):
    record = make_record(facility_a, 2018, "80", {"ELEC": "70000"})
    record.verified_by, record.verified_at = staff, timezone.now()
    record.save()
    submission_accept(user=staff, submission_id=submitted.pk, replace_verified=True)
    record.refresh_from_db()
    assert record.output == Decimal("120") and record.is_verified
    assert record.source == EnergyRecord.Source.ANNUAL


# ---- invitations -----------------------------------------------------------------------------

ACCOUNT = {"username": "dn1", "password": "Hưng-Thịnh@2018", "full_name": "Nguyễn Văn An",
           "email": "an@hungthinh.vn"}


def test_a_code_is_stored_hashed_and_works_once(staff, facility_a):
    invitation, code = invitation_create(user=staff, facility=facility_a)
    stored = Invitation.objects.get(pk=invitation.pk)
    assert code.replace("-", "") not in stored.code_hash
    # One character changed (never to itself: X is in the codes' alphabet too).
    other = code[:-1] + ("Y" if code.endswith("X") else "X")
    assert stored.code_hash == code_hash(code) != code_hash(other)
    # Typed from paper: lower case, without its dashes.
    typed = code.lower().replace("-", " ")
    assert invitation_open(code=typed, client_ip="10.0.0.1").pk == invitation.pk
    assert Invitation.objects.get(pk=invitation.pk).used_at is None  # opening uses nothing
    user = invitation_activate(code=typed, client_ip="10.0.0.1", **ACCOUNT)
    assert list(user.represented_facilities.all()) == [facility_a]
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None
    with pytest.raises(CodeRefused, match="đã được sử dụng"):
        invitation_activate(code=code, client_ip="10.0.0.1", **{**ACCOUNT, "username": "dn2"})


def test_a_refused_password_or_username_leaves_the_code_unused(staff, facility_a, outsider):
    invitation, code = invitation_create(user=staff, facility=facility_a)
    for account in ({**ACCOUNT, "password": "123"},
                    {**ACCOUNT, "username": outsider.username.upper()}):
        with pytest.raises(DomainError) as refused:
            invitation_activate(code=code, client_ip="10.0.0.1", **account)
        assert not isinstance(refused.value, CodeRefused)
    assert Invitation.objects.get(pk=invitation.pk).used_at is None
    assert invitation_activate(code=code, client_ip="10.0.0.1", **ACCOUNT).username == "dn1"


def test_a_code_expires(staff, facility_a):
    invitation, code = invitation_create(user=staff, facility=facility_a, days=30)
    assert invitation.expires_at - timezone.now() > timedelta(days=29, hours=23)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(CodeRefused, match="hết hạn"):
        invitation_activate(code=code, client_ip="10.0.0.1", **ACCOUNT)
    assert Invitation.objects.get(pk=invitation.pk).used_at is None


def test_five_wrong_codes_lock_the_address_out(staff, facility_a, settings):
    invitation, code = invitation_create(user=staff, facility=facility_a)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(CodeRefused, match="không đúng"):
            invitation_open(code="AAAA-BBBB-CCCC", client_ip="10.0.0.9")
    # Locked: even the right code is refused from there, and nothing is used up.
    with pytest.raises(CodeRefused, match="Quá nhiều"):
        invitation_activate(code=code, client_ip="10.0.0.9", **ACCOUNT)
    assert Invitation.objects.get(pk=invitation.pk).used_at is None
    # After the cool-off time the address may try again.
    ActivationAttempt.objects.filter(client_ip="10.0.0.9").update(
        last_failure_at=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert invitation_open(code=code, client_ip="10.0.0.9").pk == invitation.pk


def test_only_staff_make_codes(cast, facility_a):
    for role in ("official_a", "unit", "leader", "admin"):
        with pytest.raises(PermissionDenied):
            invitation_create(user=cast[role], facility=facility_a)
