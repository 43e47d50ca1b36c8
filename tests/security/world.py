"""One of every kind of object, in commune A, for the authorization matrix; with the official of
commune B, a few of commune B's too, so that each commune has something the other must not see.

Commune A has a facility that agreed to be shown publicly (`facility`) and one that withdrew its
consent (`withdrawn`): the latter hosts the demonstration model, with energy records before and
after and a CP measure the model demonstrates, and a published study tour visits it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile

from accounts.models import Unit
from audits.models import CPMeasure, DataRequest, Submission
from campaigns.models import (
    Attachment,
    Attendance,
    Campaign,
    DemonstrationModel,
    Document,
    FundingLine,
    FundingSource,
)
from facilities.models import ImportJob
from reports.models import Plan, PlanTask, Report, TaskReport
from tests.audits.conftest import make_measure, make_record
from tests.factories import FacilityFactory, StatusFactory, district_build, district_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@dataclass
class World:
    facility: object
    record: object
    measure: CPMeasure
    campaign: Campaign
    attendance: Attendance
    attachment: Attachment
    line: FundingLine
    model: DemonstrationModel
    document: Document
    plan: Plan
    task: PlanTask
    task_report: TaskReport
    report: Report
    job: ImportJob
    article: Campaign
    event: Campaign
    withdrawn: object
    tour: Campaign
    submission: object = None
    facility_b: object | None = None
    report_b: Report | None = None

    def facilities_of(self, commune_id: int) -> list:
        return [f for f in (self.facility, self.withdrawn, self.facility_b)
                if f is not None and f.commune_id == commune_id]


def build_world(*, staff, official_a, official_b=None) -> World:
    from facilities.models import Sector

    sector = Sector.objects.get(code="25")
    facility = FacilityFactory(commune=official_a.commune, tax_code="0100000001",
                               name="Công ty TNHH Cơ khí Đồng Ý", public_consent=True,
                               sector=sector)
    StatusFactory(facility=facility, year=2018)
    record = make_record(facility, 2018, "100", {"ELEC": "1000"})
    measure = make_measure(facility, implemented_on=date(2018, 3, 1))
    withdrawn = FacilityFactory(commune=official_a.commune, tax_code="0100000002",
                                name="Công ty CP Gốm Rút Lại", public_consent=True,
                                sector=sector)
    withdrawn.public_consent = False  # it agreed once, then withdrew
    withdrawn.save()
    StatusFactory(facility=withdrawn, year=2018, stage=3)
    make_record(withdrawn, 2017, "100", {"ELEC": "2000"}, baseline=True)
    make_record(withdrawn, 2018, "100", {"ELEC": "1500"})
    shown_measure = make_measure(withdrawn, "EQUIPMENT", investment=700_000_000,
                                 saving=90_000_000, implemented_on=date(2018, 4, 1),
                                 description="Lò nung tiết kiệm của Gốm Rút Lại")
    kinh_te, vhtt = Unit.objects.get(code="KINH_TE"), Unit.objects.get(code="TT_VHTT")
    campaign = district_create(Campaign, kind="training_conference", title="Hội nghị",
                               lead_unit=kinh_te, starts_on=date(2018, 5, 10))
    attendance = Attendance.objects.create(campaign=campaign, facility=facility)
    attachment = Attachment(campaign=campaign, kind="document", original_name="a.pdf",
                            size=len(PDF))
    attachment.file.save("a.pdf", ContentFile(PDF), save=True)
    source = FundingSource.objects.get(code="KHUYEN_CONG")
    line = FundingLine.objects.create(campaign=campaign, source=source, year=2018,
                                      planned_vnd=10, spent_vnd=5)
    model = district_create(DemonstrationModel, title="Mô hình", host=withdrawn, technology="x",
                            year=2018, status="approved", before_year=2017,
                            after_year=2018)
    model.cp_measures.add(shown_measure)
    tour = district_create(Campaign, kind="study_tour", title="Tham quan mô hình",
                           lead_unit=kinh_te, starts_on=date(2018, 9, 5),
                           visited_model=model, is_public=True)
    Attendance.objects.create(campaign=tour, facility=facility)
    document = district_build(Document, title="Sổ tay", kind="handbook", campaign=campaign,
                              is_public=True, original_name="so-tay.pdf", size=len(PDF))
    document.file.save("so-tay.pdf", ContentFile(PDF), save=True)
    plan = district_create(Plan, code="108/KH-UBND", title="KH", year=2018, baseline_year=2017,
                           signed_on=date(2018, 3, 28))
    task = PlanTask.objects.create(plan=plan, unit=vhtt, duty="Tuyên truyền")
    task_report = TaskReport(task=task, reported_on=date(2018, 9, 1), text="x",
                             status="in_progress", attachment_name="b.pdf")
    task_report.attachment.save("b.pdf", ContentFile(PDF), save=True)
    report = district_create(Report, year=2018, commune=official_a.commune, format="xlsx",
                             requested_by=staff)
    from reports.building import report_build

    report_build(report.pk)
    report.refresh_from_db()
    job = ImportJob(kind="facilities", original_name="x.xlsx", requested_by=official_a,
                    commune=official_a.commune)
    job.file.save("x.xlsx", ContentFile(b"PK"), save=True)
    article = district_create(Campaign, kind="web_article", title="Tin bài", lead_unit=kinh_te,
                              starts_on=date(2018, 6, 1), is_public=True,
                              description="Nội dung")
    event = district_create(Campaign, kind="workshop", title="Hội thảo công khai",
                            lead_unit=kinh_te, starts_on=date(2018, 8, 1),
                            is_public=True)
    world = World(facility, record, measure, campaign, attendance, attachment, line, model,
                  document, plan, task, task_report, report, job, article, event, withdrawn,
                  tour)
    # The facility's form for the 2018 data request, not started yet.
    data_request = district_create(DataRequest, year=2018, deadline=date(2099, 1, 31),
                                   title="Số liệu năm 2018", created_by=staff)
    world.submission = Submission.objects.create(request=data_request, facility=facility)
    if official_b is not None:
        add_commune_b(world, official_b)
    return world


def add_commune_b(world: World, official_b) -> None:
    """A facility of commune B that took part in the same campaigns, and B's own report."""
    from facilities.models import Sector
    from reports.building import report_build

    facility_b = FacilityFactory(commune=official_b.commune, tax_code="0100000009",
                                 name="Hợp tác xã Dệt Tiền Phong",
                                 sector=Sector.objects.get(code="13"))
    StatusFactory(facility=facility_b, year=2018, stage=3)
    make_record(facility_b, 2017, "50", {"ELEC": "800"}, baseline=True)
    make_record(facility_b, 2018, "50", {"ELEC": "600"})
    make_measure(facility_b, "EQUIPMENT", investment=50_000_000, saving=20_000_000,
                 implemented_on=date(2018, 6, 1))
    for campaign in (world.campaign, world.tour):
        Attendance.objects.create(campaign=campaign, facility=facility_b, people=2)
    report_b = district_create(Report, year=2018, commune=official_b.commune, format="xlsx",
                               requested_by=official_b)
    report_build(report_b.pk)
    report_b.refresh_from_db()
    world.facility_b, world.report_b = facility_b, report_b


