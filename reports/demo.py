"""Plan 108/KH-UBND of 28/3/2018, its targets and its units' duties, for `load_demo`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts.demo import MELINH
from accounts.models import District, Unit
from reports.models import Plan, PlanTask, Target

# Section IV of the plan, in its own words, shortened.
DUTIES = {
    "KINH_TE": "Cơ quan thường trực, chủ trì phối hợp với các đơn vị liên quan tham mưu UBND huyện "
    "triển khai, chỉ đạo thực hiện sản xuất sạch hơn gắn với sử dụng năng lượng tiết kiệm, hiệu "
    "quả; dự toán kinh phí hằng năm từ sự nghiệp khuyến công và khoa học công nghệ.",
    "TNMT": "Tham mưu UBND huyện triển khai ứng dụng sản xuất sạch hơn gắn với công tác bảo vệ "
    "môi trường.",
    "TCKH": "Chủ trì, phối hợp các phòng, ban tham mưu UBND huyện về tài chính để triển khai hiệu "
    "quả kế hoạch.",
    "VP_UBND": "Phối hợp với Phòng Kinh tế tuyên truyền, phổ biến về sản xuất sạch hơn trên cổng "
    "thông tin điện tử của huyện.",
    "TT_VHTT": "Phối hợp viết tin, bài tuyên truyền trên hệ thống truyền thanh của huyện, phổ biến "
    "rộng rãi đến các cơ sở, tổ chức.",
    "LDLD": "Phối hợp tuyên truyền, phổ biến về hành động sản xuất sạch hơn cho các tổ chức công "
    "đoàn tại các công ty, cơ sở.",
    "UBND_XA": "Rà soát, kiểm tra, phối hợp triển khai ứng dụng sản xuất sạch hơn cho các cơ sở "
    "công nghiệp tại địa phương.",
    "DOANH_NGHIEP": "Chủ động bố trí kinh phí và nhân lực đổi mới, cải tiến công nghệ, tiết kiệm "
    "tiêu hao nhiên liệu để hạ giá thành sản phẩm.",
}


def load() -> Plan:
    plan = Plan.objects.create(
        district=District.objects.get(code=MELINH),  # Mê Linh's plan, not the city's
        code="108/KH-UBND",
        title="Kế hoạch hành động sản xuất sạch hơn trong công nghiệp trên địa bàn huyện Mê Linh "
        "năm 2018",
        year=2018, baseline_year=2017, signed_on=date(2018, 3, 28),
        signer="Bùi Xuân Quang", signer_title="Phó Chủ tịch UBND huyện",
    )
    Target.objects.bulk_create([
        Target(plan=plan, indicator=Target.Indicator.AWARE, mode=Target.Mode.RELATIVE,
               value=Decimal("20")),
        Target(plan=plan, indicator=Target.Indicator.SAVING, mode=Target.Mode.RELATIVE,
               value=Decimal("10"), band_low=Decimal("8"), band_high=Decimal("13")),
        Target(plan=plan, indicator=Target.Indicator.OFFICERS, mode=Target.Mode.ABSOLUTE,
               value=Decimal("1")),
    ])
    # Unit codes are unique within a district only: the plan's district's units.
    units = {u.code: u for u in Unit.objects.filter(district_id=plan.district_id)}
    PlanTask.objects.bulk_create(
        PlanTask(plan=plan, unit=units[code], duty=duty) for code, duty in DUTIES.items()
    )
    return plan


# unit code -> [(date, status, text)]
PROGRESS = {
    "KINH_TE": [
        (date(2018, 6, 25), PlanTask.Status.IN_PROGRESS, "Đã tổ chức hội nghị tập huấn ngày "
         "10/5/2018 với 164 đại biểu; phát hành 3.000 tờ rơi; lựa chọn 02 mô hình trình diễn."),
        (date(2018, 12, 20), PlanTask.Status.DONE, "Hoàn thành các nội dung của kế hoạch; "
         "mô hình lò hơi sinh khối đã nghiệm thu; tổng hợp báo cáo gửi Sở Công Thương."),
    ],
    "TT_VHTT": [
        (date(2018, 9, 28), PlanTask.Status.IN_PROGRESS, "Phát 16 tin bài trên hệ thống "
         "truyền thanh huyện và các xã."),
        (date(2018, 12, 24), PlanTask.Status.DONE, "Phát tổng cộng 24 tin bài trong năm."),
    ],
    "VP_UBND": [
        (date(2018, 11, 22), PlanTask.Status.IN_PROGRESS, "Đăng 03 tin bài về sản xuất sạch "
         "hơn trên cổng thông tin điện tử huyện."),
    ],
    "TNMT": [
        (date(2018, 8, 30), PlanTask.Status.IN_PROGRESS, "Phối hợp tổ chức hội thảo tiết kiệm "
         "năng lượng gắn với bảo vệ môi trường tại KCN Quang Minh."),
    ],
    "UBND_XA": [
        (date(2018, 12, 10), PlanTask.Status.IN_PROGRESS, "Các xã, thị trấn rà soát, cập nhật "
         "danh sách cơ sở sản xuất và mức độ áp dụng sản xuất sạch hơn năm 2018."),
    ],
}


def load_progress(plan: Plan) -> None:
    from accounts.models import Role, User
    from reports.models import TaskReport

    staff = User.objects.filter(role=Role.STAFF).first()
    unit_officers = {u.unit_id: u for u in User.objects.filter(role=Role.UNIT)}
    for task in plan.tasks.select_related("unit"):
        for when, status, text in PROGRESS.get(task.unit.code, []):
            TaskReport.objects.create(task=task, reported_on=when, status=status, text=text,
                                      reported_by=unit_officers.get(task.unit_id, staff))
            task.status = status
        task.save(update_fields=["status"])
