"""The city's report (Sở Công Thương to UBND thành phố, docs/KPI.md "The city report"): the
city's figures against its plan, each district's row and a chart comparing them, as PDF and
workbook.

A district's row is its current submission's frozen figures (the snapshot of its latest issued
report of the whole district) when the city has not returned it; otherwise, and for a district
that has not issued, its live figures from the KPI engine, marked so. The city's figures are the
sums of the rows, their changes computed again from the sums (kpis.Comparison) against the city
plan's targets, as the engine sums its districts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import District
from melinh_sxsh.lib.text import place_and_date
from melinh_sxsh.lib.xlsx import XLSX_CONTENT_TYPE, new_write_only_workbook, write_table
from reports import charts, kpis
from reports.exporters.base import Exporter
from reports.exporters.pdf import STATIC
from reports.models import Plan, Report
from reports.selectors import district_submissions

# Where a district's row comes from.
SUBMITTED, RETURNED, LIVE = "submitted", "returned", "live"
SOURCE_TEXT = {SUBMITTED: "Đã gửi", RETURNED: "Bị trả lại", LIVE: "Chưa gửi"}
# A district's late mark is named one by one up to this many; beyond, counted.
NAMED_LATE = 10
CITY_PLAN_CODE = "1048/KH-SCT"


def _count(value: Any) -> int:
    return int(value or 0)


def _kpis_from_json(kpi: dict[str, Any], year: int) -> kpis.KPIs:
    """A frozen snapshot's KPI JSON (KPIs.as_json) read back as the engine's figures: the same
    counts and targets, so the changes and `met` come out as they printed."""

    def spec(indicator: str, part: dict[str, Any], mode: str | None = None) -> kpis.TargetSpec:
        return kpis.TargetSpec(indicator, kpis.Mode(part.get("target_mode") or mode),
                               Decimal(str(part.get("target", 0))))

    baseline_year = int(kpi.get("baseline_year") or year - 1)
    aware, saving, applying = kpi.get("aware", {}), kpi.get("saving", {}), kpi.get("applying", {})
    active, officers = kpi.get("active", {}), kpi.get("officers", {})
    targets = kpis.Targets(
        None, baseline_year, spec("aware", aware), spec("saving", saving),
        spec("officers", officers, kpis.Mode.ABSOLUTE))
    return _kpis(
        year, targets,
        active=(_count(active.get("baseline")), _count(active.get("current"))),
        aware=(_count(aware.get("baseline")), _count(aware.get("current"))),
        applying=(_count(applying.get("baseline")), _count(applying.get("current"))),
        saving=(_count(saving.get("baseline")), _count(saving.get("current"))),
        in_band=_count(saving.get("in_band")), above_band=_count(saving.get("above_band")),
        energy=Decimal(str(kpi.get("energy_saved_toe") or 0)),
        officers=_count(officers.get("current")))


def _kpis(year: int, targets: kpis.Targets, *, active: tuple[int, int],
          aware: tuple[int, int], applying: tuple[int, int], saving: tuple[int, int],
          in_band: int, above_band: int, energy: Decimal, officers: int) -> kpis.KPIs:
    """The engine's figures (kpis.KPIs) from counts: the changes and `met` are the engine's."""

    def compare(pair: tuple[int, int], target=None) -> kpis.Comparison:
        return kpis.Comparison(*pair, *active, target=target)

    return kpis.KPIs(
        year=year, baseline_year=targets.baseline_year, scope=kpis.Scope(), commune_code=None,
        targets=targets, active=compare(active), aware=compare(aware, targets.aware),
        applying=compare(applying), saving=compare(saving, targets.saving),
        in_band=in_band, above_band=above_band, energy_saved_toe=energy,
        officers=kpis.Officers(officers, targets.officers.value))


def _rounded_toe(value: Decimal) -> Decimal:
    # A snapshot keeps TOE rounded to 3 places: a live row is summed as it prints.
    return kpis.round_half_up(value, kpis.TOE_PLACES)


def _sum(year: int, targets: kpis.Targets, rows: list[CityRow]) -> kpis.KPIs:
    """The city's figures: every count the sum of the districts' (each in its own baseline
    year), the changes computed again from the sums against the city plan's targets."""

    def pair(name: str) -> tuple[int, int]:
        return (sum(getattr(row.kpis, name).baseline for row in rows),
                sum(getattr(row.kpis, name).current for row in rows))

    return _kpis(
        year, targets, active=pair("active"), aware=pair("aware"), applying=pair("applying"),
        saving=pair("saving"), in_band=sum(row.kpis.in_band for row in rows),
        above_band=sum(row.kpis.above_band for row in rows),
        energy=sum((_rounded_toe(row.kpis.energy_saved_toe) for row in rows), Decimal(0)),
        officers=sum(row.kpis.officers.current for row in rows))


