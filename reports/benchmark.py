"""`manage.py benchmark`: a synthetic city in a database of its own, and the figures of the
performance issue, each the median of five runs after a warm-up."""

from __future__ import annotations

import json
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import django
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUNS = 5


@dataclass(frozen=True)
class City:
    facilities: int
    years: range


def median_time(function, runs: int = RUNS, setup=None) -> float:
    """`setup`, if given, runs before each run, untimed."""
    function()  # warm-up: caches, compiled templates, the database's own buffers
    samples = []
    for _ in range(runs):
        if setup:
            setup()
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples), 4)


def count_queries(function, setup=None) -> int:
    if setup:
        setup()
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


# ---- the synthetic city ----------------------------------------------------------------------

# "The district" of the district-scope figures (its dashboard, its report, its staff's list and
# import): Mê Linh, one of the city's 30.
DISTRICT_CODE = "250"
STAFF, CITY_OFFICER = "bench-staff", "bench-city"
# Every fifth district's plan counts a saving from 10 % (as Đông Anh's demo plan does), so that
# the city's figures mix bands; the others keep plan 108/KH-UBND's 8-13 %.
OWN_BAND = ((Decimal(10), Decimal(15)), Decimal(12))
PLAN_BAND = ((Decimal(8), Decimal(13)), Decimal(10))


def band_of(position: int) -> tuple[tuple[Decimal, Decimal], Decimal]:
    """(band, saving target) of the district at `position` in code order."""
    return OWN_BAND if position % 5 == 1 else PLAN_BAND


def bench_district():
    from accounts.models import District

    return District.objects.get(code=DISTRICT_CODE)


