"""Staff may let the commune officials accept or return their own commune's forms of a data
request (accounts/permissions.py, DELEGABLE): then the official of the facility's commune
decides as staff would, the figures written and verified in their name; another commune's
official still finds nothing; taken back, the official reads again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import can
from audits.models import EnergyCarrier, EnergyRecord, Submission
from audits.submissions import request_create, submission_fill, submission_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(staff, facility_a):
    """A form of facility A (commune A) sent for review."""
    request = request_create(user=staff, year=2018, title="Số liệu năm 2018",
                             deadline=timezone.localdate() + timedelta(days=10),
                             facilities=[facility_a])
    submission = request.submissions.get()
    elec = EnergyCarrier.objects.get(code="ELEC")
    submission_fill(user=staff, submission_id=submission.pk, expected_version=1,
                    data={"output": Decimal("100"), "product_unit": "tấn",
                          "lines": {elec.pk: "50000"}})
    submission_submit(user=staff, submission_id=submission.pk, expected_version=2)
    return Submission.objects.get(pk=submission.pk)


def review(client, submission, **data):
    return client.post(reverse("audits:submission_review", args=[submission.pk]), data)


def test_the_official_reads_until_staff_let_the_communes_review(login, staff, official_a,
                                                               official_b, sent):
    assert not can(official_a, "submission.review", sent)
    assert review(login(official_a), sent, accept="1").status_code == 403
    assert Submission.objects.get(pk=sent.pk).state == "submitted"

    toggle = reverse("audits:request_communes_review", args=[sent.request_id])
    assert login(official_a).post(toggle, {"communes_review": "on"}).status_code == 403
    assert login(staff).post(toggle, {"communes_review": "on"}).status_code == 302
    sent.refresh_from_db()
    assert can(official_a, "submission.review", sent)
    assert not can(official_b, "submission.review", sent)
    assert review(login(official_b), sent, accept="1").status_code == 404

    page = login(official_a).get(reverse("audits:submission_review", args=[sent.pk]))
    assert 'name="accept"' in page.content.decode()
    assert review(login(official_a), sent, accept="1").status_code == 302
    sent.refresh_from_db()
    assert sent.state == "accepted"
    record = EnergyRecord.objects.get(facility=sent.facility, year=2018)
    assert record.verified_by == official_a and record.output == Decimal("100")
    assert sent.transitions.last().moved_by == official_a

    # Taken back: the official reads again.
    login(staff).post(toggle, {})
    sent.refresh_from_db()
    assert not can(official_a, "submission.review", sent)


def test_the_request_form_can_let_the_communes_review_from_the_start(login, staff,
                                                                      facility_a):
    response = login(staff).post(reverse("audits:request_create"), {
        "title": "Số liệu năm 2018", "year": "2018",
        "deadline": (timezone.localdate() + timedelta(days=10)).strftime("%d/%m/%Y"),
        "asks_energy": "on", "communes_review": "on", "commune": str(facility_a.commune_id)})
    assert response.status_code == 302
    submission = Submission.objects.get(facility=facility_a)
    assert submission.request.communes_review and submission.delegated_to_commune
