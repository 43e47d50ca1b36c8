"""Activity figures by scope (docs/KPI.md, "Activity figures"): known answers
for the district and for each commune, and the same commune figures on the dashboard, in the
PDF and in the workbook."""

import re
from datetime import date
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Unit
from campaigns.models import Attendance, Campaign, DemonstrationModel, FundingLine, FundingSource
from facilities.models import Sector
from reports import kpis
from reports.models import Report
from tests.audits.conftest import make_measure
from tests.factories import FacilityFactory, district_create

pytestmark = pytest.mark.django_db


def campaign(kind, starts_on, people=0, copies=0, broadcasts=0, attended=()):
    made = district_create(
        Campaign, kind=kind,
        title=f"{kind} {starts_on}",
        starts_on=starts_on,
        lead_unit=Unit.objects.get(code="KINH_TE"),
        people_reached=people,
        copies_printed=copies,
        broadcasts_aired=broadcasts,
    )
    for facility, sent in attended:
        Attendance.objects.create(campaign=made, facility=facility, people=sent)
    return made


def funding(source, year, planned, spent, **owner):
    FundingLine.objects.create(
        source=FundingSource.objects.get(code=source),
        year=year,
        planned_vnd=planned,
        spent_vnd=spent,
        **owner,
    )


@pytest.fixture
def town(commune_a, commune_b):
    """Two communes. A: a1 and a2 (a2 in sector 22); B: b1.

    2018 campaigns (their own "people reached" is a district figure):
      conference  100 people; attended by a1 (3 people), a2 (2), b1 (4)
      workshop     50 people; attended by b1 (5)
      leaflets   3.000 copies; radio 24 broadcasts; nobody listed
      study tour   20 people; attended by a1 (6)
    and a 2017 conference attended by a1 (9): not of 2018.
    Models of 2018: one at a1 (in progress), one at b1 (completed); one of 2017 at a2.
    Funding of 2018: 40.000.000 planned / 30.000.000 spent on the conference, 10.000.000 /
    10.000.000 on b1's model; a 2017 line that does not count.
    """
    a1 = FacilityFactory(commune=commune_a)
    a2 = FacilityFactory(commune=commune_a, sector=Sector.objects.get(code="22"))
    b1 = FacilityFactory(commune=commune_b)
    conference = campaign(
        "training_conference", date(2018, 5, 10), people=100, attended=[(a1, 3), (a2, 2), (b1, 4)]
    )
    campaign("workshop", date(2018, 8, 22), people=50, attended=[(b1, 5)])
    campaign("leaflets", date(2018, 4, 2), copies=3000)
    campaign("radio", date(2018, 3, 5), broadcasts=24)
    campaign("study_tour", date(2018, 10, 12), people=20, attended=[(a1, 6)])
    old = campaign("training_conference", date(2017, 11, 1), people=40, attended=[(a1, 9)])
    district_create(
        DemonstrationModel, title="Biến tần", host=a1, technology="x", year=2018,
        status="in_progress"
    )
    model_b = district_create(
        DemonstrationModel, title="Lò hơi", host=b1, technology="x", year=2018, status="completed"
    )
    district_create(
        DemonstrationModel, title="Cũ", host=a2, technology="x", year=2017, status="evaluated"
    )
    funding("KHUYEN_CONG", 2018, 40_000_000, 30_000_000, campaign=conference)
    funding("NS_HUYEN", 2018, 10_000_000, 10_000_000, model=model_b)
    funding("NS_HUYEN", 2017, 7_000_000, 7_000_000, campaign=old)
    make_measure(a1, investment=5_000_000, implemented_on=date(2018, 6, 1))
    make_measure(b1, investment=7_000_000, implemented_on=date(2018, 7, 1))
    return {"a1": a1, "a2": a2, "b1": b1}


def by_kind(activity):
    return {
        row.kind: (
            row.campaigns,
            row.people_reached,
            row.facilities_reached,
            row.copies_printed,
            row.broadcasts_aired,
        )
        for row in activity.kinds
        if row.campaigns
    }


def models_of(activity):
    return {status: count for status, _label, count in activity.models_by_status if count}


