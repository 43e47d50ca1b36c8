from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from reports import demo as reports_demo


class Command(BaseCommand):
    help = "Load the Mê Linh demo data set: one account per role and plan 108/KH-UBND. Runs once."

    def handle(self, *args, **options):
        if accounts_demo.is_loaded():
            self.stdout.write("Dữ liệu mẫu đã có trong cơ sở dữ liệu; không nạp lại.")
        else:
            with transaction.atomic():
                accounts_demo.load()
                reports_demo.load()
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu của huyện Mê Linh."))
        self.stdout.write(f"Tài khoản mẫu (mật khẩu {accounts_demo.DEMO_PASSWORD}):")
        for line in accounts_demo.describe():
            self.stdout.write(line)
