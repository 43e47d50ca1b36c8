"""Issue 17: every destructive action asks first. An address that deletes, removes, cancels or
unlocks answers GET with a confirmation page naming what it acts on, whose form POSTs back to
it; only that POST acts. The pages that offer these actions link to the confirmation: no page
posts to them directly. The list of such addresses comes from the URL configuration, so a new
one without a case here fails."""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from audits.models import CPMeasure, EnergyRecord
from campaigns.models import Attachment, Attendance, Campaign, Document, FundingLine
from facilities.locking import year_lock
from facilities.models import Facility, YearLock
from reports.models import Report
from tests.factories import FacilityFactory, district_create
from tests.html_forms import page_forms
from tests.security.test_authorization_matrix import url_names
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

DESTRUCTIVE = re.compile(r"(delete|remove|cancel|unlock)$")
# Not destructive, though named so: cancelling an import is the "no" of the import's own
# confirmation step (the preview, "Xác nhận" or "Hủy"); it writes nothing and drops only the
# uploaded copy of a file its sender keeps (tests/facilities/test_import_views.py).
NOT_DESTRUCTIVE = {"facilities:import_cancel"}


@dataclass
class Case:
    url: str
    names: str  # what the confirmation page must name
    done: Any  # () -> bool: whether the action took place
    back: str  # where the page was offered from


def cases(world, staff) -> dict[str, Case]:
    spare = FacilityFactory(
        commune=world.facility.commune, tax_code="0100000077", name="Cơ sở nhập nhầm"
    )
    campaign = district_create(
        Campaign, kind="workshop",
        title="Hội thảo nhập nhầm",
        lead_unit=world.campaign.lead_unit,
        starts_on=world.campaign.starts_on,
    )
    year_lock(user=staff, year=2016, note="Báo cáo 2016")
    campaign_page = reverse("campaigns:detail", args=[world.campaign.pk])
    return {
        "facilities:delete": Case(
            reverse("facilities:delete", args=[spare.pk]),
            spare.name,
            lambda: not Facility.objects.filter(pk=spare.pk).exists(),
            reverse("facilities:detail", args=[spare.pk]),
        ),
        "campaigns:delete": Case(
            reverse("campaigns:delete", args=[campaign.pk]),
            campaign.title,
            lambda: not Campaign.objects.filter(pk=campaign.pk).exists(),
            reverse("campaigns:detail", args=[campaign.pk]),
        ),
        "campaigns:attendance_remove": Case(
            reverse("campaigns:attendance_remove", args=[world.campaign.pk, world.attendance.pk]),
            world.facility.name,
            lambda: not Attendance.objects.filter(pk=world.attendance.pk).exists(),
            campaign_page,
        ),
        "campaigns:attachment_delete": Case(
            reverse("campaigns:attachment_delete", args=[world.campaign.pk, world.attachment.pk]),
            world.attachment.original_name,
            lambda: not Attachment.objects.filter(pk=world.attachment.pk).exists(),
            campaign_page,
        ),
        "campaigns:funding_delete": Case(
            reverse("campaigns:funding_delete", args=[world.line.pk]),
            f"{world.line.source}, 2018: dự toán 10 đồng, đã chi 5 đồng",
            lambda: not FundingLine.objects.filter(pk=world.line.pk).exists(),
            campaign_page,
        ),
        "campaigns:document_delete": Case(
            reverse("campaigns:document_delete", args=[world.document.pk]),
            world.document.title,
            lambda: not Document.objects.filter(pk=world.document.pk).exists(),
            reverse("campaigns:documents"),
        ),
        "audits:record_delete": Case(
            reverse("audits:record_delete", args=[world.record.pk]),
            world.facility.name,
            lambda: not EnergyRecord.objects.filter(pk=world.record.pk).exists(),
            reverse("audits:record_detail", args=[world.record.pk]),
        ),
        "audits:measure_delete": Case(
            reverse("audits:measure_delete", args=[world.measure.pk]),
            world.facility.name,
            lambda: not CPMeasure.objects.filter(pk=world.measure.pk).exists(),
            reverse("facilities:detail", args=[world.facility.pk]),
        ),
        "reports:report_delete": Case(
            reverse("reports:report_delete", args=[world.report.pk]),
            "2018",
            lambda: not Report.objects.filter(pk=world.report.pk).exists(),
            reverse("reports:report_detail", args=[world.report.pk]),
        ),
        "reports:unlock": Case(
            reverse("reports:unlock", args=[2016]),
            "Năm 2016",
            lambda: not YearLock.objects.filter(year=2016).exists(),
            reverse("reports:locks"),
        ),
    }


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_destructive_address_has_a_case(cast):
    world = build_world(staff=cast["staff"], official_a=cast["official_a"])
    found = {name for name in url_names() if DESTRUCTIVE.search(name)} - NOT_DESTRUCTIVE
    assert found == set(cases(world, cast["staff"]))


def test_get_asks_naming_the_object_and_only_post_acts(login, cast):
    staff = cast["staff"]
    world = build_world(staff=staff, official_a=cast["official_a"])
    client = login(staff)
    for name, case in cases(world, staff).items():
        response = client.get(case.url)
        assert response.status_code == 200, name
        body = response.content.decode()
        assert case.names in text_of(body), name
        # Besides the page's own (logging out, the language), one form: to this address.
        [form] = [
            f
            for f in page_forms(body)
            if f["method"].lower() == "post" and f["action"] in ("", case.url)
        ]
        assert not case.done(), f"{name}: a GET acted"
        response = client.post(case.url, dict(form["fields"]))
        assert response.status_code == 302, name
        assert case.done(), f"{name}: the POST did not act"


def test_no_page_posts_to_a_destructive_address_directly(login, cast):
    """The pages offering these actions link to their confirmation, whoever looks."""
    staff = cast["staff"]
    world = build_world(staff=staff, official_a=cast["official_a"])
    found = cases(world, staff)
    pages = {case.back for case in found.values()} | {
        reverse("campaigns:model_detail", args=[world.model.pk])
    }
    urls = {case.url for case in found.values()}
    offered = set()
    for role in ("staff", "official_a"):
        client = login(cast[role])
        for page in pages:
            response = client.get(page)
            if response.status_code != 200:
                continue
            body = response.content.decode()
            actions = {form["action"] for form in page_forms(body)}
            assert not actions & urls, (role, page, actions & urls)
            offered |= {url for url in urls if f'href="{url}"' in body}
    # Each confirmation is reached by a link from its page.
    assert offered == urls
