"""A small published world for the public pages: events past and upcoming, news, documents,
facilities that agreed to be named and facilities that did not, and things kept private."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Unit
from campaigns.models import Attendance, Campaign, DemonstrationModel, Document
from facilities.models import Facility
from tests.audits.conftest import make_measure, make_record
from tests.factories import FacilityFactory, StatusFactory, district_build, district_create

K = Campaign.Kind


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


@dataclass
class World:
    named: Facility
    hidden: Facility
    event: Campaign
    upcoming: Campaign
    private_event: Campaign
    article: Campaign
    private_article: Campaign
    document: Document
    private_document: Document
    model: DemonstrationModel
    hidden_model: DemonstrationModel
    tour: Campaign


def campaign(kind, title, starts_on, public=True, **extra) -> Campaign:
    return district_create(Campaign, kind=kind, title=title, starts_on=starts_on,
                           lead_unit=Unit.objects.get(code="KINH_TE"), is_public=public,
                           **extra)


def document(title, public=True, campaign=None) -> Document:
    doc = district_build(Document, title=title, kind=Document.Kind.HANDBOOK, is_public=public,
                         campaign=campaign, original_name=f"{title}.pdf", size=9)
    doc.file.save(f"{title[:20]}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return doc


def add_world(n: int = 0) -> World:
    """One more of everything; `n` keeps names and tax codes apart."""
    today = timezone.localdate()
    named = FacilityFactory(name=f"Công ty TNHH Đồng Ý Công Khai {n}", tax_code=f"01110000{n:02d}",
                            public_consent=True)
    hidden = FacilityFactory(name=f"Công ty TNHH Giấu Tên {n}", tax_code=f"01220000{n:02d}")
    for facility in (named, hidden):
        StatusFactory(facility=facility, year=2018, stage=3)
        make_record(facility, 2017, "100", {"ELEC": "1000"}, baseline=True)
        make_record(facility, 2018, "100", {"ELEC": "850"})
        make_measure(facility, "EQUIPMENT", investment=100_000_000, saving=40_000_000,
                     implemented_on=date(2018, 5, 1))
    event = campaign(K.TRAINING_CONFERENCE, f"Hội nghị tập huấn công khai {n}", date(2018, 5, 10),
                     place="Hội trường UBND huyện", people_reached=120,
                     description="Nội dung hội nghị.\nDòng thứ hai <b>đậm</b>.")
    upcoming = campaign(K.WORKSHOP, f"Hội thảo sắp tới {n}", today + timedelta(days=10 + n),
                        place="KCN Quang Minh", people_reached=0)
    private_event = campaign(K.CONSULTING, f"Tư vấn nội bộ {n}", date(2018, 6, 1), public=False,
                             description="Danh sách nội bộ")
    for item in (event, private_event):
        Attendance.objects.create(campaign=item, facility=named, people=2)
        Attendance.objects.create(campaign=item, facility=hidden, people=1)
    article = campaign(K.WEB_ARTICLE, f"Tin bài công khai {n}", date(2018, 11, 20),
                       description="Đoạn một <script>alert(1)</script>\n\nĐoạn hai.")
    private_article = campaign(K.WEB_ARTICLE, f"Tin bài nháp {n}", date(2018, 11, 21),
                               public=False)
    model = district_create(
        DemonstrationModel, title=f"Mô hình lò hơi {n}", host=named,
        technology="Lò hơi sinh khối", year=2018,
        status=DemonstrationModel.Status.APPROVED)
    hidden_model = district_create(
        DemonstrationModel, title=f"Mô hình biến tần {n}", host=hidden, technology="Biến tần",
        year=2018,
        status=DemonstrationModel.Status.IN_PROGRESS)
    tour = campaign(K.STUDY_TOUR, f"Tham quan mô hình {n}", date(2018, 10, 12),
                    visited_model=hidden_model, people_reached=30)
    Attendance.objects.create(campaign=tour, facility=hidden, people=3)
    return World(named, hidden, event, upcoming, private_event, article, private_article,
                  document(f"Sổ tay công khai {n}", campaign=private_event),
                  document(f"Tài liệu nội bộ {n}", public=False), model, hidden_model, tour)


@pytest.fixture
def world(db) -> World:
    return add_world()


def public_urls(world: World) -> list[str]:
    """Every public address, details of the published objects included."""
    return ["/public/", "/public/events/", f"/public/events/{world.event.pk}/",
            f"/public/events/{world.upcoming.pk}/", f"/public/events/{world.tour.pk}/",
            "/public/news/",
            f"/public/news/{world.article.pk}/", "/public/documents/",
            f"/public/documents/{world.document.pk}/download/", "/public/catalogue/",
            "/public/embed/progress/", "/public/feed/atom/", "/public/feed/rss/"]
