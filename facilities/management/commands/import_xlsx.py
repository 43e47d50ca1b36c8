from django.core.management.base import BaseCommand, CommandError

from melinh_sxsh.lib.importing import REGISTRY, run_import
from melinh_sxsh.lib.xlsx import UnreadableFile


class Command(BaseCommand):
    help = ("Import a template (facilities, statuses, energy) through the same importer as the "
            "web page. Exit 0 written, 1 errors found (nothing written), 2 unreadable file.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(REGISTRY))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, **options):
        importer = REGISTRY[options["kind"]](user=None)
        try:
            with open(options["file"], "rb") as handle:
                outcome = run_import(importer, handle, write=not options["dry_run"])
        except FileNotFoundError as exc:
            raise CommandError(f"Không tìm thấy tệp {options['file']}", returncode=2) from exc
        except (UnreadableFile, IsADirectoryError, PermissionError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if outcome.errors:
            for error in outcome.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(outcome.errors)} lỗi; không ghi dòng nào.", returncode=1)
        verb = "Sẽ" if options["dry_run"] else "Đã"
        self.stdout.write(
            f"{verb} thêm mới {outcome.created}, cập nhật {outcome.updated}, "
            f"giữ nguyên {outcome.unchanged} trong {outcome.rows} dòng."
        )