@dataclass(frozen=True)
class CityRow:
    """One district in the city's report: its figures, where they come from, whether late."""

    district: District
    source: str
    late: bool
    kpis: kpis.KPIs
    submission: Report | None = None

    @property
    def live(self) -> bool:
        """Its figures are today's, not an issued report's."""
        return self.source != SUBMITTED

    @property
    def source_text(self) -> str:
        return SOURCE_TEXT[self.source]

    @property
    def figures_text(self) -> str:
        return "Hiện tại" if self.live else "Theo báo cáo"

    @property
    def issued_on(self) -> date | None:
        if self.submission is None or self.submission.issued_at is None:
            return None
        return timezone.localdate(self.submission.issued_at)

    @property
    def has_data(self) -> bool:
        """Whether the district keeps any facility on the portal in either year: one that keeps
        none has not been judged against its plan, so its verdicts print as "—"."""
        return bool(self.kpis.active.current or self.kpis.active.baseline)

    @property
    def verdicts(self) -> dict[str, str]:
        """Each target's verdict as printed: met, not met, or "—" without data."""
        return {name: verdict(getattr(self.kpis, name).met, self.has_data)
                for name in ("aware", "saving", "officers")}

    @property
    def name(self) -> str:
        return str(self.district)

    @property
    def label(self) -> str:
        """Its name, with * when its figures are live (the chart's and tables' mark)."""
        return f"{self.district.name}*" if self.live else self.district.name


@dataclass(frozen=True)
class CityReportData:
    """Every figure of the city's report of `year`."""

    year: int
    built_on: date
    number: str
    signer: str
    signer_title: str
    plan: Plan | None
    targets: kpis.Targets
    due: date
    rows: list[CityRow]
    figures: kpis.KPIs

    @property
    def plan_code(self) -> str:
        return self.plan.code if self.plan else CITY_PLAN_CODE

    @property
    def counts(self) -> dict[str, int]:
        """How many districts submitted, were returned, sent nothing, are late."""
        return {SUBMITTED: sum(r.source == SUBMITTED for r in self.rows),
                RETURNED: sum(r.source == RETURNED for r in self.rows),
                LIVE: sum(r.source == LIVE for r in self.rows),
                "late": sum(r.late for r in self.rows),
                "aware_met": sum(bool(r.kpis.aware.met) for r in self.rows),
                "saving_met": sum(bool(r.kpis.saving.met) for r in self.rows),
                "officers_met": sum(bool(r.kpis.officers.met) for r in self.rows)}

    @property
    def late_names(self) -> list[str]:
        """The late districts' names, when few enough to name in a sentence (else none: the
        annex marks each)."""
        late = [row.name for row in self.rows if row.late]
        return late if len(late) <= NAMED_LATE else []

    @property
    def any_live(self) -> bool:
        return any(row.live for row in self.rows)

    def snapshot(self) -> dict[str, Any]:
        """What an issued city report keeps: the city's KPI JSON and every district's row as it
        printed (its source, whether late, its KPI JSON, the report it came from)."""
        return {
            "kind": "city",
            "kpi": self.figures.as_json(),
            "districts": [{
                "code": row.district.code, "name": row.district.name, "source": row.source,
                "late": row.late, "report": row.submission.pk if row.submission else None,
                "kpi": row.kpis.as_json(),
            } for row in self.rows],
            "due": self.due.isoformat(),
            "built_on": self.built_on.isoformat(),
        }


