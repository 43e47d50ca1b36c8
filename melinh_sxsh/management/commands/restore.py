from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from melinh_sxsh.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database and the media files with a backup's, and check them."

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"Không tìm thấy tệp sao lưu {archive}", returncode=2)
        try:
            checked = restore(archive)
        except BackupError as exc:
            raise CommandError(f"Khôi phục không khớp: {exc}", returncode=1) from exc
        except Exception as exc:
            raise CommandError(f"Khôi phục thất bại: {exc}", returncode=1) from exc
        self.stdout.write(f"Đã khôi phục {checked['rows']} dòng trong {checked['tables']} bảng "
                          f"và {checked['files']} tệp; tất cả khớp với bản sao lưu.")
