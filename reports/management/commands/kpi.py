import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Commune, District
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.years import FACT, PLAN, check_year
from reports import kpis


class Command(BaseCommand):
    help = "Print the KPI figures of a year against its baseline (docs/KPI.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, help="the year reported on; the latest plan's when left out"
        )
        parser.add_argument("--baseline", type=int)
        parser.add_argument("--district", help="3-digit district code; the city when left out")
        parser.add_argument("--commune", help="5-digit commune code; the district when left out")
        parser.add_argument("--json", action="store_true", help="print JSON (the only format)")

    def handle(self, *args, **options):
        year, baseline = options["year"], options["baseline"]
        if year is None:
            year = kpis.default_year()
        try:
            check_year(year, PLAN)
            if baseline is not None:
                check_year(baseline, FACT)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        if baseline is not None and baseline >= year:
            raise CommandError("Năm không hợp lệ: năm so sánh phải trước năm báo cáo.",
                               returncode=2)
        district = commune = None
        if options["district"]:
            district = District.objects.filter(code=options["district"]).first()
            if district is None:
                raise CommandError(f"Không có quận, huyện mã {options['district']}.",
                                   returncode=2)
        if options["commune"]:
            commune = Commune.objects.filter(code=options["commune"]).first()
            if commune is None or (district and commune.district_id != district.pk):
                raise CommandError(f"Không có xã, thị trấn mã {options['commune']}"
                                   + (f" trong {district}." if district else "."), returncode=2)
        scope = kpis.Scope(commune.pk if commune else None,
                           district_id=district.pk if district else None)
        overview = kpis.overview(year, scope, baseline_year=baseline)
        data = overview.figures.as_json()
        if District.objects.count() > 1:
            # Several districts: the scope also says which (null: the city). With one district
            # the JSON is the contract's, unchanged.
            chosen = district or (commune.district if commune else None)
            data["scope"]["district"] = chosen.code if chosen else None
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