def gather_city(*, year: int, number: str = "", signer: str = "", signer_title: str = "",
                built_on: date | None = None) -> CityReportData:
    """What the city's report of `year` prints. A fixed number of queries, whatever the number
    of districts: one overview of the city for every live row, two for the submissions. The
    overview is the one the city's dashboard caches for the data version (the whole city's
    figures, computed once per change), in the report's language."""
    with translation.override("vi"):
        overview = kpis.cached_overview(year, kpis.Scope())
    live = {row.district_id: row.kpis for row in overview.district_table}
    due, submissions = district_submissions(year, overview.all_districts)
    rows = []
    for entry in submissions:
        report = entry.report
        if entry.state == "submitted" and (report.snapshot or {}).get("kpi"):
            rows.append(CityRow(entry.district, SUBMITTED, entry.late,
                                _kpis_from_json(report.snapshot["kpi"], year), report))
        else:
            rows.append(CityRow(entry.district, RETURNED if entry.state == "returned" else LIVE,
                                entry.late, live[entry.district.pk], report))
    # The city plan's targets (with one district in the database, that district's plan).
    targets = overview.targets
    return CityReportData(
        year=year, built_on=built_on or timezone.localdate(), number=number, signer=signer,
        signer_title=signer_title, plan=targets.plan, targets=targets, due=due, rows=rows,
        figures=_sum(year, targets, rows))


# ---- exporters --------------------------------------------------------------------------------


def _file_name(data: CityReportData, extension: str) -> str:
    return f"bao-cao-sxsh-{data.year}-thanh-pho-ha-noi.{extension}"


class CityPdfExporter(Exporter):
    identifier = "pdf"
    extension = "pdf"
    content_type = "application/pdf"

    def file_name(self, data: CityReportData) -> str:
        return _file_name(data, self.extension)

    def html(self, data: CityReportData) -> str:
        with translation.override("vi"):
            return render_to_string("reports/pdf/city_report.html", {
                "data": data, "figures": data.figures,
                "date_line": place_and_date(data.built_on, "Hà Nội"),
                "chart": charts.data_uri(charts.districts_svg(data.rows)) if data.rows else None,
            })

    def render_bytes(self, data: CityReportData) -> bytes:
        from weasyprint import HTML

        return HTML(string=self.html(data), base_url=str(STATIC)).write_pdf()


INT, TWO, THREE = "#,##0", "#,##0.00", "#,##0.000"


def _percent(value: Decimal | None) -> float | None:
    rounded = kpis.round_half_up(value, kpis.PERCENT_PLACES)
    return None if rounded is None else float(rounded)


def verdict(flag: bool | None, has_data: bool = True) -> str:
    if not has_data:
        return "—"
    return "Đạt" if flag else "Không đạt"