def build_city(city: City, seed: int = 2018) -> None:
    """Hà Nội's 30 districts and 526 communes (`load_units hanoi`); N facilities spread evenly
    over the districts and, within each, over its communes; a status for every year, energy
    records for 40% of them, 50 campaigns a year over the districts with attendance from their
    own facilities, CP measures; each year the city's plan and every district's under it. Bulk
    inserts, no history."""
    from accounts.models import Commune, District, Role, Unit, User
    from accounts.units import units_load
    from audits.models import CPMeasure, CPTechnique, EnergyCarrier, EnergyRecord, EnergyUse
    from campaigns.models import Attendance, Campaign
    from facilities.models import Facility, FacilityYearStatus, Sector, Stage

    rng = random.Random(seed)
    units_load("hanoi")
    districts = list(District.objects.order_by("code"))
    communes = list(Commune.objects.order_by("code"))
    sectors = list(Sector.objects.all())
    carriers = {c.code: c for c in EnergyCarrier.objects.all()}
    techniques = list(CPTechnique.objects.all())
    melinh = next(d for d in districts if d.code == DISTRICT_CODE)
    # Mê Linh's implementing units come with the database; each other district gets its
    # Economic Department, the lead unit of its campaigns.
    Unit.objects.bulk_create(Unit(code=f"KINH_TE_{d.code}", name="Phòng Kinh tế", district=d,
                                  position=1) for d in districts if d.pk != melinh.pk)
    units: dict[int, list] = {}
    for unit in Unit.objects.all():
        units.setdefault(unit.district_id, []).append(unit)
    User.objects.create(username=STAFF, role=Role.STAFF, district=melinh, is_sxsh_officer=True)
    User.objects.create(username=CITY_OFFICER, role=Role.CITY)
    # KPI 3: every other district has its officer in charge of CP too.
    User.objects.bulk_create(User(username=f"bench-staff-{d.code}", role=Role.STAFF, district=d,
                                  is_sxsh_officer=True) for d in districts if d.pk != melinh.pk)
    build_plans(city, districts, melinh, units[melinh.pk])
    first_year, last_year = city.years.start, city.years.stop - 1

    # Each district its share (N/30), over its communes in turn.
    of_district: dict[int, list] = {}
    for commune in communes:
        of_district.setdefault(commune.district_id, []).append(commune)
    facilities = []
    for n in range(city.facilities):
        own = of_district[districts[n % len(districts)].pk]
        opened = rng.choice([None, 2000, 2010, first_year, last_year])
        closed = last_year - 1 if n % 50 == 0 and (opened or 0) < last_year else None
        facility = Facility(
            tax_code=f"01{n:08d}", name=f"Công ty TNHH Sản xuất {n:06d}",
            commune=own[n // len(districts) % len(own)], sector=sectors[n % len(sectors)],
            address=f"Lô {n % 97}, Cụm công nghiệp {n % 13}", product_unit="tấn",
            employees=rng.randint(5, 500),
            first_year=opened, last_year=closed)
        facility.refresh_keys()
        facilities.append(facility)
    Facility.objects.bulk_create(facilities, batch_size=2000)
    ids = list(Facility.objects.order_by("pk").values_list("pk", flat=True))
    district_of = dict(Facility.objects.values_list("pk", "commune__district_id"))

    statuses, stage = [], {}
    for pk in ids:
        current = Stage.UNAWARE
        for year in city.years:
            roll = rng.random()
            if roll < 0.3:
                current = min(current + 1, Stage.APPLYING)
            statuses.append(FacilityYearStatus(facility_id=pk, year=year, stage=current))
        stage[pk] = current
    FacilityYearStatus.objects.bulk_create(statuses, batch_size=5000)

    with_records = [pk for pk in ids if rng.random() < 0.4]
    records = []
    for pk in with_records:
        output = Decimal(rng.randint(500, 5000))
        for year in city.years:
            records.append(EnergyRecord(facility_id=pk, year=year, output=output,
                                        product_unit="tấn", is_baseline=year == last_year - 1))
    EnergyRecord.objects.bulk_create(records, batch_size=5000)
    uses = []
    record_ids = EnergyRecord.objects.order_by("pk").values_list("pk", "year")
    for record_id, year in record_ids:
        factor = Decimal(1) - Decimal(rng.randint(0, 25)) / 100 * (year - first_year) / 3
        uses.append(EnergyUse(record_id=record_id, carrier=carriers["ELEC"],
                              quantity=(Decimal(800_000) * factor).quantize(Decimal("0.01"))))
        if rng.random() < 0.5:
            uses.append(EnergyUse(record_id=record_id, carrier=carriers["COAL12"],
                                  quantity=Decimal(rng.randint(50, 400))))
    EnergyUse.objects.bulk_create(uses, batch_size=5000)

    measures = [CPMeasure(facility_id=pk, technique=rng.choice(techniques),
                          description="Giải pháp", investment_vnd=rng.randint(20, 800) * 10**6,
                          yearly_saving_vnd=rng.randint(10, 300) * 10**6,
                          status=CPMeasure.Status.IMPLEMENTED,
                          implemented_on=date(rng.choice(list(city.years)), 6, 1))
                for pk in ids if stage[pk] == Stage.APPLYING and rng.random() < 0.5]
    CPMeasure.objects.bulk_create(measures, batch_size=5000)

    # 50 campaigns a year over the districts, each led by a unit of its district and attended
    # by its district's facilities.
    campaigns = []
    for year in city.years:
        for n in range(50):
            district = districts[n % len(districts)]
            campaigns.append(Campaign(
                kind=rng.choice(Campaign.Kind.values), title=f"Hoạt động {year}-{n}",
                lead_unit=rng.choice(units[district.pk]), starts_on=date(year, 1 + n % 12, 10),
                people_reached=rng.randint(20, 200), district=district))
    Campaign.objects.bulk_create(campaigns)
    by_district: dict[int, list[int]] = {}
    for pk in ids:
        by_district.setdefault(district_of[pk], []).append(pk)
    attendance = []
    for campaign_id, district_id in Campaign.objects.values_list("pk", "district_id"):
        own = by_district.get(district_id, [])
        for pk in rng.sample(own, min(len(own), 30)):
            attendance.append(Attendance(campaign_id=campaign_id, facility_id=pk,
                                         people=rng.randint(1, 3)))
    Attendance.objects.bulk_create(attendance, batch_size=5000)


def build_plans(city: City, districts: list, melinh, melinh_units: list) -> None:
    """Each year the city's plan (no district) and every district's under it, with their
    targets; Mê Linh's plan of the last year is plan 108/KH-UBND with its units' duties."""
    from reports.demo import DUTIES
    from reports.models import Plan, PlanTask, Target

    last_year = city.years.stop - 1
    city_plans = Plan.objects.bulk_create(
        Plan(district=None, code=f"{1000 + year % 100}/KH-SCT", year=year,
             baseline_year=year - 1, signed_on=date(year, 3, 15),
             title=f"Kế hoạch sản xuất sạch hơn thành phố Hà Nội năm {year}")
        for year in city.years)
    parents = {plan.year: plan for plan in city_plans}
    plans = Plan.objects.bulk_create(
        Plan(district=district, parent=parents[year],
             code="108/KH-UBND" if (district.pk, year) == (melinh.pk, last_year)
             else f"{position + 10}/KH-UBND", year=year, baseline_year=year - 1,
             signed_on=date(year, 3, 28),
             title=f"Kế hoạch sản xuất sạch hơn huyện {district.name} năm {year}")
        for year in city.years for position, district in enumerate(districts))
    position_of = {d.pk: position for position, d in enumerate(districts)}
    targets = []
    for plan in [*city_plans, *plans]:
        band, saving = PLAN_BAND if plan.district_id is None else band_of(
            position_of[plan.district_id])
        targets += [
            Target(plan=plan, indicator=Target.Indicator.AWARE, mode=Target.Mode.RELATIVE,
                   value=Decimal(20)),
            Target(plan=plan, indicator=Target.Indicator.SAVING, mode=Target.Mode.RELATIVE,
                   value=saving, band_low=band[0], band_high=band[1]),
            Target(plan=plan, indicator=Target.Indicator.OFFICERS, mode=Target.Mode.ABSOLUTE,
                   value=Decimal(1)),
        ]
    Target.objects.bulk_create(targets)
    plan = next(p for p in plans if (p.district_id, p.year) == (melinh.pk, last_year))
    by_code = {unit.code: unit for unit in melinh_units}
    PlanTask.objects.bulk_create(PlanTask(plan=plan, unit=by_code[code], duty=duty)
                                 for code, duty in DUTIES.items() if code in by_code)


def facilities_file(count: int, path: Path) -> None:
    """An N-row facilities template of the district's communes (Mê Linh's), new tax codes,
    written as an office would."""
    from openpyxl import Workbook

    from facilities.exports import HEADERS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cơ sở")
    sheet.append(HEADERS)
    communes = ["Quang Minh", "Tiền Phong", "Chi Đông", "Kim Hoa", "Văn Khê"]
    for n in range(count):
        sheet.append([f"02{n:08d}", f"Hộ kinh doanh Số {n}", communes[n % len(communes)],
                      f"Thôn {n % 40}", "25", "Hộ kinh doanh", "TTCN", "Cửa sắt", "tấn",
                      n % 40 + 1, 2015, None, "Nguyễn Văn A", "0912345678", None])
    workbook.save(path)


# ---- the reference SQL ------------------------------------------------------------------------

def reference_counts(year: int, plans, district_id: int | None = None) -> dict[str, int]:
    """One hand-written statement per figure of `district_id` (None: the city), to compare the
    engine with; each facility's saving is judged by its district's plan's band (`plans`, the
    year's kpis.YearPlans), the city plan's for a district without one. On SQLite the
    arithmetic is floating point, so a saving of exactly the lower bound (8 %) is compared with
    a tolerance far below any real difference; the engine itself computes in decimals."""
    facility = "facilities_facility f JOIN accounts_commune cm ON cm.id = f.commune_id"
    within = "cm.district_id = %(district)s AND " if district_id else ""
    active = (within + "(f.first_year IS NULL OR f.first_year <= %(y)s) AND "
              "(f.last_year IS NULL OR f.last_year >= %(y)s)")
    implemented_by = ("EXISTS (SELECT 1 FROM audits_cpmeasure m WHERE m.facility_id = f.id AND "
                      "m.status = 'implemented' AND m.implemented_on < %(next)s)")
    implemented_in = ("EXISTS (SELECT 1 FROM audits_cpmeasure m WHERE m.facility_id = f.id AND "
                      "m.status = 'implemented' AND m.implemented_on >= %(start)s AND "
                      "m.implemented_on < %(next)s)")
    latest_applying = ("(SELECT s.stage FROM facilities_facilityyearstatus s WHERE "
                       "s.facility_id = f.id AND s.year <= %(y)s ORDER BY s.year DESC "
                       "LIMIT 1) = 3")
    applying = f"({active}) AND ({latest_applying} OR {implemented_in})"
    # The lower bound of each facility's band, by its district.
    lows = {pk: band[0] for pk, band in plans.bands().items()}
    if district_id:
        lows = {district_id: plans.of_district(district_id).band[0]}
    low = "CASE cm.district_id " + "".join(
        f"WHEN {int(pk)} THEN {float(value / 100)!r} " for pk, value in sorted(lows.items())
    ) + f"ELSE {float(plans.city.band[0] / 100)!r} END"
    statements = {
        "active": f"SELECT COUNT(*) FROM {facility} WHERE {active}",
        "aware": f"""SELECT COUNT(*) FROM {facility} WHERE ({active}) AND (
            EXISTS (SELECT 1 FROM facilities_facilityyearstatus s WHERE s.facility_id = f.id
                    AND s.year <= %(y)s AND s.stage >= 1)
            OR EXISTS (SELECT 1 FROM campaigns_attendance a JOIN campaigns_campaign c
                       ON c.id = a.campaign_id WHERE a.facility_id = f.id
                       AND c.starts_on < %(next)s)
            OR {implemented_by})""",
        "applying": f"SELECT COUNT(*) FROM {facility} WHERE {applying}",
        "saving": f"""
            WITH applying AS (SELECT f.id, {low} AS low FROM {facility} WHERE {applying}),
            toe AS (
                SELECT r.id, r.facility_id, r.year, r.output, r.product_unit, r.is_baseline,
                       SUM(u.quantity * c.toe_per_unit) AS toe
                FROM audits_energyrecord r
                JOIN applying a ON a.id = r.facility_id
                JOIN audits_energyuse u ON u.record_id = r.id
                JOIN audits_energycarrier c ON c.id = u.carrier_id
                WHERE r.year <= %(y)s
                GROUP BY r.id, r.facility_id, r.year, r.output, r.product_unit, r.is_baseline),
            ranked AS (
                SELECT toe.*, ROW_NUMBER() OVER (
                    PARTITION BY facility_id
                    ORDER BY CASE WHEN is_baseline THEN 0 ELSE 1 END,
                             CASE WHEN is_baseline THEN -year ELSE year END) AS n
                FROM toe WHERE year < %(y)s),
            base AS (SELECT * FROM ranked WHERE n = 1),
            cur AS (SELECT * FROM toe WHERE year = %(y)s)
            SELECT COUNT(*) FROM cur JOIN base ON base.facility_id = cur.facility_id
            JOIN applying a ON a.id = cur.facility_id
            WHERE cur.output > 0 AND base.output > 0 AND base.toe > 0
              AND LOWER(TRIM(cur.product_unit)) = LOWER(TRIM(base.product_unit))
              AND 1 - (cur.toe * base.output) / (base.toe * cur.output) >= a.low - 1e-9""",
    }
    params = {"y": year, "start": date(year, 1, 1), "next": date(year + 1, 1, 1),
              "district": district_id}
    counts = {}
    with connection.cursor() as cursor:
        for figure, sql in statements.items():
            cursor.execute(sql, params)
            counts[figure] = cursor.fetchone()[0]
    return counts


def engine_counts(figures) -> dict[str, int]:
    return {"active": figures.active.current, "aware": figures.aware.current,
            "applying": figures.applying.current, "saving": figures.saving.current}


# ---- the measurements --------------------------------------------------------------------------

def measure(city: City, work: Path) -> dict:
    """The figures of the performance issue: the engine, the district's pages and report as
    its staff sees them (DISTRICT_CODE, Mê Linh), the city's dashboard and report as the
    Department's officer sees them, the export and the import."""
    from accounts.models import User
    from facilities.exports import HEADERS, facility_export, facility_rows
    from facilities.models import Facility
    from facilities.selectors import with_stage
    from melinh_sxsh.lib import dataversion
    from melinh_sxsh.lib.xlsx import new_write_only_workbook
    from reports import kpis
    from reports.exporters import PdfExporter, gather

    year = city.years.stop - 1
    district = bench_district()
    scope = kpis.Scope(district_id=district.pk)
    plans = kpis.plans_for(year, scope)
    targets = plans.of_scope
    results: dict = {}

    def engine():
        # The district's figures and its table of communes, each against its own plan.
        evaluation = kpis.evaluate([targets.baseline_year, year], scope, plans.city.band,
                                   plans.bands())
        figures = kpis.summarize(evaluation, year=year, targets=targets,
                                 officers=kpis.officers_count(district.pk))
        kpis.commune_table(evaluation, year=year, targets=targets,
                           officers=figures.officers.current, plans=plans)
        return figures

    results["kpi_engine_s"] = median_time(engine)
    results["kpi_queries"] = count_queries(engine)
    results["kpi_reference_sql_s"] = median_time(
        lambda: reference_counts(year, plans, district.pk))
    counts, reference = engine_counts(engine()), reference_counts(year, plans, district.pk)
    if counts != reference:
        raise RuntimeError(f"the engine {counts} and the SQL {reference} disagree "
                           f"(district {district.code})")
    # The city's figures too: every district against its own plan, summed.
    city_plans = kpis.plans_for(year)
    city_counts = engine_counts(kpis.overview(year).figures)
    city_reference = reference_counts(year, city_plans)
    if city_counts != city_reference:
        raise RuntimeError(f"the engine {city_counts} and the SQL {city_reference} disagree "
                           "(the city)")
    results["kpi_counts"] = {"district": counts, "city": city_counts}

    staff, officer = Client(), Client()
    staff.force_login(User.objects.get(username=STAFF))
    officer.force_login(User.objects.get(username=CITY_OFFICER))

    def page(client: Client, path: str):
        def get():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return get

    # The figures are cached per data version (docs/PERFORMANCE.md, "Figures cached per
    # change"): each measured request is the first after a write, whose cost this is.
    after_write = dataversion.bump

    results["dashboard_s"] = median_time(page(staff, f"/?year={year}"), setup=after_write)
    results["dashboard_queries"] = count_queries(page(staff, f"/?year={year}"),
                                                 setup=after_write)
    results["facility_list_s"] = median_time(page(staff, f"/facilities/?year={year}"))
    results["facility_list_queries"] = count_queries(page(staff, f"/facilities/?year={year}"))
    city_page = page(officer, f"/?year={year}")
    results["city_dashboard_s"] = median_time(city_page, setup=after_write)
    results["city_dashboard_queries"] = count_queries(city_page, setup=after_write)
    results["city_dashboard_queries_more_districts"] = more_districts_queries(
        city_page, after_write, city)

    exporter = PdfExporter()

    def pdf_total():
        exporter.render(gather(year=year, district=district))

    html = exporter.html(gather(year=year, district=district))

    def pdf_weasyprint_only():
        from weasyprint import HTML

        from reports.exporters.pdf import STATIC

        HTML(string=html, base_url=str(STATIC)).write_pdf()

    results["pdf_total_s"] = median_time(pdf_total)
    results["pdf_weasyprint_only_s"] = median_time(pdf_weasyprint_only)
    results.update(city_report_measure(year))

    queryset = with_stage(Facility.objects.all(), year).order_by("name_sort", "id")
    rows = list(facility_rows(queryset))

    def raw_export():
        workbook = new_write_only_workbook()
        sheet = workbook.create_sheet("Cơ sở sản xuất")
        sheet.append([*HEADERS, f"Mức độ năm {year}"])
        for row in rows:
            sheet.append(row)
        workbook.save(BytesIO())

    results["export_s"] = median_time(lambda: facility_export(queryset, year))
    results["export_raw_s"] = median_time(raw_export)

    source = work / "co-so.xlsx"
    facilities_file(city.facilities, source)
    results.update(import_measure(source, city.facilities))
    return results


MORE_DISTRICTS = 10


def more_districts_queries(city_page, after_write, city: City) -> int:
    """The city dashboard's queries with MORE_DISTRICTS districts more, each with a commune, a
    plan under the city's, an officer and facilities of every stage, written and then rolled
    back: the same as without them if no query is made per district."""
    from accounts.models import Commune, District, Role, User
    from facilities.models import Facility, FacilityYearStatus, Sector
    from reports.models import Plan

    year = city.years.stop - 1
    sector = Sector.objects.order_by("pk").first()
    parent = Plan.objects.get(year=year, district__isnull=True)
    with transaction.atomic():
        for n in range(MORE_DISTRICTS):
            district = District.objects.create(code=f"9{n:02d}", name=f"Huyện Thử {n}",
                                               kind=District.Kind.RURAL)
            commune = Commune.objects.create(code=f"99{n:03d}", name=f"Xã Thử {n}",
                                             district=district, kind=Commune.Kind.COMMUNE)
            Plan.objects.create(district=district, parent=parent, code=f"{n}/KH-THU",
                                year=year, baseline_year=year - 1, signed_on=date(year, 3, 1),
                                title="Kế hoạch thử")
            User.objects.create(username=f"bench-more-{n}", role=Role.STAFF, district=district,
                                is_sxsh_officer=True)
            facilities = Facility.objects.bulk_create(
                Facility(tax_code=f"09{n:02d}{k:06d}", name=f"Cơ sở thử {n}-{k}",
                         commune=commune, sector=sector, product_unit="tấn")
                for k in range(4))
            FacilityYearStatus.objects.bulk_create(
                FacilityYearStatus(facility=f, year=y, stage=k)
                for k, f in enumerate(facilities) for y in city.years)
        count = count_queries(city_page, setup=after_write)
        transaction.set_rollback(True)
    return count


def city_report_measure(year: int) -> dict:
    """The city's report (Sở Công Thương to UBND thành phố; no district submitted, so every
    row is live): its figures, the table and chart of the districts and the layout, as the
    worker builds it, with the city's figures as cached for the data version; the same as the
    first build after a write, which computes them; and WeasyPrint alone on its final HTML."""
    from weasyprint import HTML

    from melinh_sxsh.lib import dataversion
    from reports.exporters.city import CityPdfExporter, gather_city
    from reports.exporters.pdf import STATIC

    exporter = CityPdfExporter()
    html = exporter.html(gather_city(year=year))

    def build():
        exporter.render(gather_city(year=year))

    return {
        "city_pdf_total_s": median_time(build),
        "city_pdf_after_write_s": median_time(build, setup=dataversion.bump),
        "city_pdf_weasyprint_only_s": median_time(
            lambda: HTML(string=html, base_url=str(STATIC)).write_pdf()),
    }


def import_measure(source: Path, rows: int) -> dict:
    """The import, timed and weighed in a fresh process, as a worker would run it: not in this
    process, whose heap still holds the city it just built."""
    child = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--import-measure", str(source),
         "--facilities", str(rows)],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], check=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def import_measure_child(source: Path, rows: int) -> dict:
    from openpyxl import load_workbook

    from accounts.models import User
    from facilities.importers import FacilityImporter
    from melinh_sxsh.lib.importing import run_import

    # The district's staff imports its communes' facilities (bare names, within its district).
    user = User.objects.get(username=STAFF)

    def parse_only():
        workbook = load_workbook(source, read_only=True)
        for _row in workbook.worksheets[0].iter_rows(values_only=True):
            pass
        workbook.close()

    def import_and_roll_back():
        # Every run writes all rows; rolling back leaves the next run the same work.
        with transaction.atomic(), source.open("rb") as handle:
            outcome = run_import(FacilityImporter(user), handle, write=True)
            assert outcome.created == rows, outcome.errors[:3]
            transaction.set_rollback(True)

    return {"import_s": median_time(import_and_roll_back),
            "import_parse_only_s": median_time(parse_only),
            "import_peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own memory map;
    getrusage's ru_maxrss would also count the parent's, whose map a vfork'd child borrows
    until its exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def run(city: City, work: Path, load: dict | None = None) -> dict:
    started = time.perf_counter()
    build_city(city)
    built = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # A database in use has its statistics (autovacuum gathers them within a minute of a
        # bulk load); a city just written has none, and the planner guesses.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results = {} if load and load["only"] else measure(city, work)
    extra: dict = {}
    if load:
        import os

        from reports import loadtest

        url, year = os.environ["DATABASE_URL"], city.years.stop - 1
        if load["before"]:
            before, details = loadtest.measure_load(url, year, work, load["clients"],
                                                    load["seconds"], Path(load["before"]),
                                                    load["redis"])
            extra["load_before"] = {str(load["before"]): {**before, **details}}
        figures, details = loadtest.measure_load(url, year, work, load["clients"],
                                                 load["seconds"], redis_url=load["redis"])
        results.update(figures)
        extra["load"] = details
    vendor = connection.vendor
    if vendor == "sqlite":
        version = ".".join(str(part) for part in connection.Database.sqlite_version_info)
    else:
        version = f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
    results.update({
        "facilities": city.facilities,
        "python": platform.python_version(), "django": django.get_version(),
        "database": f"{vendor} {version}", "machine": describe_machine(),
    })
    extra.update({"kpi_counts": results.pop("kpi_counts", None), "build_city_s": round(built, 1)})
    keys = [key for key in KEYS if key in results]
    if load:
        from reports.loadtest import load_keys

        keys += load_keys()
    return {"results": {key: results[key] for key in keys}, "extra": extra}


KEYS = ["kpi_engine_s", "kpi_queries", "kpi_reference_sql_s", "dashboard_s",
        "dashboard_queries", "facility_list_s", "facility_list_queries", "city_dashboard_s",
        "city_dashboard_queries", "city_dashboard_queries_more_districts", "pdf_total_s",
        "pdf_weasyprint_only_s", "city_pdf_total_s", "city_pdf_after_write_s",
        "city_pdf_weasyprint_only_s", "export_s",
        "export_raw_s", "import_s", "import_parse_only_s", "import_peak_rss_mb", "facilities",
        "python", "django", "database", "machine"]

TARGETS = [
    ("kpi_engine_s <= 2 x kpi_reference_sql_s",
     lambda r: r["kpi_engine_s"] <= 2 * r["kpi_reference_sql_s"]),
    ("kpi_queries <= 15", lambda r: r["kpi_queries"] <= 15),
    ("dashboard_queries <= 20", lambda r: r["dashboard_queries"] <= 20),
    ("facility_list_queries <= 12", lambda r: r["facility_list_queries"] <= 12),
    ("city_dashboard_queries <= 20", lambda r: r["city_dashboard_queries"] <= 20),
    (f"city_dashboard_queries the same with {MORE_DISTRICTS} districts more",
     lambda r: r["city_dashboard_queries_more_districts"] == r["city_dashboard_queries"]),
    ("pdf_total_s <= 1.3 x pdf_weasyprint_only_s",
     lambda r: r["pdf_total_s"] <= 1.3 * r["pdf_weasyprint_only_s"]),
    ("city_pdf_total_s <= 1.3 x city_pdf_weasyprint_only_s",
     lambda r: r["city_pdf_total_s"] <= 1.3 * r["city_pdf_weasyprint_only_s"]),
    ("export_s <= 1.5 x export_raw_s", lambda r: r["export_s"] <= 1.5 * r["export_raw_s"]),
    ("import_s <= 3 x import_parse_only_s",
     lambda r: r["import_s"] <= 3 * r["import_parse_only_s"]),
    ("import_peak_rss_mb <= 400", lambda r: r["import_peak_rss_mb"] <= 400),
]


def table(results: dict) -> str:
    from reports.loadtest import LOAD_TARGETS, load_table

    lines = [f"{key:<24} {value}" for key, value in results.items()
             if not key.startswith("load_")]
    targets = [target for target in TARGETS if "kpi_engine_s" in results]
    if "load_clients" in results:
        lines += ["", load_table(results)]
        targets += LOAD_TARGETS
    lines.append("")
    for label, check in targets:
        lines.append(f"{'met ' if check(results) else 'MISSED'} {label}")
    return "\n".join(lines)


def dump(results: dict, path: str | None) -> None:
    if path:
        Path(path).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")
