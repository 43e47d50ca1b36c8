import shutil

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Commune
from accounts.selectors import writing_district_id
from melinh_sxsh.lib.errors import DomainError
from melinh_sxsh.lib.jobs import JobStatus
from melinh_sxsh.lib.years import PLAN, check_year
from reports.building import report_build
from reports.models import Report


class Command(BaseCommand):
    help = "Build a report synchronously through the same service as the worker."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--commune", help="5-digit commune code; the district when left out")
        parser.add_argument("--format", choices=[f.value for f in Report.Format], required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        try:
            check_year(options["year"], PLAN)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        commune = None
        if options["commune"]:
            commune = Commune.objects.filter(code=options["commune"]).first()
            if commune is None:
                raise CommandError(f"Không có xã, thị trấn mã {options['commune']}.",
                                   returncode=2)
        try:  # a commune's report is its district's; the whole district's, the only one's
            district_id = commune.district_id if commune else writing_district_id(None)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        report = Report.objects.create(year=options["year"], commune=commune,
                                       district_id=district_id, format=options["format"])
        report_build(report.pk)
        report.refresh_from_db()
        if report.status != JobStatus.DONE:
            raise CommandError(report.message or "Không lập được báo cáo.", returncode=1)
        with report.file.open("rb") as source, open(options["out"], "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(f"{options['out']} ({report.checksum})")
