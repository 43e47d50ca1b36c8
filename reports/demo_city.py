"""`load_demo --city`: Mê Linh's demo becomes one district of Hà Nội. Beside it, three rural
districts with industry (Sóc Sơn, Đông Anh, Thạch Thất), each with its own accounts, plan,
facilities in its real communes, statuses of 2017-2018 and energy records; the city's plan
1048/KH-SCT above every district's plan (docs/KPI.md, "Scopes and plans"); and, for 2018, one
district's report issued, one issued and returned by the city, one not issued (late).

`load` writes everything in one transaction, through the services, with None as the operator
where the service takes one (the command line) and the district's own officer where it needs a
person (plans, CP measures, reports). `finish` then builds and issues the reports, after the
transaction (a report is built from committed rows), and dates them in December 2018 around the
city's deadline; it can run again and does only what is left. The random generator is seeded:
the demo is the same on every machine."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from accounts import demo_city as accounts_city
from accounts.demo_city import DistrictPeople
from accounts.models import Commune, District, User
from accounts.units import units_load
from audits import demo as audits_demo
from audits.models import CPTechnique, EnergyCarrier, EnergyRecord
from audits.services import RecordRow, measure_create, record_upsert_many
from facilities import demo as facilities_demo
from facilities.models import Facility, Sector, Stage
from facilities.services import FacilityRow, StatusRow, facility_upsert_many, status_set_many
from melinh_sxsh.lib.jobs import IN_PROCESS, JobStatus
from reports.building import report_build
from reports.models import Plan, PlanTask, Report, Target
from reports.services import (
    city_report_request,
    plan_create,
    report_issue,
    report_request,
    report_return,
)

YEAR, BASELINE = 2018, 2017
SEED = 1048

CITY_PLAN = {
    "code": "1048/KH-SCT",
    "title": "Kế hoạch hành động sản xuất sạch hơn trong công nghiệp trên địa bàn thành phố "
    "Hà Nội năm 2018",
    "year": YEAR, "baseline_year": BASELINE, "signed_on": date(2018, 3, 15),
    # Plan 108/KH-UBND cites the city's plan by number and date only: who signed it is not
    # known here, and its targets are taken to be the ones 108/KH-UBND carries over.
    "signer": "", "signer_title": "",
}


def targets(band: tuple[str, str] = ("8", "13"), saving: str = "10") -> dict:
    """The targets of plan 108/KH-UBND (+20 % aware, +10 % saving within the band, one officer),
    with another band or saving target where a district chose one."""
    return {
        Target.Indicator.AWARE: {"mode": Target.Mode.RELATIVE, "value": Decimal("20"),
                                 "band_low": None, "band_high": None},
        Target.Indicator.SAVING: {"mode": Target.Mode.RELATIVE, "value": Decimal(saving),
                                  "band_low": Decimal(band[0]), "band_high": Decimal(band[1])},
        Target.Indicator.OFFICERS: {"mode": Target.Mode.ABSOLUTE, "value": Decimal("1"),
                                    "band_low": None, "band_high": None},
    }


@dataclass(frozen=True)
class DemoDistrict:
    people: DistrictPeople
    name: str
    plan_code: str
    signed_on: date
    # commune code -> (facilities, share of CN enterprises, places: zones or villages)
    spread: dict[str, tuple[int, float, list[str]]]
    sectors: list[str]  # the enterprises' sector codes (facilities.demo.PRODUCTS), by weight
    workshops: list[int]  # the workshops' kinds (indexes into facilities.demo.WORKSHOPS)
    uptake: float  # how fast awareness spreads, against Mê Linh's pace (1.0)
    report: str  # "issued", "returned" or "late": its 2018 report
    report_number: str = ""
    # When its 2018 report was asked for, issued (submitted to the city) and, if it was,
    # returned: in December 2018, around the city's deadline, not on the day the demo is loaded.
    requested: datetime | None = None
    issued: datetime | None = None
    returned: datetime | None = None
    band: tuple[str, str] = ("8", "13")
    saving: str = "10"
    names: list[str] = field(default_factory=list)


DISTRICTS = [
    DemoDistrict(
        people=DistrictPeople("016", "socson", "Nguyễn Thị Thu Hà", "Lê Văn Thắng", True),
        name="Sóc Sơn", plan_code="52/KH-UBND", signed_on=date(2018, 4, 2),
        spread={
            "00409": (9, 0.9, ["KCN Nội Bài", "KCN Nội Bài", "Thôn Thống Nhất"]),
            "00427": (7, 0.8, ["KCN Nội Bài", "Thôn Mai Nội"]),
            "00376": (5, 0.5, ["Tổ dân phố Đông Hạ", "Tổ dân phố Miếu Thờ"]),
            "00448": (5, 0.4, ["Thôn Xuân Dục", "Thôn Đông"]),
            "00400": (4, 0.3, ["Thôn Thạch Lỗi", "Thôn Phú Linh"]),
            "00391": (3, 0.2, ["Thôn Đông Hạ", "Thôn Trung Giã"]),
        },
        sectors=["10", "10", "23", "23", "25", "22", "17", "11"], workshops=[0, 1, 4, 6],
        uptake=0.9, report="issued", report_number="187/BC-UBND",
        # On time: issued three days before the deadline.
        requested=datetime(2018, 12, 10, 8, 30), issued=datetime(2018, 12, 12, 15, 10),
        names=["Nội Bài", "Sóc Sơn", "Phù Linh", "Đa Phúc"],
    ),
    DemoDistrict(
        people=DistrictPeople("017", "donganh", "Trần Minh Đức", "Phạm Thị Hải Yến", True),
        name="Đông Anh", plan_code="96/KH-UBND", signed_on=date(2018, 3, 30),
        spread={
            "00493": (10, 0.95, ["KCN Thăng Long", "KCN Thăng Long", "Thôn Kim Tiên"]),
            "00514": (6, 0.9, ["KCN Thăng Long", "Thôn Đồng Nhân"]),
            "00466": (6, 0.8, ["Cụm CN Nguyên Khê", "Thôn Nguyên Khê"]),
            "00475": (6, 0.2, ["Thôn Vân Điềm", "Thôn Hội Phụ"]),
            "00484": (5, 0.2, ["Thôn Thái Bình", "Thôn Thù Lỗ"]),
            "00454": (4, 0.5, ["Tổ dân phố 1", "Tổ dân phố 5"]),
        },
        sectors=["25", "25", "27", "27", "26", "22", "31", "10"], workshops=[2, 2, 3, 0],
        uptake=1.2, report="returned", report_number="212/BC-UBND",
        # Issued the day before the deadline, returned by the city after it: late until issued
        # again.
        requested=datetime(2018, 12, 11, 9, 0), issued=datetime(2018, 12, 14, 10, 20),
        returned=datetime(2018, 12, 19, 14, 45),
        # Đông Anh counts a saving from 10 %, its plan's band.
        band=("10", "15"), saving="12", names=["Cổ Loa", "Đông Anh", "Thăng Long Xanh", "Vân Hà"],
    ),
    DemoDistrict(
        people=DistrictPeople("276", "thachthat", "Đỗ Văn Tuấn", "Nguyễn Hữu Khang", False),
        name="Thạch Thất", plan_code="38/KH-UBND", signed_on=date(2018, 4, 9),
        spread={
            "09997": (9, 0.5, ["Cụm CN Phùng Xá", "Thôn Phùng Xá", "Thôn Vĩnh Lộc"]),
            "09988": (6, 0.9, ["KCN Bắc Phú Cát", "Thôn Đồng Bụt"]),
            "10003": (5, 0.2, ["Thôn Đồng Cam", "Thôn Phú Hòa"]),
            "09955": (4, 0.4, ["Tổ dân phố Liên Quan", "Tổ dân phố Phú Lễ"]),
            "10000": (4, 0.3, ["Thôn Đông Lạc", "Thôn Bình Xá"]),
        },
        sectors=["25", "25", "31", "31", "16", "10", "23"], workshops=[3, 3, 2, 0],
        uptake=0.7, report="late", names=["Hòa Lạc", "Thạch Thất", "Tây Đô", "Phùng Hưng"],
    ),
]
PEOPLE = [d.people for d in DISTRICTS]

DUTIES = {
    "KINH_TE": "Cơ quan thường trực, chủ trì tham mưu UBND huyện triển khai kế hoạch sản xuất "
    "sạch hơn gắn với sử dụng năng lượng tiết kiệm, hiệu quả; tổng hợp báo cáo Sở Công Thương.",
    "UBND_XA": "Rà soát, cập nhật danh sách cơ sở sản xuất công nghiệp và mức độ áp dụng sản "
    "xuất sạch hơn tại địa phương.",
}

# The city plan's deadline for the districts' 2018 reports (Plan.report_due): Thạch Thất, with
# no report, is late.
REPORTS_DUE = date(2018, 12, 15)

# The city's report of 2018 to UBND thành phố, issued after Đông Anh's was returned.
CITY_REPORT = {"number": "402/BC-SCT", "signer": "Hoàng Văn Khánh",
               "signer_title": "Phó Giám đốc Sở Công Thương"}
CITY_REPORT_ISSUED = datetime(2018, 12, 21, 16, 0)

RETURN_REASON = ("Số cơ sở nhận thức về SXSH năm 2017 trong báo cáo chưa khớp với danh sách rà "
                 "soát của các xã; đề nghị huyện rà soát, bổ sung số liệu và ban hành lại báo cáo.")


def is_loaded() -> bool:
    return accounts_city.is_loaded()


def load() -> None:
    """Everything but the reports' files, in the caller's transaction; Mê Linh's demo must be
    loaded."""
    rng = random.Random(SEED)
    units_load("hanoi")
    users = accounts_city.load(PEOPLE)
    city_plan = plan_create(user=users[accounts_city.CITY_OFFICER[0]], data=CITY_PLAN,
                            targets=targets(), tasks={})
    Plan.objects.filter(pk=city_plan.pk).update(report_due=REPORTS_DUE)
    used_codes = set(Facility.objects.values_list("tax_code", flat=True))
    for demo in DISTRICTS:
        staff = users[accounts_city.staff_username(demo.people.slug)]
        _load_plan(demo, staff, city_plan)
        facilities = _load_facilities(rng, demo, used_codes)
        stages = _load_statuses(rng, demo, facilities)
        _load_energy(rng, facilities, stages, staff)
        if demo.report != "late":
            report = report_request(
                user=staff, year=YEAR, number=demo.report_number, signer=demo.people.leader,
                signer_title="Phó Chủ tịch UBND huyện",
                shortcomings="Một số cơ sở hộ gia đình chưa cung cấp số liệu năng lượng; nguồn "
                "kinh phí hỗ trợ còn hạn chế.",
                next_steps="Tiếp tục tuyên truyền, hỗ trợ các cơ sở đánh giá nhanh sản xuất "
                "sạch hơn trong năm 2019.")
            _dated(report, demo.requested)


def _load_plan(demo: DemoDistrict, staff: User, city_plan: Plan) -> Plan:
    district = District.objects.get(code=demo.people.code)
    units = accounts_city.load_units(district)
    return plan_create(
        user=staff,
        data={"code": demo.plan_code, "year": YEAR, "baseline_year": BASELINE,
              "title": "Kế hoạch hành động sản xuất sạch hơn trong công nghiệp trên địa bàn "
              f"huyện {demo.name} năm 2018", "signed_on": demo.signed_on,
              "signer": demo.people.leader, "signer_title": "Phó Chủ tịch UBND huyện"},
        targets=targets(demo.band, demo.saving),
        tasks={units[code].pk: {"duty": duty, "status": PlanTask.Status.IN_PROGRESS}
               for code, duty in DUTIES.items()})


def _load_facilities(rng: random.Random, demo: DemoDistrict,
                     used_codes: set[str]) -> list[Facility]:
    """The district's facilities, as facilities.demo makes Mê Linh's, in its own communes and
    sectors."""
    communes = {c.code: c for c in Commune.objects.filter(code__in=demo.spread)}
    sectors = {s.code: s for s in Sector.objects.all()}
    names = facilities_demo.NAMES[:20] + demo.names
    rows, used_names = [], set()
    for code, (count, cn_share, places) in demo.spread.items():
        commune = communes[code]
        for index in range(count):
            enterprise = rng.random() < cn_share
            household = not enterprise and rng.random() < 0.7
            while (tax := facilities_demo.tax_code(rng, household)) in used_codes:
                pass
            used_codes.add(tax)
            place = places[index % len(places)]
            if enterprise:
                sector_code = rng.choice(demo.sectors)
                word, products, unit = facilities_demo.PRODUCTS[sector_code]
                form = rng.choice(["Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần"])
                name = f"{form} {word} {rng.choice(names)}"
                kind, group = Facility.Kind.ENTERPRISE, Facility.Group.CN
                employees = rng.randint(30, 450)
                address = (f"Lô {rng.choice('ABCDE')}{rng.randint(1, 30)}, {place}, {commune}"
                           if place.startswith(("KCN", "Cụm")) else f"{place}, {commune}")
            else:
                sector_code, word, products, unit = facilities_demo.WORKSHOPS[
                    rng.choice(demo.workshops)]
                person = rng.choice(facilities_demo.PEOPLE)
                if household:
                    name, kind = f"{word} {person}", Facility.Kind.HOUSEHOLD
                else:
                    name = f"Hợp tác xã {word.split(' ', 1)[-1]} {place.split(' ', 1)[-1]}"
                    kind = Facility.Kind.COOPERATIVE
                group = Facility.Group.TTCN
                employees = rng.randint(3, 40)
                address = f"{place}, {commune}"
            base, suffix = name, 2
            while name in used_names:
                name, suffix = f"{base} {suffix}", suffix + 1
            used_names.add(name)
            first_year = rng.choice([2001, 2005, 2008, 2010, 2012, 2014, 2015, 2016, 2017])
            if rng.random() < 0.04:
                first_year = 2018
            rows.append(FacilityRow(values={
                "tax_code": tax, "name": name, "commune": commune, "address": address,
                "sector": sectors[sector_code], "kind": kind, "group": group,
                "main_products": products, "product_unit": unit, "employees": employees,
                "first_year": first_year, "last_year": None,
                "contact_person": rng.choice(facilities_demo.PEOPLE),
                "phone": f"0{rng.choice(['24', '98', '91', '96'])}{rng.randint(1000000, 9999999)}",
                "email": "" if kind == Facility.Kind.HOUSEHOLD
                else f"lienhe.{demo.people.slug}{len(rows) + 1}@example.vn",
            }))
    return [facility for _change, facility in
            facility_upsert_many(user=None, rows=rows, reason="demo")]


def _load_statuses(rng: random.Random, demo: DemoDistrict,
                   facilities: list[Facility]) -> dict[tuple[int, int], int]:
    """Stages of 2017 and 2018, as Mê Linh's (facilities.demo.load_statuses) at the district's
    own pace: some enterprises applied CP from 2017, others joined in 2018."""
    rows, stages = [], {}
    for facility in facilities:
        big = facility.group == Facility.Group.CN
        wave = rng.random()
        path = None
        if big and wave < 0.1 * demo.uptake:
            path = {2017: Stage.APPLYING, 2018: Stage.APPLYING}
        elif big and wave < 0.22 * demo.uptake:
            path = {2017: Stage.COMMITTED, 2018: Stage.APPLYING}
        stage = Stage.AWARE if rng.random() < (0.35 if big else 0.1) * demo.uptake \
            else Stage.UNAWARE
        for year in (BASELINE, YEAR):
            if not facility.is_active_in(year):
                continue
            roll = rng.random()
            if path is not None:
                stage = path[year]
            elif stage == Stage.UNAWARE and roll < (0.3 if big else 0.12) * demo.uptake:
                stage = Stage.AWARE
            elif stage == Stage.AWARE and roll < (0.25 if big else 0.08):
                stage = Stage.COMMITTED
            elif stage == Stage.COMMITTED and roll < 0.5:
                stage = Stage.APPLYING
            stages[(facility.pk, year)] = stage
            rows.append(StatusRow(facility=facility, year=year, stage=stage,
                                  note="Đã áp dụng giải pháp SXSH"
                                  if stage == Stage.APPLYING else ""))
    status_set_many(user=None, rows=rows, reason="demo")
    return stages


def _load_energy(rng: random.Random, facilities: list[Facility],
                 stages: dict[tuple[int, int], int], staff: User) -> None:
    """Records of 2017 (the baseline) and 2018 for the facilities applying CP in 2018 and a
    sample of others, and of 2016 for those applying from 2017 (audits.demo's profiles and
    energy mix); a CP measure for most of those applying."""
    carriers = {c.code: c for c in EnergyCarrier.objects.all()}
    techniques = list(CPTechnique.objects.order_by("id"))
    applying = [f for f in facilities if stages.get((f.pk, YEAR)) == Stage.APPLYING]
    others = [f for f in facilities if f not in applying and f.is_active_in(BASELINE)]
    sample = rng.sample(others, k=len(others) // 3)
    rows = []
    for facility in applying + sample:
        unit = facility.product_unit or "tấn"
        (sec_low, sec_high), (out_low, out_high) = audits_demo.PROFILES.get(
            unit, audits_demo.DEFAULT_PROFILE)
        if facility.group == Facility.Group.TTCN:
            out_low, out_high = out_low / 10, out_high / 10
        sec17, out17 = rng.uniform(sec_low, sec_high), rng.uniform(out_low, out_high)
        sec18 = (sec17 * (1 - audits_demo._saving(rng)) if facility in applying
                 else sec17 * rng.uniform(0.96, 1.05))
        plan = {YEAR: (sec18, out17 * rng.uniform(0.95, 1.2))}
        if facility.is_active_in(BASELINE):
            plan[BASELINE] = (sec17, out17)
        # A pioneer of 2017 saved against its 2016 record, so that 2017 has savers too.
        if stages.get((facility.pk, BASELINE)) == Stage.APPLYING and facility.is_active_in(2016):
            plan[2016] = (sec17 / (1 - audits_demo._saving(rng)), out17 * rng.uniform(0.85, 1.05))
        for year, (sec, output) in sorted(plan.items()):
            lines = audits_demo._lines(rng, facility, sec, output, carriers)
            rows.append(RecordRow(facility=facility, lines={c.pk: q for c, q in lines}, values={
                "year": year, "product_unit": unit, "is_baseline": year <= BASELINE,
                "output": Decimal(repr(output)).quantize(Decimal("1"), rounding=ROUND_HALF_UP),
                "source": rng.choice([EnergyRecord.Source.ANNUAL, EnergyRecord.Source.RAPID])}))
    record_upsert_many(user=None, rows=rows, reason="demo")
    for index, facility in enumerate(applying):
        if rng.random() < 0.8:
            measure = audits_demo._measure(rng, facility, techniques[index % len(techniques)],
                                           date(YEAR, rng.randint(1, 11), rng.randint(1, 28)))
            measure_create(user=staff, facility=facility, data={
                name: getattr(measure, name) for name in (
                    "technique", "description", "investment_vnd", "yearly_saving_vnd",
                    "energy_saved_toe", "status", "implemented_on")})


def finish() -> list[str]:
    """Build the 2018 reports the load asked for, issue them, return the one the city returns,
    then build and issue the city's report of them; what is done already is left. Returns
    what could not be done."""
    problems = []
    city = User.objects.get(username=accounts_city.CITY_OFFICER[0])
    for demo in DISTRICTS:
        if demo.report == "late":
            continue
        staff = User.objects.get(username=accounts_city.staff_username(demo.people.slug))
        report = Report.objects.filter(district__code=demo.people.code, year=YEAR,
                                       commune__isnull=True).order_by("id").first()
        if report is None or not _built_and_issued(report, staff, problems, demo.name):
            continue
        if demo.report == "returned" and report.returned_at is None:
            report_return(user=city, report=report, reason=RETURN_REASON)
        _date(report, demo.requested, demo.issued, demo.returned)
    # The city's report, asked for once the districts' are issued and returned: it reads them.
    report = Report.objects.filter(is_city=True, year=YEAR).order_by("id").first()
    if report is None:
        with transaction.atomic():
            report = city_report_request(user=city, year=YEAR, **CITY_REPORT)
            _dated(report, CITY_REPORT_ISSUED)
    if _built_and_issued(report, city, problems, "Sở Công Thương"):
        _date(report, CITY_REPORT_ISSUED - timedelta(hours=2), CITY_REPORT_ISSUED)
    return problems


def _dated(report: Report, day: datetime) -> None:
    """The day the report's file prints (its date line), set in the transaction that asks for
    it: under `make run` a thread builds it as soon as that commits."""
    Report.objects.filter(pk=report.pk).update(built_on=day.date())


def _built_and_issued(report: Report, user: User, problems: list[str], name: str) -> bool:
    """Build `report` in this process and issue it; False, with the reason in `problems`, if
    it could not be built."""
    report_build(report.pk)  # nothing if a worker or a thread has it already
    IN_PROCESS.drain()
    report.refresh_from_db()
    if report.status != JobStatus.DONE:
        problems.append(f"{name}: {report.get_status_display()} {report.message}")
        return False
    if not report.is_issued:
        report_issue(user=user, report=report)
        report.refresh_from_db()
    return True


def _date(report: Report, requested: datetime, issued: datetime,
          returned: datetime | None = None) -> None:
    """Give the report the dates of December 2018 (the services stamp the moment they run, the
    day the demo is loaded), so that the city's page reads as it would have then."""
    def aware(moment: datetime | None) -> datetime | None:
        return None if moment is None else timezone.make_aware(moment)

    Report.objects.filter(pk=report.pk).update(
        created_at=aware(requested), started_at=aware(requested),
        finished_at=aware(requested + timedelta(minutes=1)),
        heartbeat_at=aware(requested + timedelta(minutes=1)),
        built_on=requested.date(), issued_at=aware(issued), returned_at=aware(returned))


def describe() -> list[str]:
    return accounts_city.describe(PEOPLE)