def test_district_counts_every_campaign_with_its_own_figures(town):
    activity = kpis.activity(2018)
    assert activity.whole_district
    assert (activity.campaigns, activity.people_reached, activity.facilities_reached) == (5, 170, 3)
    assert (activity.copies_printed, activity.broadcasts_aired) == (3000, 24)
    assert by_kind(activity) == {
        "training_conference": (1, 100, 3, 0, 0),
        "workshop": (1, 50, 1, 0, 0),
        "leaflets": (1, 0, 0, 3000, 0),
        "radio": (1, 0, 0, 0, 24),
        "study_tour": (1, 20, 1, 0, 0),
    }
    assert models_of(activity) == {"in_progress": 1, "completed": 1}
    assert (activity.funding.planned_vnd, activity.funding.spent_vnd) == (50_000_000, 40_000_000)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # campaigns, people (their attendances), distinct facilities, by kind, models
        (
            "08989",
            (
                2,
                11,
                2,
                {"training_conference": (1, 5, 2, None, None), "study_tour": (1, 6, 1, None, None)},
                {"in_progress": 1},
            ),
        ),
        (
            "09019",
            (
                2,
                9,
                1,
                {"training_conference": (1, 4, 1, None, None), "workshop": (1, 5, 1, None, None)},
                {"completed": 1},
            ),
        ),
    ],
)
def test_a_commune_counts_what_reached_it(town, code, expected):
    from accounts.models import Commune

    activity = kpis.activity(2018, kpis.Scope(Commune.objects.get(code=code).pk))
    campaigns, people, facilities, kinds, models = expected
    assert not activity.whole_district
    assert (activity.campaigns, activity.people_reached, activity.facilities_reached) == (
        campaigns,
        people,
        facilities,
    )
    assert by_kind(activity) == kinds
    assert models_of(activity) == models
    # Copies and broadcasts are not split by commune; the budget stays the district's.
    assert (activity.copies_printed, activity.broadcasts_aired) == (None, None)
    assert (activity.funding.planned_vnd, activity.funding.spent_vnd) == (50_000_000, 40_000_000)


def test_a_sector_counts_what_reached_its_facilities(town):
    activity = kpis.activity(2018, kpis.Scope(sector_id=Sector.objects.get(code="22").pk))
    assert (
        activity.campaigns,
        activity.people_reached,
        activity.facilities_reached,
        activity.models,
    ) == (1, 2, 1, 0)


def test_campaign_rows_add_up_to_the_activity_figures(town, commune_a):
    rows = kpis.campaigns_reached(2018, kpis.Scope(commune_a.pk))
    assert [
        (row.kind_label, row.people_reached, row.facilities_reached, row.copies_printed)
        for row in rows
    ] == [("Hội nghị tập huấn", 5, 2, None), ("Tham quan, học tập", 6, 1, None)]
    district = kpis.campaigns_reached(2018)
    assert [row.people_reached for row in district] == [0, 0, 100, 50, 20]
    assert sum(row.copies_printed for row in district) == 3000
    assert sum(row.facilities_reached for row in district) == 5  # attendances, not distinct


def test_measures_by_technique_are_the_communes(town, commune_a):
    rows = [
        row for row in kpis.measures_by_technique(2018, kpis.Scope(commune_a.pk)) if row.measures
    ]
    assert [(row.code, row.measures, row.investment_vnd) for row in rows] == [
        ("HOUSEKEEPING", 1, 5_000_000)
    ]


@pytest.mark.parametrize("commune", [False, True])
def test_activity_queries_do_not_grow(town, commune_a, commune, django_assert_max_num_queries):
    scope = kpis.Scope(commune_a.pk) if commune else kpis.Scope()
    with django_assert_max_num_queries(6):
        kpis.activity(2018, scope)
    for _ in range(30):
        campaign(
            "workshop",
            date(2018, 9, 1),
            people=10,
            attended=[(FacilityFactory(commune=commune_a), 1)],
        )
    with django_assert_max_num_queries(6):
        assert kpis.activity(2018, scope).campaigns == (32 if commune else 35)
    with django_assert_max_num_queries(1):
        kpis.campaigns_reached(2018, scope)


# ---- the same commune figures on every output -------------------------------------------------


class Cards(HTMLParser):
    """The activity section's numbers, by what they count."""

    def __init__(self):
        super().__init__()
        self.figures, self._figure = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("data-figure") or attrs.get("data-list")
        if name:
            self._figure = name

    def handle_data(self, data):
        if self._figure and data.strip():
            self.figures[self._figure] = data.strip()
            self._figure = None


def flat(text: str) -> str:
    return " ".join(text.split())


def test_dashboard_shows_the_communes_activity(town, login, official_a):
    body = login(official_a).get("/", {"year": 2018}).content.decode()
    cards = Cards()
    cards.feed(body)
    assert cards.figures["campaigns"] == "2"
    assert cards.figures["people_reached"] == "11"
    assert cards.figures["facilities_reached"] == "2"
    assert cards.figures["models"] == "1"
    text = flat(re.sub(r"<[^>]+>", " ", body))
    # A commune official may not see the budget (budget.view): neither its heading nor its sums.
    assert "Kinh phí toàn huyện" not in text and "spent" not in cards.figures
    assert "40.000.000" not in text and "50.000.000" not in text
    assert "Chỉ tiêu 3: cán bộ quản lý nhà nước về SXSH (toàn huyện)" in text


