"""The CP measures of a submission (audits/submission_measures.py): the enterprise's form takes
them line by line, numbers and dates the Vietnamese way, and refuses a bad line naming the line
and the field, saving nothing; acceptance writes each as the facility's implemented CPMeasure
through the staff's service, in the transaction that writes the record, so that a refused
measure leaves nothing written; the review page and the sent form list them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import CPMeasure, CPTechnique, EnergyRecord, Submission
from audits.submissions import (
    request_create,
    request_set_communes_review,
    submission_accept,
    submission_fill,
    submission_return,
    submission_submit,
)
from facilities.locking import year_lock
from melinh_sxsh.lib.errors import DomainError

pytestmark = pytest.mark.django_db
State = Submission.State


@pytest.fixture
def techniques() -> dict[str, CPTechnique]:
    return {t.code: t for t in CPTechnique.objects.all()}


@pytest.fixture
def submission(staff, own) -> Submission:
    request = request_create(user=staff, year=2018, title="Số liệu năm 2018",
                             deadline=timezone.localdate() + timedelta(days=30),
                             facilities=[own])
    return request.submissions.get()


def post(elec, version: int, measures: list[dict], /, **extra) -> dict:
    data = {
        "output": "120", "product_unit": "tấn", "version": str(version),
        "uses-TOTAL_FORMS": "1", "uses-INITIAL_FORMS": "0", "uses-MIN_NUM_FORMS": "0",
        "uses-MAX_NUM_FORMS": "30", "uses-0-carrier": str(elec.pk), "uses-0-quantity": "90.000",
        "measures-TOTAL_FORMS": str(len(measures) + 1), "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0", "measures-MAX_NUM_FORMS": "20",
    }
    for index, line in enumerate(measures):
        data.update({f"measures-{index}-{name}": value for name, value in line.items()})
    return {**data, **extra}  # the last line stays empty, as the page leaves it


def line(technique: CPTechnique, /, **values) -> dict:
    return {"technique": str(technique.pk), "description": "Lắp biến tần cho máy nén khí",
            "investment_vnd": "150.000.000", "yearly_saving_vnd": "48.000.000",
            "energy_saved_toe": "12,5", "implemented_on": "15/03/2018", **values}


def test_the_form_saves_its_measures_typed_the_vietnamese_way(
    login, enterprise, submission, elec, techniques
):
    client = login(enterprise)
    url = reverse("audits:submission_fill", args=[submission.pk])
    page = client.get(url).content.decode()
    assert 'name="measures-0-technique"' in page and 'inputmode="numeric"' in page
    lines = [line(techniques["EQUIPMENT"]),
             line(techniques["HOUSEKEEPING"], description="Sắp xếp lại kho nguyên liệu",
                  investment_vnd="", yearly_saving_vnd="5.000.000", energy_saved_toe="",
                  implemented_on="01/12/2017")]
    response = client.post(url, post(elec, submission.version, lines, save=""))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == State.DRAFT
    assert submission.measure_lines == [
        {"technique": techniques["EQUIPMENT"].pk, "description": "Lắp biến tần cho máy nén khí",
         "investment_vnd": 150_000_000, "yearly_saving_vnd": 48_000_000,
         "energy_saved_toe": "12.5", "implemented_on": "2018-03-15"},
        {"technique": techniques["HOUSEKEEPING"].pk,
         "description": "Sắp xếp lại kho nguyên liệu", "investment_vnd": 0,
         "yearly_saving_vnd": 5_000_000, "energy_saved_toe": None,
         "implemented_on": "2017-12-01"},
    ]
    # Shown back as typed, and removed with its box ticked.
    page = client.get(url).content.decode()
    assert 'value="150.000.000"' in page and 'value="15/03/2018"' in page
    kept = post(elec, submission.version, lines, save="")
    kept.update({"uses-INITIAL_FORMS": "1", "measures-INITIAL_FORMS": "2",
                 "measures-1-DELETE": "on"})
    response = client.post(url, kept)
    shown = re.findall(r"(?:alert|invalid-feedback)[^>]*>(.*?)</", response.content.decode(), re.S)
    assert response.status_code == 302, shown
    submission.refresh_from_db()
    assert [m["description"] for m in submission.measure_lines] == ["Lắp biến tần cho máy nén khí"]
    assert not CPMeasure.objects.exists()  # nothing is a measure before acceptance


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ({"technique": ""}, "Giải pháp 1: Kỹ thuật"),
        ({"description": "  "}, "Giải pháp 1: Mô tả"),
        ({"investment_vnd": "-5"}, "Giải pháp 1: Vốn đầu tư"),
        ({"energy_saved_toe": "1,2345"}, "Giải pháp 1: Năng lượng tiết kiệm"),
        ({"implemented_on": "01/02/2019"}, "Giải pháp 1: Ngày thực hiện"),
        ({"implemented_on": ""}, "Giải pháp 1: Ngày thực hiện"),
        ({"implemented_on": "31/02/2018"}, "Giải pháp 1: Ngày thực hiện"),
    ],
)
def test_a_bad_line_is_refused_naming_the_line_and_the_field_and_nothing_is_saved(
    login, enterprise, submission, elec, techniques, bad, said
):
    client = login(enterprise)
    url = reverse("audits:submission_fill", args=[submission.pk])
    response = client.post(url, post(elec, submission.version,
                                     [line(techniques["EQUIPMENT"], **bad)], submit=""))
    assert response.status_code == 200
    assert said in response.content.decode()
    submission.refresh_from_db()
    assert submission.state == State.REQUESTED and submission.measure_lines == []
    assert submission.lines == {}  # nor the energy lines of the same post


def test_the_service_refuses_a_bad_line_too_naming_it(enterprise, submission, elec, techniques):
    """A program (the demo, a script) reaches the service without the form: the same rules."""
    good = {"technique": techniques["EQUIPMENT"], "description": "Thay đèn LED",
            "investment_vnd": 10, "yearly_saving_vnd": 5, "energy_saved_toe": None,
            "implemented_on": date(2018, 5, 1)}
    for bad, said in [({"implemented_on": date(2019, 1, 1)}, "Giải pháp 2, Ngày thực hiện"),
                      ({"investment_vnd": -1}, "Giải pháp 2, Vốn đầu tư"),
                      ({"technique": 999_999}, "Giải pháp 2, Kỹ thuật")]:
        with pytest.raises(DomainError, match=said):
            submission_fill(user=enterprise, submission_id=submission.pk,
                            data={"measure_lines": [good, {**good, **bad}]},
                            expected_version=submission.version)
    submission.refresh_from_db()
    assert submission.measure_lines == [] and submission.version == 1


def sent(enterprise, submission, elec, techniques, year_of_second=2018) -> Submission:
    measures = [
        {"technique": techniques["EQUIPMENT"], "description": "Lắp biến tần cho máy nén khí",
         "investment_vnd": 150_000_000, "yearly_saving_vnd": 48_000_000,
         "energy_saved_toe": Decimal("12.5"), "implemented_on": date(2018, 3, 15)},
        {"technique": techniques["HOUSEKEEPING"], "description": "Sắp xếp lại kho",
         "investment_vnd": 0, "yearly_saving_vnd": 5_000_000, "energy_saved_toe": None,
         "implemented_on": date(year_of_second, 12, 1)},
    ]
    submission = submission_fill(
        user=enterprise, submission_id=submission.pk, expected_version=submission.version,
        data={"output": Decimal("120"), "product_unit": "tấn", "lines": {elec.pk: "90000"},
              "measure_lines": measures})
    return submission_submit(user=enterprise, submission_id=submission.pk,
                              expected_version=submission.version)


def test_acceptance_writes_the_record_and_each_measure_implemented(
    staff, enterprise, own, submission, elec, techniques
):
    submission = sent(enterprise, submission, elec, techniques)
    accepted = submission_accept(user=staff, submission_id=submission.pk)
    assert accepted.state == State.ACCEPTED and accepted.record.is_verified
    measures = list(own.cp_measures.order_by("implemented_on"))
    assert [(m.technique.code, m.description, m.investment_vnd, m.yearly_saving_vnd,
             m.energy_saved_toe, m.status, m.implemented_on) for m in measures] == [
        ("EQUIPMENT", "Lắp biến tần cho máy nén khí", 150_000_000, 48_000_000,
         Decimal("12.500"), CPMeasure.Status.IMPLEMENTED, date(2018, 3, 15)),
        ("HOUSEKEEPING", "Sắp xếp lại kho", 0, 5_000_000, None,
         CPMeasure.Status.IMPLEMENTED, date(2018, 12, 1)),
    ]
    # Written by the staff's service: in the change history, by the reviewer.
    assert {m.history.get().history_user for m in measures} == {staff}


def test_a_measure_refused_at_acceptance_leaves_nothing_written(
    staff, enterprise, own, submission, elec, techniques
):
    # The second measure is of 2017, and 2017's report was issued: that year is locked.
    submission = sent(enterprise, submission, elec, techniques, year_of_second=2017)
    year_lock(user=staff, year=2017)
    with pytest.raises(DomainError, match="giải pháp 2") as refused:
        submission_accept(user=staff, submission_id=submission.pk)
    assert "2017" in refused.value.message
    submission.refresh_from_db()
    assert submission.state == State.SUBMITTED and submission.record is None
    assert not EnergyRecord.objects.filter(facility=own).exists()
    assert not CPMeasure.objects.filter(facility=own).exists()
    assert submission.transitions.last().to_state == State.SUBMITTED


def test_returned_corrected_and_accepted_writes_each_measure_once(
    staff, enterprise, own, submission, elec, techniques
):
    submission = sent(enterprise, submission, elec, techniques)
    submission_return(user=staff, submission_id=submission.pk, reason="Kiểm tra lại sản lượng")
    submission.refresh_from_db()
    submission = submission_fill(user=enterprise, submission_id=submission.pk,
                                 data={"output": Decimal("118")},
                                 expected_version=submission.version)
    submission = submission_submit(user=enterprise, submission_id=submission.pk,
                                   expected_version=submission.version)
    submission_accept(user=staff, submission_id=submission.pk)
    with pytest.raises(DomainError):
        submission_accept(user=staff, submission_id=submission.pk)
    assert sorted(own.cp_measures.values_list("technique__code", flat=True)) == [
        "EQUIPMENT", "HOUSEKEEPING"]


def test_a_request_without_measures_neither_shows_nor_writes_them(
    login, staff, enterprise, own, elec
):
    request = request_create(user=staff, year=2018, title="Chỉ năng lượng",
                             deadline=timezone.localdate() + timedelta(days=30),
                             facilities=[own], asks_measures=False)
    submission = request.submissions.get()
    page = login(enterprise).get(reverse("audits:submission_fill", args=[submission.pk]))
    assert 'name="measures-TOTAL_FORMS"' not in page.content.decode()
    submission = submission_fill(user=enterprise, submission_id=submission.pk,
                                 data={"output": Decimal("1"), "product_unit": "tấn",
                                       "lines": {elec.pk: "10"}},
                                 expected_version=submission.version)
    submission_submit(user=enterprise, submission_id=submission.pk,
                      expected_version=submission.version)
    submission_accept(user=staff, submission_id=submission.pk)
    assert not own.cp_measures.exists()


def test_the_review_page_and_the_sent_form_list_the_measures(
    login, staff, enterprise, submission, elec, techniques
):
    Submission.objects.filter(pk=submission.pk).update(measures="Ghi chú cũ: thay đèn LED")
    submission = sent(enterprise, submission, elec, techniques)
    review = login(staff).get(reverse("audits:submission_review", args=[submission.pk]))
    page = review.content.decode()
    for shown in (techniques["EQUIPMENT"].name, "Lắp biến tần cho máy nén khí", "150.000.000",
                  "48.000.000", "12,500", "15/03/2018", "Sắp xếp lại kho",
                  "Ghi chú cũ: thay đèn LED"):
        assert shown in page, shown
    mine = login(enterprise).get(reverse("audits:submission_fill", args=[submission.pk]))
    page = mine.content.decode()
    assert "Lắp biến tần cho máy nén khí" in page and "150.000.000" in page
    assert 'name="measures-TOTAL_FORMS"' not in page  # sent: shown, not edited


def test_old_free_text_stays_editable_and_is_kept(login, enterprise, submission, elec):
    Submission.objects.filter(pk=submission.pk).update(measures="Thay đèn LED nhà xưởng")
    client = login(enterprise)
    url = reverse("audits:submission_fill", args=[submission.pk])
    assert "Thay đèn LED nhà xưởng" in client.get(url).content.decode()
    client.post(url, post(elec, submission.version, [], save="",
                          measures="Thay đèn LED nhà xưởng"))
    submission.refresh_from_db()
    assert submission.measures == "Thay đèn LED nhà xưởng" and submission.state == State.DRAFT


def test_a_post_without_the_measures_lines_leaves_them_as_stored(
    login, enterprise, submission, elec, techniques
):
    """A page opened before the request asked for measures line by line posts none."""
    client = login(enterprise)
    url = reverse("audits:submission_fill", args=[submission.pk])
    client.post(url, post(elec, submission.version, [line(techniques["EQUIPMENT"])], save=""))
    submission.refresh_from_db()
    older_page = {key: value for key, value in post(elec, submission.version, []).items()
                  if not key.startswith("measures-")}
    assert client.post(url, {**older_page, "uses-INITIAL_FORMS": "1", "output": "130",
                             "save": ""}).status_code == 302
    submission.refresh_from_db()
    assert submission.output == Decimal("130") and len(submission.measure_lines) == 1


def test_a_commune_official_the_request_lets_review_writes_the_measures_too(
    staff, official_a, enterprise, own, submission, elec, techniques
):
    """The official is no writer of measures (energy.change): the acceptance authorizes it."""
    submission = sent(enterprise, submission, elec, techniques)
    request_set_communes_review(user=staff, request_id=submission.request_id, allowed=True)
    submission_accept(user=official_a, submission_id=submission.pk)
    measures = own.cp_measures.all()
    assert measures.count() == 2
    assert {m.history.get().history_user for m in measures} == {official_a}


def test_the_review_page_shows_the_measures_already_on_record_for_the_year(
    login, staff, enterprise, submission, elec, techniques
):
    from audits.models import CPMeasure

    CPMeasure.objects.create(facility=submission.facility, technique=techniques["EQUIPMENT"],
                             description="Biến tần máy nén khí (cán bộ nhập)",
                             status=CPMeasure.Status.IMPLEMENTED,
                             implemented_on=date(2018, 3, 10))
    CPMeasure.objects.create(facility=submission.facility, technique=techniques["HOUSEKEEPING"],
                             description="Việc của năm trước", status=CPMeasure.Status.IMPLEMENTED,
                             implemented_on=date(2017, 5, 1))
    submission = sent(enterprise, submission, elec, techniques)
    page = login(staff).get(reverse("audits:submission_review", args=[submission.pk]))
    body = page.content.decode()
    assert "Biến tần máy nén khí (cán bộ nhập)" in body and "10/03/2018" in body
    assert "Việc của năm trước" not in body
    submission_accept(user=staff, submission_id=submission.pk)
    body = login(staff).get(reverse("audits:submission_review", args=[submission.pk])
                            ).content.decode()
    assert "recorded-measures" not in body  # accepted: nothing left to decide