class CityXlsxExporter(Exporter):
    identifier = "xlsx"
    extension = "xlsx"
    content_type = XLSX_CONTENT_TYPE

    def file_name(self, data: CityReportData) -> str:
        return _file_name(data, self.extension)

    def render_bytes(self, data: CityReportData) -> bytes:
        workbook = new_write_only_workbook()
        self.city_sheet(workbook.create_sheet("Thành phố"), data)
        self.district_sheet(workbook.create_sheet("Quận, huyện, thị xã"), data)
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def city_sheet(self, sheet, data: CityReportData) -> None:
        f = data.figures
        rows = [
            ("Cơ sở đang hoạt động", f.active.baseline, f.active.current, None, None, None,
             None, None),
            ("Cơ sở nhận thức được lợi ích của SXSH", f.aware.baseline, f.aware.current,
             _percent(f.aware.change_percent), _percent(f.aware.change_points),
             float(f.aware.target.value), str(f.aware.mode.label), verdict(f.aware.met)),
            ("Cơ sở đang áp dụng SXSH", f.applying.baseline, f.applying.current, None, None,
             None, None, None),
            ("Cơ sở áp dụng SXSH tiết kiệm năng lượng", f.saving.baseline, f.saving.current,
             _percent(f.saving.change_percent), _percent(f.saving.change_points),
             float(f.saving.target.value), str(f.saving.mode.label), verdict(f.saving.met)),
            ("– trong đó tiết kiệm trong khoảng chỉ tiêu (đạt)", None, f.in_band, None, None,
             None, None, None),
            ("– trong đó tiết kiệm vượt khoảng chỉ tiêu (vượt)", None, f.above_band, None, None,
             None, None, None),
            ("Cán bộ quản lý nhà nước về SXSH (tổng các quận, huyện)", None, f.officers.current,
             None, None, float(f.officers.target), str(kpis.Mode.ABSOLUTE.label),
             verdict(f.officers.met)),
            ("Năng lượng tiết kiệm (TOE)", None,
             float(kpis.round_half_up(f.energy_saved_toe, kpis.TOE_PLACES)), None, None, None,
             None, None),
        ]
        write_table(sheet, ["Chỉ tiêu", f"Năm {f.baseline_year}", f"Năm {f.year}",
                            "Tăng, giảm (%)", "Tăng, giảm (điểm %)", "Chỉ tiêu kế hoạch",
                            "Cách tính", "Đánh giá"],
                    rows, widths=[52, 12, 12, 15, 18, 16, 30, 12],
                    number_formats={1: INT, 2: "#,##0.###", 3: TWO, 4: TWO, 5: TWO})

    def district_sheet(self, sheet, data: CityReportData) -> None:
        rows = []
        for row in data.rows:
            k = row.kpis
            rows.append((
                row.district.code, row.name, row.source_text, row.issued_on,
                "Quá hạn" if row.late else "", row.figures_text, k.baseline_year, k.active.current,
                k.aware.baseline, k.aware.current, _percent(k.aware.change),
                row.verdicts["aware"], k.saving.baseline, k.saving.current,
                _percent(k.saving.change), row.verdicts["saving"], k.officers.current,
                row.verdicts["officers"],
                float(_rounded_toe(k.energy_saved_toe))))
        f = data.figures
        rows.append(("", "Toàn thành phố", "", None, "", "", f.baseline_year, f.active.current,
                     f.aware.baseline, f.aware.current, _percent(f.aware.change),
                     verdict(f.aware.met), f.saving.baseline, f.saving.current,
                     _percent(f.saving.change), verdict(f.saving.met), f.officers.current,
                     verdict(f.officers.met),
                     float(kpis.round_half_up(f.energy_saved_toe, kpis.TOE_PLACES))))
        year = data.year
        write_table(sheet, [
            "Mã", "Quận, huyện, thị xã", "Báo cáo", "Ngày gửi", "Quá hạn", "Số liệu",
            "Năm cơ sở",
            f"Đang hoạt động {year}", "Nhận thức năm cơ sở", f"Nhận thức {year}",
            "Nhận thức tăng, giảm", "Chỉ tiêu 1", "Tiết kiệm năm cơ sở", f"Tiết kiệm {year}",
            "Tiết kiệm tăng, giảm", "Chỉ tiêu 2", "Cán bộ SXSH", "Chỉ tiêu 3", "TOE tiết kiệm",
        ], rows, widths=[6, 22, 12, 12, 10, 14, 10, 14, 14, 12, 14, 11, 14, 12, 14, 11, 11, 11,
                         14],
            number_formats={3: "DD/MM/YYYY", 7: INT, 8: INT, 9: INT, 10: TWO, 12: INT, 13: INT,
                            14: TWO, 16: INT, 18: THREE})


CITY_EXPORTERS: dict[str, type[Exporter]] = {
    CityPdfExporter.identifier: CityPdfExporter, CityXlsxExporter.identifier: CityXlsxExporter,
}
