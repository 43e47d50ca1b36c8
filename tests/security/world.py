"""One of every kind of object, in commune A, for the authorization matrix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile

from accounts.models import Unit
from audits.models import CPMeasure
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
from tests.factories import FacilityFactory, StatusFactory

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


def build_world(*, staff, official_a) -> World:
    from facilities.models import Sector

    facility = FacilityFactory(commune=official_a.commune, tax_code="0100000001",
                               public_consent=True, sector=Sector.objects.get(code="25"))
    StatusFactory(facility=facility, year=2018)
    record = make_record(facility, 2018, "100", {"ELEC": "1000"})
    measure = make_measure(facility, implemented_on=date(2018, 3, 1))
    kinh_te, vhtt = Unit.objects.get(code="KINH_TE"), Unit.objects.get(code="TT_VHTT")
    campaign = Campaign.objects.create(kind="training_conference", title="Hội nghị",
                                       lead_unit=kinh_te, starts_on=date(2018, 5, 10))
    attendance = Attendance.objects.create(campaign=campaign, facility=facility)
    attachment = Attachment(campaign=campaign, kind="document", original_name="a.pdf",
                            size=len(PDF))
    attachment.file.save("a.pdf", ContentFile(PDF), save=True)
    source = FundingSource.objects.get(code="KHUYEN_CONG")
    line = FundingLine.objects.create(campaign=campaign, source=source, year=2018,
                                      planned_vnd=10, spent_vnd=5)
    model = DemonstrationModel.objects.create(title="Mô hình", host=facility, technology="x",
                                              year=2018, status="approved")
    document = Document(title="Sổ tay", kind="handbook", campaign=campaign, is_public=True,
                        original_name="so-tay.pdf", size=len(PDF))
    document.file.save("so-tay.pdf", ContentFile(PDF), save=True)
    plan = Plan.objects.create(code="108/KH-UBND", title="KH", year=2018, baseline_year=2017,
                               signed_on=date(2018, 3, 28))
    task = PlanTask.objects.create(plan=plan, unit=vhtt, duty="Tuyên truyền")
    task_report = TaskReport(task=task, reported_on=date(2018, 9, 1), text="x",
                             status="in_progress", attachment_name="b.pdf")
    task_report.attachment.save("b.pdf", ContentFile(PDF), save=True)
    report = Report.objects.create(year=2018, commune=official_a.commune, format="xlsx",
                                   requested_by=staff)
    from reports.building import report_build

    report_build(report.pk)
    report.refresh_from_db()
    job = ImportJob(kind="facilities", original_name="x.xlsx", requested_by=official_a,
                    commune=official_a.commune)
    job.file.save("x.xlsx", ContentFile(b"PK"), save=True)
    article = Campaign.objects.create(kind="web_article", title="Tin bài", lead_unit=kinh_te,
                                      starts_on=date(2018, 6, 1), is_public=True,
                                      description="Nội dung")
    event = Campaign.objects.create(kind="workshop", title="Hội thảo công khai",
                                    lead_unit=kinh_te, starts_on=date(2018, 8, 1),
                                    is_public=True)
    return World(facility, record, measure, campaign, attendance, attachment, line, model,
                 document, plan, task, task_report, report, job, article, event)
