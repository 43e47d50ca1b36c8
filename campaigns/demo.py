"""The 2017 and 2018 activities a district like Mê Linh would have run, for `load_demo`."""

from __future__ import annotations

import functools
import random
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.demo import MELINH
from accounts.models import Role, Unit, User
from audits import energy
from audits.selectors import energy_records_by_facility
from campaigns.models import (
    Attendance,
    Campaign,
    DemonstrationModel,
    Document,
    FundingLine,
    FundingSource,
    ModelTransition,
)
from facilities.models import Facility, FacilityYearStatus, Stage
from melinh_sxsh.lib.text import slug

K = Campaign.Kind
M = 1_000_000  # VND amounts below are written in millions

# (kind, title, unit, start, end, place, people, copies, broadcasts, facilities, public,
#  funding [(source, planned, spent)])
CAMPAIGNS = [
    (K.TRAINING_CONFERENCE, "Hội nghị tập huấn sản xuất sạch hơn trong công nghiệp năm 2017",
     "KINH_TE", date(2017, 6, 15), None, "Hội trường UBND huyện Mê Linh", 118, 0, 0, 45, True,
     [("KHUYEN_CONG", 40, 38.5)]),
    (K.LEAFLETS, "Tờ rơi: Lợi ích của sản xuất sạch hơn cho doanh nghiệp", "KINH_TE",
     date(2017, 7, 1), None, "Các xã, thị trấn", 0, 2000, 0, 0, False, [("NS_HUYEN", 12, 11.6)]),
    (K.RADIO, "Chuyên mục phát thanh: Sản xuất sạch hơn, tiết kiệm năng lượng (2017)",
     "TT_VHTT", date(2017, 9, 4), date(2017, 12, 25), "Đài truyền thanh huyện", 0, 0, 12, 0,
     False, [("NS_HUYEN", 4, 4)]),
    (K.WEB_ARTICLE, "Mê Linh triển khai kế hoạch sản xuất sạch hơn trong công nghiệp",
     "VP_UBND", date(2017, 10, 10), None, "Cổng thông tin điện tử huyện", 0, 0, 0, 0, True, []),
    (K.TRAINING_CONFERENCE, "Hội nghị tập huấn sản xuất sạch hơn trong công nghiệp năm 2018",
     "KINH_TE", date(2018, 5, 10), None, "Hội trường UBND huyện Mê Linh", 164, 0, 0, 60, True,
     [("KHUYEN_CONG", 45, 42.5), ("NS_HUYEN", 10, 9.2)]),
    (K.WORKSHOP, "Hội thảo: Tiết kiệm năng lượng gắn với bảo vệ môi trường tại KCN Quang Minh",
     "TNMT", date(2018, 8, 22), None, "Ban quản lý KCN Quang Minh", 72, 0, 0, 30, True,
     [("MOI_TRUONG", 30, 27.8)]),
    (K.LEAFLETS, "Tờ rơi: Sổ tay tiết kiệm điện trong sản xuất", "KINH_TE", date(2018, 4, 2),
     None, "Các xã, thị trấn", 0, 3000, 0, 0, False, [("NS_HUYEN", 15, 14.2)]),
    (K.PRINTED_MATERIALS, "In sổ tay hướng dẫn kỹ thuật sản xuất sạch hơn", "KINH_TE",
     date(2018, 3, 20), None, "", 0, 500, 0, 0, False, [("KHCN", 25, 24)]),
    (K.RADIO, "Tin phát thanh: Doanh nghiệp Mê Linh áp dụng sản xuất sạch hơn (2018)",
     "TT_VHTT", date(2018, 3, 5), date(2018, 12, 24), "Đài truyền thanh huyện", 0, 0, 24, 0,
     True, [("NS_HUYEN", 6, 6)]),
    (K.WEB_ARTICLE, "Hiệu quả từ mô hình lò hơi tiết kiệm năng lượng tại KCN Quang Minh",
     "VP_UBND", date(2018, 11, 20), None, "Cổng thông tin điện tử huyện", 0, 0, 0, 0, True, []),
    (K.WEB_ARTICLE, "Hội nghị tập huấn sản xuất sạch hơn năm 2018 thu hút 164 đại biểu",
     "VP_UBND", date(2018, 5, 11), None, "Cổng thông tin điện tử huyện", 0, 0, 0, 0, True, []),
    (K.TRAINING_COURSE, "Tuyên truyền sản xuất sạch hơn qua tổ chức công đoàn doanh nghiệp",
     "LDLD", date(2018, 9, 12), None, "Nhà văn hóa thị trấn Quang Minh", 95, 0, 0, 18, False,
     [("NS_HUYEN", 8, 7.5)]),
    (K.CONSULTING, "Tư vấn đánh giá nhanh sản xuất sạch hơn cho cơ sở thí điểm", "KINH_TE",
     date(2018, 6, 18), date(2018, 9, 30), "Tại cơ sở", 24, 0, 0, 10, False,
     [("KHUYEN_CONG", 60, 58)]),
]

