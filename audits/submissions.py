"""Data requests and their submissions: the writes, each one transaction on a locked row.

A submission moves requested → draft → submitted → returned → submitted → accepted, and only
here; every move is kept as a SubmissionTransition with who and why. A facility's figures reach
the energy records only when a reviewer accepts them, through the one write of energy records
(audits/services.record_upsert_many), and its CP measures become measures through the staff's
services.measure_create, in the same transaction as the move: until then the KPIs do not
change. docs/ARCHITECTURE.md, "Data requests", tells the whole story.

Invitations: an activation code is shown once, when it is made, and stored only as a keyed hash
(HMAC-SHA256 with SECRET_KEY: the code is random, so a slow hash adds nothing, and a keyed one
can be looked up). It works once and until it expires; wrong codes count against the address
they came from, with the login lock's limit and cool-off time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_see, check
from accounts.selectors import writing_district_id
from audits.models import (
    ActivationAttempt,
    CPMeasure,
    CPTechnique,
    DataRequest,
    EnergyRecord,
    Invitation,
    Submission,
    SubmissionTransition,
)
from audits.quality import Violation, submission_violations
from audits.services import RecordRow, measure_create, record_upsert_many, record_verify
from audits.submission_baseline import Baseline, clean_baseline, is_wanted
from audits.submission_measures import clean_lines, lines_of
from facilities.models import Facility
from facilities.services import facility_account_create
from melinh_sxsh.lib.conflicts import Snapshot, check_version, describe
from melinh_sxsh.lib.errors import DomainError, RowsRefused
from melinh_sxsh.lib.years import check_year

State = Submission.State
FILL_FIELDS = ["output", "product_unit", "lines", "employees", "measures", "measure_lines",
               "explanations", "baseline"]
# 32 letters and digits that cannot be mistaken for one another when typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 60 bits
INVITATION_DAYS = 30


def submission_describe(submission: Submission) -> Snapshot:
    return describe(submission, ["state", "output", "product_unit", "employees", "measures"])


def _move(submission: Submission, to_state: str, user, reason: str = "") -> None:
    SubmissionTransition.objects.create(
        submission=submission,
        from_state=submission.state,
        to_state=to_state,
        reason=reason,
        moved_by=user,
    )
    submission.state = to_state


def _locked(submission_id: int) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("request", "facility")
        .get(pk=submission_id)
    )


def _refuse_unless(submission: Submission, *states: str) -> None:
    """The move is not one the submission can make from where it stands now (someone else moved
    it first): say where it stands."""
    if submission.state not in states:
        raise DomainError(
            _("This submission is now “%(state)s”; nothing was changed. Reload the page.")
            % {"state": submission.get_state_display()}
        )


@transaction.atomic
def request_create(
    *,
    user,
    year: int,
    deadline: date,
    title: str,
    facilities: Iterable[Facility],
    asks_energy: bool = True,
    asks_baseline: bool = False,
    asks_measures: bool = True,
    asks_employees: bool = False,
    communes_review: bool = False,
) -> DataRequest:
    """A data request for `year`, with one submission (state "requested") per facility."""
    check(user, "request.change")
    check_year(year)
    if deadline < timezone.localdate():
        raise DomainError(_("The deadline cannot be in the past."), field="deadline")
    chosen = {facility.pk: facility for facility in facilities}
    if not chosen:
        raise DomainError(_("Choose at least one facility."), field="facilities")
    if not all(can_see(user, facility) for facility in chosen.values()):
        raise DomainError(_("Choose only facilities of your own district."), field="facilities")
    request = DataRequest.objects.create(
        district_id=writing_district_id(user),
        year=year,
        deadline=deadline,
        title=title,
        asks_energy=asks_energy,
        asks_baseline=asks_baseline,
        asks_measures=asks_measures,
        asks_employees=asks_employees,
        communes_review=communes_review,
        created_by=user,
    )
    Submission.objects.bulk_create(
        [Submission(request=request, facility_id=pk) for pk in sorted(chosen)], batch_size=2000
    )
    return request


@transaction.atomic
def request_set_communes_review(*, user, request_id: int, allowed: bool) -> DataRequest:
    """Let the commune officials accept or return their commune's forms of this request, or
    take that back (accounts/permissions.py, DELEGABLE)."""
    request = DataRequest.objects.select_for_update().get(pk=request_id)
    check(user, "request.change", request)
    request.communes_review = allowed
    request.save(update_fields=["communes_review"])
    return request


@transaction.atomic
def submission_fill(
    *, user, submission_id: int, data: Mapping[str, Any], expected_version: int
) -> Submission:
    """Save what the facility reports, as long as the submission is open (not submitted or
    accepted); the first save makes a requested submission a draft."""
    submission = _locked(submission_id)
    check(user, "submission.fill", submission)
    check_version(submission, expected_version, submission_describe)
    _refuse_unless(submission, State.REQUESTED, State.DRAFT, State.RETURNED)
    for name in FILL_FIELDS:
        if name in data:
            setattr(submission, name, data[name])
    if submission.lines:
        submission.lines = {str(k): str(Decimal(v)) for k, v in submission.lines.items()}
    if "measure_lines" in data:
        submission.measure_lines = clean_lines(data["measure_lines"], submission.request.year)
    if data.get("baseline"):
        if not is_wanted(submission):
            raise DomainError(_("This form does not ask for a baseline year: the request does "
                                "not ask for one, or the facility already has an energy record "
                                "before %(year)s.") % {"year": submission.request.year})
        submission.baseline = clean_baseline(data["baseline"], submission.request.year,
                                             submission.product_unit)
    if submission.state == State.REQUESTED:
        _move(submission, State.DRAFT, user)
    submission.version += 1
    submission.save()
    return submission


def _missing(submission: Submission) -> list[str]:
    """What the request asks for and the submission lacks."""
    missing = []
    if submission.request.asks_energy:
        if submission.output is None or not submission.product_unit.strip():
            missing.append(_("the production output and its unit"))
        if not _lines(submission):
            missing.append(_("at least one energy carrier"))
    if submission.request.asks_employees and submission.employees is None:
        missing.append(_("the number of employees"))
    if not submission.baseline and is_wanted(submission):
        missing.append(_("the figures of the baseline year (the facility has no energy record "
                         "before %(year)s)") % {"year": submission.request.year})
    return missing


def submission_checks(submission: Submission) -> list[Violation]:
    """The data-quality checks the submitted figures would fail (the staff's rules), each to be
    corrected or explained (`explanations[rule]`) before the form is submitted."""
    return submission_violations(
        submission.facility, submission.request.year, submission.output,
        submission.product_unit, _lines(submission), baseline=Baseline.of(submission),
    )


@transaction.atomic
def submission_submit(*, user, submission_id: int, expected_version: int) -> Submission:
    """Send a draft (or a returned submission, corrected) for review; it cannot be changed
    until it is returned."""
    submission = _locked(submission_id)
    check(user, "submission.fill", submission)
    check_version(submission, expected_version, submission_describe)
    _refuse_unless(submission, State.DRAFT, State.RETURNED)
    missing = _missing(submission)
    if missing:
        raise DomainError(_("Fill in %(what)s before submitting.") % {"what": ", ".join(missing)})
    unexplained = [
        check.message
        for check in submission_checks(submission)
        if not str(submission.explanations.get(check.rule, "")).strip()
    ]
    if unexplained:
        raise DomainError(
            _("Correct or explain before submitting: %(checks)s")
            % {"checks": " ".join(unexplained)},
            field="explanations",
        )
    _move(submission, State.SUBMITTED, user)
    submission.version += 1
    submission.save()
    return submission


@transaction.atomic
def submission_return(*, user, submission_id: int, reason: str) -> Submission:
    """Send a submitted form back to the facility, saying what to correct."""
    submission = _locked(submission_id)
    check(user, "submission.review", submission)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say what the facility must correct."), field="reason")
    _refuse_unless(submission, State.SUBMITTED)
    _move(submission, State.RETURNED, user, reason)
    submission.return_reason = reason
    submission.version += 1
    submission.save()
    return submission


class VerifiedRecordExists(DomainError):
    """Accepting would replace a record that staff entered and verified, with other figures:
    the reviewer must choose which to keep."""

    def __init__(self, record: EnergyRecord):
        super().__init__(
            _(
                "Staff already entered and verified an energy record of %(year)s for this "
                "facility, with other figures. Choose whether the submitted figures replace it."
            )
            % {"year": record.year}
        )
        self.record = record


def _lines(submission: Submission) -> dict[int, Decimal]:
    """The lines that carry energy (an empty quantity is none)."""
    return {carrier: q for carrier, q in submission.energy_lines().items() if q > 0}


def _same_figures(record: EnergyRecord, submission: Submission) -> bool:
    have = {use.carrier_id: use.quantity for use in record.uses.all()}
    return (
        record.output == submission.output
        and record.product_unit == submission.product_unit
        and have == _lines(submission)
    )


@transaction.atomic
def submission_accept(
    *, user, submission_id: int, replace_verified: bool | None = None
) -> Submission:
    """Accept a submitted form: its figures become the facility's energy record of the year,
    marked verified and from an annual report, in this transaction. A record of that year that
    staff verified with other figures is replaced only when `replace_verified` is True; with
    False it is kept (and the submission accepted beside it); with None, VerifiedRecordExists.
    The CP measures it reports become the facility's implemented measures in the same
    transaction (audits/submission_measures.py); one refused refuses the whole acceptance. The
    baseline year it reports (audits/submission_baseline.py) becomes a verified record marked
    baseline, written in the same call as the year's, unless the facility has an earlier record
    by now (then `baseline_record` stays empty)."""
    submission = _locked(submission_id)
    check(user, "submission.review", submission)
    _refuse_unless(submission, State.SUBMITTED)
    request = submission.request
    existing = (
        EnergyRecord.objects.filter(facility=submission.facility, year=request.year)
        .prefetch_related("uses")
        .first()
    )
    keep = (
        existing is not None
        and existing.is_verified
        and not _same_figures(existing, submission)
        and not replace_verified
    )
    if keep and replace_verified is None:
        raise VerifiedRecordExists(existing)
    rows = []
    if request.asks_energy and not keep:
        rows.append(RecordRow(
            facility=submission.facility,
            values={
                "year": request.year,
                "output": submission.output,
                "product_unit": submission.product_unit,
                "source": EnergyRecord.Source.ANNUAL,
            },
            lines=_lines(submission),
        ))
    baseline = _baseline_to_write(submission)
    if baseline is not None:
        rows.append(RecordRow(
            facility=submission.facility,
            values={"year": baseline.year, "output": baseline.output,
                    "product_unit": baseline.product_unit,
                    "source": EnergyRecord.Source.ANNUAL, "is_baseline": True},
            lines=baseline.lines,
        ))
    written = _write_records(user, submission, rows, baseline)
    if request.asks_energy and not keep:
        submission.record = written[request.year]
    elif existing is not None:
        submission.record = existing
    if baseline is not None:
        submission.baseline_record = written[baseline.year]
    if request.asks_measures:
        measures_accept(user=user, submission=submission)
    _move(submission, State.ACCEPTED, user)
    submission.version += 1
    submission.save()
    return submission


def _baseline_to_write(submission: Submission) -> Baseline | None:
    """The submitted baseline, if the request asks for one and the facility still has no
    record before the year: a record staff entered meanwhile is its baseline, and stays."""
    baseline = Baseline.of(submission)
    if baseline is None or not submission.request.asks_baseline:
        return None
    if EnergyRecord.objects.filter(facility=submission.facility,
                                   year__lt=submission.request.year).exists():
        return None
    return baseline


def _write_records(user, submission: Submission, rows: list[RecordRow],
                   baseline: Baseline | None) -> dict[int, EnergyRecord]:
    """The year's record and the baseline's, in one call of the one write of records, each then
    verified: year -> record. A refused row refuses both (the caller's transaction)."""
    if not rows:
        return {}
    try:
        written = record_upsert_many(user=user, rows=rows, reason="data request",
                                     authorized_by=submission)
    except RowsRefused as exc:
        if baseline is None or exc.problems[0].row != len(rows) - 1:
            raise
        raise DomainError(
            _("The baseline year's figures (%(year)s) cannot be recorded, so the form was not "
              "accepted: %(problem)s") % {"year": baseline.year, "problem": exc.message}
        ) from exc
    return {record.year: record_verify(user=user, record_id=record.pk, authorized_by=submission)
            for _change, record in written}


def measures_accept(*, user, submission: Submission) -> list[CPMeasure]:
    """Write the submission's measures as the facility's implemented CPMeasures, one by one
    through the staff's service (its permission, the year lock, the model's rules). Call it in
    the acceptance's transaction: a refused measure raises DomainError naming it, and the
    caller's transaction writes nothing."""
    lines = lines_of(submission)
    techniques = CPTechnique.objects.in_bulk({line.technique_id for line in lines})
    written = []
    for number, line in enumerate(lines, 1):
        data = {"technique": techniques.get(line.technique_id), "description": line.description,
                "investment_vnd": line.investment_vnd,
                "yearly_saving_vnd": line.yearly_saving_vnd,
                "energy_saved_toe": line.energy_saved_toe,
                "status": CPMeasure.Status.IMPLEMENTED, "implemented_on": line.implemented_on}
        try:
            written.append(measure_create(user=user, facility=submission.facility, data=data,
                                          authorized_by=submission))
        except DomainError as exc:
            raise DomainError(
                _("CP measure %(number)s of the form cannot be recorded, so the form was not "
                  "accepted: %(problem)s") % {"number": number, "problem": exc.message}
            ) from exc
    return written


# ---- invitations -----------------------------------------------------------------------------


def code_hash(code: str) -> str:
    """The keyed hash of a code as typed: letters in any case, dashes and spaces ignored."""
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return hmac.new(
        settings.SECRET_KEY.encode(), f"activation:{normalized}".encode(), hashlib.sha256
    ).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@transaction.atomic
def invitation_create(
    *, user, facility: Facility, request: DataRequest | None = None, days: int = INVITATION_DAYS
) -> tuple[Invitation, str]:
    """A new activation code for the facility; the code is returned once, never stored."""
    check(user, "request.change", facility)
    code = new_code()
    invitation = Invitation.objects.create(
        facility=facility,
        request=request,
        code_hash=code_hash(code),
        expires_at=timezone.now() + timedelta(days=days),
        created_by=user,
    )
    return invitation, code


@transaction.atomic
def invitations_issue(*, user, request: DataRequest,
                      facilities: Iterable[Facility]) -> list[tuple[Invitation, str]]:
    """New codes for the letters of a request, one per facility: a facility's earlier unused
    codes stop working, so that only the newest letter opens its account. The codes are
    returned once, to be printed (and e-mailed), never stored."""
    check(user, "request.change", request)
    chosen = list(facilities)
    now = timezone.now()
    Invitation.objects.filter(
        facility__in=chosen, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    issued = []
    for facility in chosen:
        code = new_code()
        issued.append((Invitation(facility=facility, request=request, code_hash=code_hash(code),
                                  expires_at=now + timedelta(days=INVITATION_DAYS),
                                  created_by=user), code))
    Invitation.objects.bulk_create([invitation for invitation, _code in issued])
    return issued


class CodeRefused(DomainError):
    """A code that is wrong, used or expired, or an address locked for too many wrong codes."""


def _locked_out(client_ip: str) -> bool:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return ActivationAttempt.objects.filter(
        client_ip=client_ip, failures__gte=settings.AXES_FAILURE_LIMIT, last_failure_at__gte=since
    ).exists()


def _count_failure(client_ip: str) -> None:
    now = timezone.now()
    since = now - settings.AXES_COOLOFF_TIME
    # A failure after the cool-off starts the count again.
    ActivationAttempt.objects.filter(client_ip=client_ip, last_failure_at__lt=since).delete()
    attempt, created = ActivationAttempt.objects.get_or_create(
        client_ip=client_ip, defaults={"failures": 1, "last_failure_at": now}
    )
    if not created:
        ActivationAttempt.objects.filter(pk=attempt.pk).update(
            failures=F("failures") + 1, last_failure_at=now
        )


def _open(code: str, client_ip: str, *, lock: bool = False) -> Invitation:
    """The invitation a code opens, still unused and unexpired; otherwise CodeRefused. A wrong
    code is counted against the address unless `lock` (then the caller's transaction would
    undo the count with the refusal; it checked once without the lock first)."""
    if _locked_out(client_ip):
        raise CodeRefused(
            _("Too many wrong codes were typed from this address. Try again in %(minutes)s "
              "minutes.")
            % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
        )
    invitations = Invitation.objects.select_related("facility", "request")
    if lock:
        # Only the invitation's row: PostgreSQL cannot lock the nullable side of a join.
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(code_hash=code_hash(code)).first()
    if invitation is None:
        if not lock:
            _count_failure(client_ip)
        raise CodeRefused(_("This activation code is not right. Check it against the letter."))
    if invitation.used_at is not None:
        raise CodeRefused(_("This activation code has already been used."))
    if invitation.expires_at <= timezone.now():
        raise CodeRefused(
            _("This activation code expired on %(date)s. Ask the Economic Department for a new "
              "one.") % {"date": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y")}
        )
    return invitation


def invitation_open(*, code: str, client_ip: str) -> Invitation:
    """The first step of an activation: the invitation a code opens, not yet used (the person
    then chooses a username and a password). A wrong code counts against the address."""
    return _open(code, client_ip)


def invitation_activate(*, code: str, client_ip: str, username: str, password: str,
                        full_name: str = "", email: str = ""):
    """Use a code, once: an account of the facility's representative with the chosen username
    and password (the same validators as every password), and the code marked used, in one
    transaction. A refused code or a refused password leaves the code as it was."""
    _open(code, client_ip)
    with transaction.atomic():
        invitation = _open(code, client_ip, lock=True)  # two tabs at once: one wins
        user = facility_account_create(
            facility=invitation.facility, username=username.strip(), password=password,
            full_name=full_name.strip(), email=email.strip(),
        )
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    return user
