"""The baseline year a data request asks of a facility that has none
(audits/submission_baseline.py): the form shows the section only when asked and when the
facility has no earlier record; the form and the service refuse the same bad baselines, naming
the field; accepting writes the year's record and the baseline's, marked baseline and verified,
in one write that a locked year refuses whole; the checks, the review page and the enterprise's
own page then read it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audits.models import DataRequest, EnergyCarrier, EnergyRecord, QualityFlag, Submission
from audits.quality import MISSING_CARRIER
from audits.submission_baseline import default_year, default_year_sources
from audits.submissions import (
    request_create,
    submission_accept,
    submission_checks,
    submission_fill,
    submission_submit,
)
from facilities.locking import year_lock
from melinh_sxsh.lib.errors import DomainError
from tests.audits.conftest import make_record
from tests.factories import district_create

pytestmark = pytest.mark.django_db
State = Submission.State
Rule = QualityFlag.Rule

# 2018: 120 tấn for 90.000 kWh; the baseline 2017: 100 tấn for 100.000 kWh. SEC falls from
# 1.000 to 750 kWh a tấn (times the same factor): a saving of exactly 25 %.
YEAR = {"output": Decimal("120"), "product_unit": "tấn"}
BASELINE = {"year": 2017, "output": Decimal("100"), "product_unit": "tấn"}


def ask(staff, facility, *, baseline: bool = True) -> Submission:
    request = request_create(user=staff, year=2018, title="Số liệu năm 2018",
                             deadline=timezone.localdate() + timedelta(days=30),
                             facilities=[facility], asks_baseline=baseline, asks_measures=False)
    return request.submissions.get()


@pytest.fixture
def submission(staff, own) -> Submission:
    return ask(staff, own)


def post(elec, version: int, /, baseline: dict | None = None, **extra) -> dict:
    """What the page sends: the year's figures, and the baseline section filled with
    `baseline` (2017, 100 tấn, 100.000 kWh unless it says otherwise)."""
    data = {
        "output": "120", "product_unit": "tấn", "version": str(version),
        "uses-TOTAL_FORMS": "1", "uses-INITIAL_FORMS": "0", "uses-MIN_NUM_FORMS": "0",
        "uses-MAX_NUM_FORMS": "30", "uses-0-carrier": str(elec.pk), "uses-0-quantity": "90.000",
        "baseline-uses-TOTAL_FORMS": "1", "baseline-uses-INITIAL_FORMS": "0",
        "baseline-uses-MIN_NUM_FORMS": "0", "baseline-uses-MAX_NUM_FORMS": "30",
    }
    data.update({"baseline-year": "2017", "baseline-output": "100",
                 "baseline-product_unit": "tấn", "baseline-uses-0-carrier": str(elec.pk),
                 "baseline-uses-0-quantity": "100.000", **(baseline or {})})
    return {**data, **extra}


def fill(user, submission, elec, *, baseline=None, **year) -> Submission:
    data = {**YEAR, "lines": {elec.pk: "90000"}, **year}
    if baseline is not False:
        data["baseline"] = {**BASELINE, "lines": {elec.pk: Decimal("100000")}, **(baseline or {})}
    return submission_fill(user=user, submission_id=submission.pk, data=data,
                           expected_version=submission.version)


def sent(enterprise, submission, elec, **baseline) -> Submission:
    submission = fill(enterprise, submission, elec, baseline=baseline)
    return submission_submit(user=enterprise, submission_id=submission.pk,
                             expected_version=submission.version)


def shown(response) -> list[str]:
    return re.findall(r"(?:alert|invalid-feedback)[^>]*>(.*?)</", response.content.decode(), re.S)


# ---- when the section appears ----------------------------------------------------------------


def test_the_section_appears_only_when_asked_and_the_facility_has_no_earlier_record(
    login, staff, enterprise, own, facility_b
):
    client = login(enterprise)
    asked = ask(staff, own)
    page = client.get(reverse("audits:submission_fill", args=[asked.pk])).content.decode()
    assert 'name="baseline-year"' in page and "Năm cơ sở" in page
    assert 'name="baseline-year" value="2017"' in page  # y − 1, with no plan to say otherwise
    assert 'name="baseline-uses-0-carrier"' in page

    not_asked = ask(staff, own, baseline=False)
    page = client.get(reverse("audits:submission_fill", args=[not_asked.pk])).content.decode()
    assert 'name="baseline-year"' not in page

    facility_b.accounts.add(enterprise)
    make_record(facility_b, 2015, "80", {"ELEC": "70000"})  # any earlier year is a baseline
    has_one = ask(staff, facility_b)
    page = client.get(reverse("audits:submission_fill", args=[has_one.pk])).content.decode()
    assert 'name="baseline-year"' not in page
    # A record of the same year is not an earlier one.
    EnergyRecord.objects.filter(facility=facility_b).update(year=2018)
    page = client.get(reverse("audits:submission_fill", args=[has_one.pk])).content.decode()
    assert 'name="baseline-year"' in page


def test_a_registered_source_proposes_the_plans_baseline_year():
    """A higher app that knows the plan (reports) plugs in; a year not before y is ignored."""
    default_year_sources.insert(0, lambda year: {2018: 2015, 2019: 2019}.get(year))
    try:
        assert (default_year(2018), default_year(2019), default_year(2020)) == (2015, 2018, 2019)
    finally:
        default_year_sources.pop(0)


def test_the_form_proposes_the_baseline_year_of_the_plan_of_its_year():
    from reports.models import Plan

    Plan.objects.filter(year__in=[2018, 2019]).delete()
    assert default_year(2019) == 2018  # no plan: the year before
    district_create(Plan, code="12/KH-UBND", title="Kế hoạch năm 2019", year=2019,
                    baseline_year=2016, signed_on=date(2019, 3, 1))
    assert default_year(2019) == 2016


# ---- the form and the service refuse the same things ----------------------------------------


def test_the_form_saves_the_baseline_typed_the_vietnamese_way(login, enterprise, submission,
                                                              elec):
    client = login(enterprise)
    url = reverse("audits:submission_fill", args=[submission.pk])
    response = client.post(url, post(elec, submission.version, {"baseline-output": "1.000,5"},
                                     save=""))
    assert response.status_code == 302, shown(response)
    submission.refresh_from_db()
    assert submission.baseline == {"year": 2017, "output": "1000.5", "product_unit": "tấn",
                                   "lines": {str(elec.pk): "100000"}}
    page = client.get(url).content.decode()
    assert 'value="1.000,5"' in page and 'value="100.000"' in page
    assert not EnergyRecord.objects.exists()  # nothing is a record before acceptance


def test_a_draft_may_leave_the_section_empty_but_cannot_be_sent_without_it(
    login, enterprise, submission, elec
):
    client = login(enterprise)
    url = reverse("audits:submission_fill", args=[submission.pk])
    empty = {"baseline-output": "", "baseline-product_unit": "", "baseline-uses-0-carrier": "",
             "baseline-uses-0-quantity": ""}
    response = client.post(url, post(elec, submission.version, empty, submit=""), follow=True)
    submission.refresh_from_db()
    assert submission.state == State.DRAFT and submission.baseline == {}
    page = response.content.decode()
    assert "số liệu của năm cơ sở" in page  # why it was not sent
    with pytest.raises(DomainError, match="số liệu của năm cơ sở"):
        submission_submit(user=enterprise, submission_id=submission.pk,
                          expected_version=submission.version)


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ({"baseline-year": "2018"}, "Năm cơ sở, Năm: phải từ 2000 đến 2017"),
        ({"baseline-year": ""}, "Năm cơ sở, Năm"),
        ({"baseline-product_unit": "kg"}, "Năm cơ sở, Đơn vị sản phẩm: phải là đơn vị của năm "
                                          "2018 (tấn)"),
        ({"baseline-output": "0"}, "Năm cơ sở, Sản lượng: phải lớn hơn 0"),
        ({"baseline-output": "-5"}, "Sản lượng của năm cơ sở"),
        ({"baseline-uses-0-quantity": "-1"}, "Lượng sử dụng: không được là số âm"),
        ({"baseline-uses-0-carrier": "", "baseline-uses-0-quantity": ""},
         "Năm cơ sở, Năng lượng sử dụng"),
    ],
)
def test_the_form_refuses_a_bad_baseline_naming_the_field_and_saves_nothing(
    login, enterprise, submission, elec, bad, said
):
    client = login(enterprise)
    url = reverse("audits:submission_fill", args=[submission.pk])
    response = client.post(url, post(elec, submission.version, bad, submit=""))
    assert response.status_code == 200
    assert any(said in message for message in shown(response)), shown(response)
    submission.refresh_from_db()
    assert submission.state == State.REQUESTED and submission.baseline == {}
    assert submission.lines == {}  # nor the year's figures of the same post


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ({"year": 2018}, "Năm cơ sở, Năm: phải từ 2000 đến 2017"),
        ({"year": 1999}, "Năm cơ sở, Năm"),
        ({"year": "2o17"}, "Năm cơ sở, Năm"),
        ({"product_unit": "kg"}, "Năm cơ sở, Đơn vị sản phẩm: phải là đơn vị của năm 2018"),
        ({"output": Decimal("-5")}, "Năm cơ sở, Sản lượng: phải lớn hơn 0"),
        ({"output": None}, "Năm cơ sở, Sản lượng"),
        ({"lines": {}}, "Năm cơ sở, Năng lượng sử dụng"),
        ({"lines": {"1": "-3"}}, "Năm cơ sở, Năng lượng sử dụng: lượng năng lượng không được âm"),
        ({"lines": {"999999": "3"}}, "Năm cơ sở, Năng lượng sử dụng"),
    ],
)
def test_the_service_refuses_the_same_naming_the_field(enterprise, submission, elec, bad,
                                                       said):
    """A program (the demo, a script) reaches the service without the form: the same rules."""
    if "lines" in bad and "1" in bad["lines"]:
        bad = {"lines": {elec.pk: "-3"}}
    with pytest.raises(DomainError, match=said):
        fill(enterprise, submission, elec, baseline=bad)
    submission.refresh_from_db()
    assert submission.baseline == {} and submission.version == 1


def test_the_service_refuses_a_baseline_the_form_does_not_ask(staff, enterprise, own, elec):
    not_asked = ask(staff, own, baseline=False)
    with pytest.raises(DomainError, match="không yêu cầu năm cơ sở"):
        fill(enterprise, not_asked, elec)
    make_record(own, 2016, "80", {"ELEC": "70000"})
    has_one = ask(staff, own)
    with pytest.raises(DomainError, match="không yêu cầu năm cơ sở"):
        fill(enterprise, has_one, elec)
    # Without a baseline both are filled as before.
    assert fill(enterprise, has_one, elec, baseline=False).state == State.DRAFT


# ---- the checks before sending ---------------------------------------------------------------


def test_the_checks_read_the_submitted_baseline_as_the_earlier_record(enterprise, submission,
                                                                      elec):
    # The baseline 2017 used 200.000 kWh for 100 tấn: SEC falls by 62,5 % in 2018.
    submission = fill(enterprise, submission, elec, baseline={"lines": {elec.pk: "200000"}})
    assert [check.rule for check in submission_checks(submission)] == [Rule.SEC_JUMP]
    # The year's unit changed afterwards (by the Excel template: no baseline in what it fills).
    submission = fill(enterprise, submission, elec, baseline=False, product_unit="kg")
    assert Rule.UNIT_CHANGED in [check.rule for check in submission_checks(submission)]
    # A carrier of the baseline year y − 1 left out of the year's lines.
    lpg = EnergyCarrier.objects.get(code="LPG")
    submission = fill(enterprise, submission, elec,
                      baseline={"lines": {elec.pk: "100000", lpg.pk: "5"}})
    missing = [c for c in submission_checks(submission) if c.rule == MISSING_CARRIER]
    assert missing and str(lpg) in missing[0].message
    # An earlier baseline year is no "year before": no jump, no missing carrier.
    submission = fill(enterprise, submission, elec,
                      baseline={"year": 2015, "lines": {elec.pk: "200000", lpg.pk: "5"}})
    assert submission_checks(submission) == []


def test_a_stored_earlier_record_wins_over_the_submitted_baseline_in_the_checks(
    enterprise, own, submission, elec
):
    submission = fill(enterprise, submission, elec, baseline={"lines": {elec.pk: "200000"}})
    make_record(own, 2017, "120", {"ELEC": "90000"})  # staff entered 2017 meanwhile
    assert submission_checks(submission) == []


# ---- acceptance ------------------------------------------------------------------------------


def test_acceptance_writes_the_year_and_the_baseline_verified_and_marked(
    staff, enterprise, own, submission, elec
):
    submission = sent(enterprise, submission, elec)
    accepted = submission_accept(user=staff, submission_id=submission.pk)
    year, base = accepted.record, accepted.baseline_record
    assert (year.year, year.output, year.is_baseline) == (2018, Decimal("120"), False)
    assert (base.year, base.output, base.product_unit, base.is_baseline) == (
        2017, Decimal("100"), "tấn", True)
    for record in (year, base):
        record.refresh_from_db()
        assert record.is_verified and record.verified_by == staff
        assert record.source == EnergyRecord.Source.ANNUAL
        # Written by the one write of records: in the change history, by the reviewer.
        assert record.history.earliest().history_user == staff
        assert record.history.earliest().history_change_reason == "data request"
    assert {u.carrier_id: u.quantity for u in base.uses.all()} == {elec.pk: Decimal("100000")}


def test_a_locked_baseline_year_refuses_the_whole_acceptance(staff, enterprise, own,
                                                             submission, elec):
    submission = sent(enterprise, submission, elec)
    year_lock(user=staff, year=2017)
    with pytest.raises(DomainError, match="năm cơ sở \\(2017\\)") as refused:
        submission_accept(user=staff, submission_id=submission.pk)
    assert "2017" in refused.value.message and "khóa" in refused.value.message
    submission.refresh_from_db()
    assert submission.state == State.SUBMITTED
    assert submission.record is None and submission.baseline_record is None
    assert not EnergyRecord.objects.filter(facility=own).exists()  # not even 2018's


def test_an_earlier_record_entered_meanwhile_is_kept_and_the_reviewer_told(
    login, staff, enterprise, own, submission, elec
):
    submission = sent(enterprise, submission, elec)
    theirs = make_record(own, 2016, "110", {"ELEC": "99000"}, baseline=True)
    url = reverse("audits:submission_review", args=[submission.pk])
    response = login(staff).post(url, {"accept": ""}, follow=True)
    page = response.content.decode()
    assert "năm cơ sở trong biểu mẫu không được ghi" in page
    submission.refresh_from_db()
    assert submission.state == State.ACCEPTED and submission.baseline_record is None
    assert sorted(own.energy_records.values_list("year", flat=True)) == [2016, 2018]
    theirs.refresh_from_db()
    assert theirs.output == Decimal("110")
    assert "không được ghi" in login(staff).get(url).content.decode()


def test_the_enterprise_page_then_shows_the_saving_of_the_year(login, staff, enterprise, own,
                                                               submission, elec):
    home = reverse("audits:enterprise")
    assert "25,0%" not in login(enterprise).get(home).content.decode()
    submission = sent(enterprise, submission, elec)
    submission_accept(user=staff, submission_id=submission.pk)
    page = login(enterprise).get(home).content.decode()
    assert "25,0%" in page and "so với 2017" in page


# ---- the review page -------------------------------------------------------------------------


def test_the_review_page_shows_the_baseline_beside_the_year_with_its_saving(
    login, staff, enterprise, submission, elec
):
    submission = sent(enterprise, submission, elec)
    page = login(staff).get(reverse("audits:submission_review", args=[submission.pk]))
    page = page.content.decode()
    assert "2017 (năm cơ sở), cơ sở gửi" in page and "2018, cơ sở gửi" in page
    table = page[page.index("comparison"):page.index("</table>")]
    assert table.index("2017") < table.index("2018")  # the baseline first
    assert "100.000,00" in table and "90.000,00" in table
    saving = re.search(r'baseline-saving">(.*?)</p>', page, re.S).group(1)
    assert "<strong>25,0%</strong>" in saving and "2017" in saving
    # With another unit the saving is undefined, and said so.
    Submission.objects.filter(pk=submission.pk).update(
        baseline={**submission.baseline, "product_unit": "kg"})
    page = login(staff).get(reverse("audits:submission_review", args=[submission.pk]))
    assert "không tính được" in page.content.decode()


# ---- the demo --------------------------------------------------------------------------------


def test_the_demo_request_asks_the_baseline_of_a_facility_without_one(login):
    call_command("load_demo")
    request = DataRequest.objects.get(year=2018)
    assert request.asks_baseline
    without = [s for s in request.submissions.select_related("facility")
               if not s.facility.energy_records.filter(year__lt=2018).exists()]
    assert without and all(s.state == State.REQUESTED for s in without)
    # The demo's officer, who also fills in the forms that came on paper.
    officer = User.objects.get(username="canbo.kinhte")
    page = login(officer).get(reverse("audits:submission_fill", args=[without[0].pk]))
    assert 'name="baseline-year" value="2017"' in page.content.decode()