DOCUMENTS = [
    ("Sổ tay hướng dẫn kỹ thuật sản xuất sạch hơn trong công nghiệp", Document.Kind.HANDBOOK,
     7, True),
    ("Tờ rơi: Sổ tay tiết kiệm điện trong sản xuất", Document.Kind.LEAFLET, 6, True),
    ("Kịch bản tin phát thanh về sản xuất sạch hơn năm 2018", Document.Kind.RADIO_SCRIPT, 8,
     False),
    ("Bài trình bày tại hội nghị tập huấn năm 2018", Document.Kind.SLIDES, 4, True),
]


@functools.cache
def demo_pdf(title: str) -> bytes:
    """A one-page PDF standing in for the scanned original. Kept for the process: WeasyPrint
    takes half a second a document, and a process that loads the demo again (a test worker)
    gets the same bytes."""
    from weasyprint import HTML

    html = (f"<html lang='vi'><body style='font-family: serif'><h1 style='font-size:18pt'>"
            f"{title}</h1><p>UBND huyện Mê Linh – Phòng Kinh tế. Tài liệu mẫu của cổng thông "
            f"tin sản xuất sạch hơn.</p></body></html>")
    return HTML(string=html).write_pdf()


def load(rng: random.Random) -> None:
    # Unit codes are unique within a district only: Mê Linh's, whose demo this is.
    units = {u.code: u for u in Unit.objects.filter(district__code=MELINH)}
    sources = {s.code: s for s in FundingSource.objects.all()}
    staff = User.objects.filter(role=Role.STAFF).first()
    models = load_models(staff, sources)
    aware_2018 = list(FacilityYearStatus.objects.filter(year=2018, stage__gte=Stage.AWARE)
                      .values_list("facility_id", flat=True))
    others = list(Facility.objects.exclude(pk__in=aware_2018).values_list("pk", flat=True))
    campaigns = []
    for (kind, title, unit, start, end, place, people, copies, broadcasts, count, public,
         funding) in CAMPAIGNS:
        campaign = Campaign.objects.create(
            kind=kind, title=title, lead_unit=units[unit], starts_on=start, ends_on=end,
            place=place, people_reached=people, copies_printed=copies,
            broadcasts_aired=broadcasts, is_public=public, created_by=staff,
            district_id=staff.district_id,
            description=f"{title}. Thực hiện Kế hoạch 108/KH-UBND ngày 28/3/2018 của UBND huyện.")
        campaigns.append(campaign)
        # Mostly facilities that became aware; a few that were reached only by the campaign.
        chosen = set(rng.sample(aware_2018, min(len(aware_2018), count - count // 6)))
        chosen |= set(rng.sample(others, min(len(others), count // 6)))
        Attendance.objects.bulk_create(
            Attendance(campaign=campaign, facility_id=pk, people=rng.choice([1, 1, 2, 2, 3]),
                       added_by=staff) for pk in sorted(chosen))
        FundingLine.objects.bulk_create(
            FundingLine(campaign=campaign, source=sources[code], year=start.year,
                        planned_vnd=int(planned * M), spent_vnd=int(spent * M))
            for code, planned, spent in funding)
    tour = Campaign.objects.create(
        kind=K.STUDY_TOUR, title="Tham quan mô hình lò hơi tiết kiệm năng lượng",
        lead_unit=units["KINH_TE"], starts_on=date(2018, 10, 12), place=models[0].host.address,
        people_reached=38, visited_model=models[0], is_public=True, created_by=staff,
        district_id=staff.district_id,
        description="Đoàn cơ sở sản xuất tham quan, học tập kinh nghiệm tại mô hình trình diễn.")
    Attendance.objects.bulk_create(
        Attendance(campaign=tour, facility_id=pk, people=2, added_by=staff)
        for pk in rng.sample(aware_2018, min(len(aware_2018), 15)))
    FundingLine.objects.create(campaign=tour, source=sources["MOI_TRUONG"], year=2018,
                               planned_vnd=25 * M, spent_vnd=23_500_000)
    for title, kind, campaign_index, public in DOCUMENTS:
        document = Document(title=title, kind=kind, campaign=campaigns[campaign_index],
                            is_public=public, uploaded_by=staff, district_id=staff.district_id,
                            download_count=rng.randint(5, 140))
        content = demo_pdf(title)
        name = f"{slug(title)}.pdf"  # named as an office would name it: its title
        document.original_name, document.size = name, len(content)
        document.file.save(name, ContentFile(content), save=True)


def load_models(staff, sources) -> list[DemonstrationModel]:
    """Two demonstration models at different stages, with their logs and funding."""
    # Hosts whose own records show the result: measured in 2017 and 2018, with measures.
    measured = (Facility.objects.filter(energy_records__year=2017)
                .filter(energy_records__year=2018)
                .filter(cp_measures__status="implemented").distinct().order_by("name_sort"))
    ratios = {}
    for pk, records in energy_records_by_facility(measured).items():
        ratio = energy.saving_ratio(energy.record_of_year(records, 2017),
                                    energy.record_of_year(records, 2018))
        if ratio is not None:
            ratios[pk] = ratio
    # The pilot that shows its result best becomes the boiler model's host.
    best = max(ratios, key=ratios.get) if ratios else None
    boiler_host = (Facility.objects.filter(pk=best).first() or measured.first()
                   or Facility.objects.order_by("name_sort").first())
    press_host = (measured.exclude(pk=boiler_host.pk).first()
                  or Facility.objects.exclude(pk=boiler_host.pk).order_by("name_sort").first())
    boiler = DemonstrationModel.objects.create(
        title="Mô hình lò hơi đốt sinh khối thay lò hơi đốt than", host=boiler_host, year=2018,
        district_id=staff.district_id,
        technology="Thay lò hơi đốt than cám 2 tấn hơi/giờ bằng lò hơi đốt viên nén sinh khối, "
        "thu hồi nhiệt khói thải để gia nhiệt nước cấp.",
        before_year=2017, after_year=2018, status=DemonstrationModel.Status.EVALUATED,
        description="Mô hình trình diễn được hỗ trợ từ kinh phí khuyến công năm 2018.")
    press = DemonstrationModel.objects.create(
        title="Mô hình lắp biến tần cho máy ép phun nhựa", host=press_host, year=2018,
        district_id=staff.district_id,
        technology="Lắp biến tần cho 12 máy ép phun, cải tạo hệ thống chiếu sáng nhà xưởng.",
        before_year=2017, after_year=2018, status=DemonstrationModel.Status.APPROVED)
    boiler.cp_measures.set(boiler_host.cp_measures.filter(status="implemented"))
    press.cp_measures.set(press_host.cp_measures.all()[:1])
    order = DemonstrationModel.ORDER
    for model, dates in ((boiler, ["2018-02-01", "2018-03-15", "2018-04-02", "2018-09-28",
                                   "2018-11-15"]), (press, ["2018-06-01", "2018-07-20"])):
        previous = ""
        for status, when in zip(order, dates, strict=False):
            move = ModelTransition.objects.create(model=model, from_status=previous,
                                                  to_status=status, moved_by=staff,
                                                  reason="" if previous else "Đề xuất")
            # auto_now_add stamps today; the demo's moves happened in 2018.
            ModelTransition.objects.filter(pk=move.pk).update(
                moved_at=timezone.make_aware(datetime.fromisoformat(when + "T09:00")))
            previous = status
    FundingLine.objects.bulk_create([
        FundingLine(model=boiler, source=sources["KHUYEN_CONG"], year=2018, planned_vnd=300 * M,
                    spent_vnd=300 * M, note="Hỗ trợ thiết bị"),
        FundingLine(model=boiler, source=sources["DOANH_NGHIEP"], year=2018,
                    planned_vnd=480 * M, spent_vnd=465 * M, note="Doanh nghiệp đối ứng"),
        FundingLine(model=press, source=sources["KHCN"], year=2018, planned_vnd=200 * M,
                    spent_vnd=80 * M, note="Tạm ứng đợt 1"),
        FundingLine(model=press, source=sources["NS_THANH_PHO"], year=2018, planned_vnd=100 * M,
                    spent_vnd=0),
    ])
    return [boiler, press]
