"""Backups that can be restored after a disk dies: the database (pg_dump on PostgreSQL, a
consistent copy on SQLite) and the media files, in one archive with a manifest of row counts
and file checksums that the restore checks."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def row_counts() -> dict[str, int]:
    """Rows of every table of the project's models (history tables included)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def media_checksums(root: Path) -> dict[str, str]:
    sums = {}
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                sums[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()).hexdigest()
    return sums


def _pg_env(database: dict) -> dict[str, str]:
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def _pg_args(database: dict) -> list[str]:
    args = ["-d", database["NAME"]]
    if database.get("HOST"):
        args += ["-h", database["HOST"]]
    if database.get("PORT"):
        args += ["-p", str(database["PORT"])]
    if database.get("USER"):
        args += ["-U", database["USER"]]
    return args


def backup(out: Path) -> dict:
    """Write the archive; return its manifest."""
    database = connection.settings_dict
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="sxsh-backup-") as work:
        work_path = Path(work)
        if connection.vendor == "postgresql":
            dump = work_path / "database.dump"
            subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump),
                            *_pg_args(database)], env=_pg_env(database), check=True,
                           capture_output=True)
        elif connection.vendor == "sqlite":
            dump = work_path / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            with target:
                connection.connection.backup(target)  # consistent even while others write
            target.close()
        else:
            raise BackupError(f"no backup for {connection.vendor}")
        manifest = {"created": datetime.now().isoformat(timespec="seconds"),
                    "database": connection.vendor, "dump": dump.name, "rows": row_counts(),
                    "media": media_checksums(media)}
        (work_path / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = out.with_suffix(out.suffix + ".part")
        with tarfile.open(temporary, "w:gz") as archive:
            archive.add(work_path / MANIFEST, MANIFEST)
            archive.add(dump, dump.name)
            if media.exists():
                archive.add(media, "media")
        os.replace(temporary, out)
    return manifest


def restore(archive_path: Path) -> dict:
    """Replace the database and the media with the archive's; return what was checked."""
    database = connection.settings_dict
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="sxsh-restore-") as work:
        work_path = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work_path, filter="data")
        manifest = json.loads((work_path / MANIFEST).read_text(encoding="utf-8"))
        if manifest["database"] != connection.vendor:
            raise BackupError(f"this backup is of {manifest['database']}, the database here is "
                              f"{connection.vendor}")
        dump = work_path / manifest["dump"]
        connection.close()
        if connection.vendor == "postgresql":
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                            *_pg_args(database), str(dump)], env=_pg_env(database), check=True,
                           capture_output=True)
        else:
            target = Path(database["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(dump, target)
        if media.exists():
            shutil.rmtree(media)
        if (work_path / "media").exists():
            shutil.copytree(work_path / "media", media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    rows, files = row_counts(), media_checksums(media)
    if rows != manifest["rows"]:
        differ = {t: (manifest["rows"].get(t), rows.get(t)) for t in set(rows) | set(
            manifest["rows"]) if rows.get(t) != manifest["rows"].get(t)}
        raise BackupError(f"restored rows differ from the backup: {differ}")
    if files != manifest["media"]:
        raise BackupError("restored media files differ from the backup")
    return {"tables": len(rows), "rows": sum(rows.values()), "files": len(files)}
