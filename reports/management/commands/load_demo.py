import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from audits import demo as audits_demo
from audits import demo_reminders
from audits import demo_requests as requests_demo
from campaigns import demo as campaigns_demo
from facilities import demo as facilities_demo
from reports import demo as reports_demo
from reports import demo_city


class Command(BaseCommand):
    help = "Load the Mê Linh demo data set (accounts, plan 108/KH-UBND, facilities...). Runs once."

    def add_arguments(self, parser):
        parser.add_argument("--city", action="store_true",
                            help="Also Hà Nội's units, the city's plan 1048/KH-SCT and three more "
                            "districts with their accounts, facilities, plans and reports.")

    def handle(self, *args, **options):
        if accounts_demo.is_loaded():
            self.stdout.write("Dữ liệu mẫu đã có trong cơ sở dữ liệu; không nạp lại.")
        else:
            with transaction.atomic():
                # One seed: the demo is the same on every machine.
                rng = random.Random(108)
                accounts_demo.load()
                plan = reports_demo.load()
                facilities = facilities_demo.load(rng)
                facilities_demo.load_statuses(rng, facilities)
                audits_demo.load(rng)
                campaigns_demo.load(rng)
                reports_demo.load_progress(plan)
                requests_demo.load(rng)
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu của huyện Mê Linh."))
            if written := demo_reminders.write_examples():
                self.stdout.write(f"Thư nhắc hạn mẫu ({written} thư): {settings.EMAIL_FILE_PATH}")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu {accounts_demo.DEMO_PASSWORD}):")
        for line in accounts_demo.describe():
            self.stdout.write(line)
        if options["city"]:
            self.load_city()

    def load_city(self):
        if demo_city.is_loaded():
            self.stdout.write("Dữ liệu mẫu của thành phố đã có; không nạp lại.")
        else:
            with transaction.atomic():
                demo_city.load()
            self.stdout.write(self.style.SUCCESS(
                "Đã nạp dữ liệu mẫu của thành phố: kế hoạch 1048/KH-SCT và ba huyện nữa."))
        # Built after the commit, and again on a later run if one was left unfinished.
        for problem in demo_city.finish():
            self.stderr.write(f"Báo cáo mẫu chưa hoàn thành: {problem}")
        self.stdout.write(f"Tài khoản mẫu của thành phố (mật khẩu {accounts_demo.DEMO_PASSWORD}):")
        for line in demo_city.describe():
            self.stdout.write(line)
