from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from melinh_sxsh.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive (restore with restore)."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="the archive; var/backups/sxsh-<time>.tar.gz by default")

    def handle(self, *args, **options):
        out = Path(options["out"] or settings.BASE_DIR / "var" / "backups" /
                   f"sxsh-{datetime.now():%Y%m%d-%H%M%S}.tar.gz")
        try:
            manifest = backup(out)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Sao lưu thất bại: {exc}", returncode=1) from exc
        except Exception as exc:  # pg_dump failing
            raise CommandError(f"Sao lưu thất bại: {exc}", returncode=1) from exc
        self.stdout.write(f"{out} – {sum(manifest['rows'].values())} dòng, "
                          f"{len(manifest['media'])} tệp")