def test_a_communes_dashboard_shows_staff_the_districts_budget(town, login, staff):
    body = login(staff).get("/", {"year": 2018, "commune": "08989"}).content.decode()
    text = flat(re.sub(r"<[^>]+>", " ", body))
    # The budget appears only under a heading that says it is the district's.
    assert "Kinh phí toàn huyện năm 2018" in text
    assert "Đã chi 40.000.000 đồng trên tổng dự toán 50.000.000 đồng" in text
    assert 'data-sum="40000000"' not in body


def test_the_district_dashboard_keeps_the_district_figures(town, login, staff):
    body = login(staff).get("/", {"year": 2018}).content.decode()
    cards = Cards()
    cards.feed(body)
    assert (
        cards.figures["campaigns"],
        cards.figures["people_reached"],
        cards.figures["facilities_reached"],
        cards.figures["models"],
        cards.figures["spent"],
    ) == ("5", "170", "3", "2", "40.000.000")
    assert "Kinh phí toàn huyện" not in body


def test_campaign_and_model_lists_follow_the_dashboard_scope(town, login, staff, official_a):
    listed = login(staff).get(reverse("campaigns:index"), {"year": 2018, "commune": "09019"})
    rows = [(c.kind, c.people, c.facility_count) for c in listed.context["page"].object_list]
    assert rows == [("workshop", 5, 1), ("training_conference", 4, 1)]
    models = login(staff).get(reverse("campaigns:models"), {"year": 2018, "commune": "08989"})
    assert [m.title for m in models.context["models"]] == ["Biến tần"]
    # A commune official learns nothing of another commune's attendance.
    other = login(official_a).get(reverse("campaigns:index"), {"year": 2018, "commune": "09019"})
    assert other.context["page"].paginator.count == 0


def build(client, **data) -> Report:
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("reports:index"), {"year": 2018, **data})
    return Report.objects.latest("pk")


def test_pdf_shows_the_communes_activity(town, login, official_a):
    report = build(login(official_a), format="pdf")
    assert report.commune == official_a.commune
    with report.file.open("rb") as handle:
        text = flat(
            "\n".join(page.extract_text() for page in PdfReader(BytesIO(handle.read())).pages)
        )
    assert (
        "Trong năm có 2 hoạt động có cơ sở trên địa bàn Thị trấn Quang Minh tham gia, "
        "với 2 cơ sở và 11 lượt người."
    ) in text
    assert "Hội nghị tập huấn 1 5 2" in text and "Tham quan, học tập 1 6 1" in text
    assert "Hội thảo" not in text  # only commune B took part
    assert "3.000" not in text  # the leaflets' copies are the district's
    assert "Số bản in, số lần phát sóng" in text and "chỉ được thống kê cho toàn huyện" in text
    assert "Tổng cộng 1" in text  # one model hosted in the commune
    # Its readers, the commune's officials, may not see the budget: the report leaves it out.
    assert "Kinh phí" not in text and "40.000.000" not in text
    assert "Cán bộ quản lý nhà nước về SXSH (toàn huyện)" in text
    assert "170" not in text  # the district's people reached


def test_workbook_shows_the_communes_activity(town, login, official_a):
    report = build(login(official_a), format="xlsx")
    with report.file.open("rb") as handle:
        workbook = load_workbook(BytesIO(handle.read()))
    assert workbook.sheetnames == [
        "Chỉ tiêu",
        "Xã, thị trấn",
        "Cơ sở tiết kiệm",
        "Hoạt động",
        "Theo loại hoạt động",
        "Mô hình trình diễn",
    ]  # no budget: the commune's officials read it and may not see the budget
    header, *campaigns = workbook["Hoạt động"].iter_rows(values_only=True)
    assert header[5:] == ("Số người của Thị trấn Quang Minh", "Số cơ sở của Thị trấn Quang Minh")
    assert [row[5:] for row in campaigns] == [(5, 2), (6, 1)]
    kinds = list(workbook["Theo loại hoạt động"].iter_rows(min_row=2, values_only=True))
    assert kinds[-1] == ("Tổng cộng", 2, 11, 2)
    models = list(workbook["Mô hình trình diễn"].iter_rows(min_row=2, values_only=True))
    assert models[-1] == ("Tổng cộng", 1)
    labels = [row[0] for row in workbook["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)]
    assert "Cán bộ quản lý nhà nước về SXSH (toàn huyện)" in labels