# ---- a second district ------------------------------------------------------------------------
#
# Sóc Sơn (code 016) with two communes (made-up codes; the second shares its name with Mê Linh's
# Xã Tiền Phong, as names do across the city), its own implementing unit, its people, and one of
# every kind of object of its own, to hold the district boundary both ways. Built after
# `build_world` and after the cast: with two districts a row made without a district is refused.

DISTRICT_B = "016"


@dataclass
class DistrictB:
    district: object
    commune: object
    namesake: object  # Xã Tiền Phong of Sóc Sơn, namesake of Mê Linh's
    unit: object
    people: dict
    facility: object
    record: object
    measure: object
    campaign: Campaign
    attendance: Attendance
    attachment: Attachment
    line: FundingLine
    model: DemonstrationModel
    document: Document
    job: ImportJob
    submission: object


def build_district_b() -> DistrictB:
    from accounts.models import Commune, District, Role
    from facilities.models import Sector
    from tests.conftest import make_user

    district = District.objects.create(code=DISTRICT_B, name="Sóc Sơn", kind="huyen")
    commune = Commune.objects.create(code="90001", name="Phù Linh", district=district)
    namesake = Commune.objects.create(code="90002", name="Tiền Phong", district=district)
    unit = Unit.objects.create(code="SS_KINH_TE", name="Phòng Kinh tế huyện Sóc Sơn",
                               district=district)
    people = {
        "staff_b": make_user("staff_b", Role.STAFF, district=district),
        "leader_b": make_user("leader_b", Role.LEADER, district=district),
        "official_sb": make_user("official_sb", Role.COMMUNE, commune=commune,
                                 district=district),
        "unit_b": make_user("unit_b", Role.UNIT, unit=unit, district=district),
    }
    facility = FacilityFactory(commune=commune, tax_code="0200000001",
                               name="Công ty TNHH Gạch Phù Linh", public_consent=True,
                               sector=Sector.objects.get(code="23"))
    StatusFactory(facility=facility, year=2018, stage=3)
    make_record(facility, 2017, "80", {"ELEC": "900"}, baseline=True)
    record = make_record(facility, 2018, "80", {"ELEC": "700"})
    measure = make_measure(facility, "EQUIPMENT", investment=30_000_000, saving=9_000_000,
                           implemented_on=date(2018, 5, 1))
    campaign = Campaign.objects.create(kind="workshop", title="Hội thảo Sóc Sơn", lead_unit=unit,
                                       starts_on=date(2018, 7, 2), district=district)
    attendance = Attendance.objects.create(campaign=campaign, facility=facility)
    attachment = Attachment(campaign=campaign, kind="document", original_name="ss.pdf",
                            size=len(PDF))
    attachment.file.save("ss.pdf", ContentFile(PDF), save=True)
    line = FundingLine.objects.create(campaign=campaign,
                                      source=FundingSource.objects.get(code="KHUYEN_CONG"),
                                      year=2018, planned_vnd=20, spent_vnd=7)
    model = DemonstrationModel.objects.create(title="Mô hình Sóc Sơn", host=facility,
                                              technology="y", year=2018, status="approved",
                                              district=district)
    document = Document(title="Tài liệu Sóc Sơn", kind="leaflet", campaign=campaign,
                        is_public=False, original_name="ss-tl.pdf", size=len(PDF),
                        district=district)
    document.file.save("ss-tl.pdf", ContentFile(PDF), save=True)
    job = ImportJob(kind="facilities", original_name="soc-son.xlsx",
                    requested_by=people["staff_b"])
    job.file.save("soc-son.xlsx", ContentFile(b"PK"), save=True)
    request = DataRequest.objects.create(year=2018, deadline=date(2099, 1, 31),
                                         title="Số liệu Sóc Sơn 2018",
                                         created_by=people["staff_b"], district=district)
    submission = Submission.objects.create(request=request, facility=facility)
    return DistrictB(district, commune, namesake, unit, people, facility, record, measure,
                     campaign, attendance, attachment, line, model, document, job, submission)
