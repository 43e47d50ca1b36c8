"""The progress report as a workbook: KPIs, communes, the facilities counted, campaigns and
funding; frozen headers, number formats and widths that fit."""

from __future__ import annotations

from io import BytesIO

from django.utils.text import capfirst

from melinh_sxsh.lib.text import round_significant
from melinh_sxsh.lib.xlsx import XLSX_CONTENT_TYPE, new_write_only_workbook, write_table
from reports import kpis
from reports.exporters.base import Exporter, ReportData

INT, TWO, THREE = "#,##0", "#,##0.00", "#,##0.000"
# An SEC: 2 decimals, more when it is small (0,00412 kgOE per kg; lib/text.format_significant).
SEC = "#,##0.00######"


def _sec(value):
    return float(round_significant(value))


def _percent(value):
    rounded = kpis.round_half_up(value, kpis.PERCENT_PLACES)
    return None if rounded is None else float(rounded)


def _met(flag) -> str:
    return "Đạt" if flag else "Không đạt"


class XlsxExporter(Exporter):
    identifier = "xlsx"
    extension = "xlsx"
    content_type = XLSX_CONTENT_TYPE

    def render_bytes(self, data: ReportData) -> bytes:
        workbook = new_write_only_workbook()
        self.kpi_sheet(workbook.create_sheet("Chỉ tiêu"), data)
        self.commune_sheet(workbook.create_sheet("Xã, thị trấn"), data)
        self.saver_sheet(workbook.create_sheet("Cơ sở tiết kiệm"), data)
        self.campaign_sheet(workbook.create_sheet("Hoạt động"), data)
        self.kind_sheet(workbook.create_sheet("Theo loại hoạt động"), data)
        self.model_sheet(workbook.create_sheet("Mô hình trình diễn"), data)
        # A commune's workbook leaves the budget out (ReportData.funding); were it printed, it
        # would say it is the district's: the budget is never split by commune.
        if data.funding is not None:
            self.funding_sheet(workbook.create_sheet(
                "Kinh phí" if data.activity.whole_district else "Kinh phí toàn huyện"), data)
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def kpi_sheet(self, sheet, data: ReportData) -> None:
        f = data.figures
        base, year = f.baseline_year, f.year
        rows = [
            ("Cơ sở đang hoạt động", f.active.baseline, f.active.current, None, None, None,
             None, None),
            ("Cơ sở nhận thức được lợi ích của SXSH", f.aware.baseline, f.aware.current,
             _percent(f.aware.change_percent), _percent(f.aware.change_points),
             float(f.aware.target.value), str(f.aware.mode.label), _met(f.aware.met)),
            ("Cơ sở đang áp dụng SXSH", f.applying.baseline, f.applying.current, None, None,
             None, None, None),
            ("Cơ sở áp dụng SXSH tiết kiệm năng lượng", f.saving.baseline, f.saving.current,
             _percent(f.saving.change_percent), _percent(f.saving.change_points),
             float(f.saving.target.value), str(f.saving.mode.label), _met(f.saving.met)),
            ("– trong đó tiết kiệm trong khoảng chỉ tiêu (đạt)", None, f.in_band, None, None,
             None, None, None),
            ("– trong đó tiết kiệm vượt khoảng chỉ tiêu (vượt)", None, f.above_band, None, None,
             None, None, None),
            ("Cán bộ quản lý nhà nước về SXSH" + (" (toàn huyện)" if data.commune else ""),
             None, f.officers.current, None, None,
             float(f.officers.target), str(kpis.Mode.ABSOLUTE.label), _met(f.officers.met)),
            ("Năng lượng tiết kiệm (TOE)", None,
             float(kpis.round_half_up(f.energy_saved_toe, kpis.TOE_PLACES)), None, None, None,
             None, None),
        ]
        write_table(sheet, ["Chỉ tiêu", f"Năm {base}", f"Năm {year}", "Tăng, giảm (%)",
                            "Tăng, giảm (điểm %)", "Chỉ tiêu kế hoạch", "Cách tính", "Đánh giá"],
                    rows, widths=[48, 12, 12, 15, 18, 16, 30, 12],
                    number_formats={1: INT, 2: "#,##0.###", 3: TWO, 4: TWO, 5: TWO})

    def commune_sheet(self, sheet, data: ReportData) -> None:
        base, year = data.figures.baseline_year, data.figures.year
        rows = ((row.code, row.name, row.kpis.active.current, row.kpis.aware.baseline,
                 row.kpis.aware.current, _percent(row.kpis.aware.change_points),
                 row.kpis.applying.current, row.kpis.saving.baseline, row.kpis.saving.current,
                 float(kpis.round_half_up(row.kpis.energy_saved_toe, kpis.TOE_PLACES)))
                for row in data.table)
        write_table(sheet, ["Mã", "Xã, thị trấn", "Đang hoạt động", f"Nhận thức {base}",
                            f"Nhận thức {year}", "Tăng, giảm (điểm %)", f"Áp dụng {year}",
                            f"Tiết kiệm {base}", f"Tiết kiệm {year}", "TOE tiết kiệm"],
                    rows, widths=[8, 18, 14, 14, 14, 18, 12, 13, 13, 14],
                    number_formats={2: INT, 3: INT, 4: INT, 5: TWO, 6: INT, 7: INT, 8: INT,
                                    9: THREE})

    def saver_sheet(self, sheet, data: ReportData) -> None:
        rows = ((row.name, row.tax_code, row.commune, row.baseline_year,
                 _sec(row.sec_baseline), _sec(row.sec_current),
                 row.product_unit, _percent(row.ratio * 100),
                 "Vượt" if row.above_band else "Đạt",
                 float(kpis.round_half_up(row.energy_saved_toe, kpis.TOE_PLACES)))
                for row in data.savers)
        write_table(sheet, ["Tên cơ sở", "Mã số thuế", "Xã, thị trấn", "Năm cơ sở",
                            "Suất tiêu hao năm cơ sở (kgOE/đvsp)",
                            f"Suất tiêu hao năm {data.year} (kgOE/đvsp)", "Đơn vị sản phẩm",
                            "Mức tiết kiệm (%)", "Đánh giá", "TOE tiết kiệm"],
                    rows, widths=[40, 16, 16, 10, 18, 18, 16, 14, 10, 14],
                    number_formats={4: SEC, 5: SEC, 7: TWO, 9: THREE})

    def campaign_sheet(self, sheet, data: ReportData) -> None:
        """Each campaign the report counts; at a commune's scope, the commune's people and
        facilities (the rows add up to the activity figures)."""
        headers = ["Ngày", "Loại", "Tên hoạt động", "Đơn vị chủ trì", "Địa điểm"]
        widths = [12, 20, 50, 34, 28]
        if data.activity.whole_district:
            headers += ["Số người", "Số cơ sở tham gia", "Số bản in", "Số lần phát sóng"]
            rows = ((c.starts_on, c.kind_label, c.title, c.lead_unit, c.place, c.people_reached,
                     c.facilities_reached, c.copies_printed, c.broadcasts_aired)
                    for c in data.campaigns)
            widths += [10, 12, 10, 14]
        else:
            headers += [f"Số người của {data.scope_label}", f"Số cơ sở của {data.scope_label}"]
            rows = ((c.starts_on, c.kind_label, c.title, c.lead_unit, c.place, c.people_reached,
                     c.facilities_reached) for c in data.campaigns)
            widths += [18, 18]
        write_table(sheet, headers, rows, widths=widths,
                    number_formats={0: "DD/MM/YYYY", 5: INT, 6: INT, 7: INT, 8: INT})

    def kind_sheet(self, sheet, data: ReportData) -> None:
        activity = data.activity
        headers = ["Loại hoạt động", "Số hoạt động", "Số người", "Số cơ sở tham gia"]
        if activity.whole_district:
            headers += ["Số bản in", "Số lần phát sóng"]

        def cells(row) -> tuple:
            base = (row.label, row.campaigns, row.people_reached, row.facilities_reached)
            return base + ((row.copies_printed, row.broadcasts_aired)
                           if activity.whole_district else ())

        rows = [cells(row) for row in activity.kinds if row.campaigns]
        total = ("Tổng cộng", activity.campaigns, activity.people_reached,
                 activity.facilities_reached)
        if activity.whole_district:
            total += (activity.copies_printed, activity.broadcasts_aired)
        rows.append(total)
        write_table(sheet, headers, rows, widths=[28, 12, 12, 16, 12, 16],
                    number_formats={1: INT, 2: INT, 3: INT, 4: INT, 5: INT})

    def model_sheet(self, sheet, data: ReportData) -> None:
        activity = data.activity
        rows = [(str(capfirst(label)), count) for _status, label, count in
                activity.models_by_status]
        rows.append(("Tổng cộng", activity.models))
        title = "Trạng thái" if activity.whole_district else (
            f"Trạng thái (mô hình tại cơ sở của {data.scope_label})")
        write_table(sheet, [title, "Số mô hình"], rows, widths=[48, 12],
                    number_formats={1: INT})

    def funding_sheet(self, sheet, data: ReportData) -> None:
        funding = data.funding
        rows = [(row.source_name, row.planned_vnd, row.spent_vnd, row.rest_vnd)
                for row in funding.rows]
        rows.append(("Tổng cộng", funding.planned_vnd, funding.spent_vnd, funding.rest_vnd))
        source = "Nguồn kinh phí" if data.activity.whole_district else (
            "Nguồn kinh phí (toàn huyện, không phân bổ theo xã)")
        write_table(sheet, [source, "Dự toán (đồng)", "Đã chi (đồng)",
                            "Còn lại (đồng)"], rows, widths=[40, 18, 18, 18],
                    number_formats={1: INT, 2: INT, 3: INT})
