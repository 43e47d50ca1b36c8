from django.core.management.base import BaseCommand
from django.db import transaction

from audits.models import QualityFlag
from audits.quality import quality_refresh


class Command(BaseCommand):
    help = ("Evaluate the data-quality rules for every facility and rebuild the flags "
            "(after bulk imports of statuses, or on a schedule).")

    def handle(self, *args, **options):
        with transaction.atomic():
            totals = quality_refresh()
        self.stdout.write(
            f"Thêm {totals['created']}, cập nhật {totals['updated']}, "
            f"gỡ {totals['removed']} cảnh báo chất lượng số liệu."
        )
        for value, label in QualityFlag.Rule.choices:
            count = QualityFlag.objects.filter(rule=value).count()
            self.stdout.write(f"  {label}: {count}")
