"""A backup restored into an empty database finds every row and every file."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from melinh_sxsh import backup as backups

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def run_manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_backup_then_restore_into_an_empty_database(tmp_path, settings):
    call_command("load_demo", stdout=StringIO())
    media = Path(settings.MEDIA_ROOT)
    assert any(media.rglob("*.pdf"))  # the demo's documents are files on disk
    archive = tmp_path / "sxsh.tar.gz"
    call_command("backup", "--out", str(archive), stdout=StringIO())
    manifest = backups.row_counts()
    assert manifest["facilities_facility"] > 200 and archive.stat().st_size > 0

    restored_media = tmp_path / "restored-media"
    env = {**os.environ, "DEBUG": "true", "MEDIA_ROOT": str(restored_media)}
    if connection.vendor == "postgresql":
        import psycopg2

        db = connection.settings_dict
        admin = psycopg2.connect(dbname="postgres", user=db["USER"], host=db["HOST"] or None,
                                 port=db["PORT"] or None, password=db["PASSWORD"] or None)
        admin.autocommit = True
        name = f"{db['NAME']}_restore"
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                               f"{db['PORT'] or 5432}/{name}")
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    try:
        result = run_manage("restore", str(archive), env=env)
        assert result.returncode == 0, result.stderr
        assert "tất cả khớp với bản sao lưu" in result.stdout
        # Count again from outside, in the restored database itself.
        counts = run_manage("shell", "-c", "import json; from melinh_sxsh.backup import "
                            "row_counts; print(json.dumps(row_counts()))", env=env)
        import json

        assert json.loads(counts.stdout.strip().splitlines()[-1]) == manifest
    finally:
        if connection.vendor == "postgresql":
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    original = {p.relative_to(media): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in media.rglob("*") if p.is_file()}
    copied = {p.relative_to(restored_media): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in restored_media.rglob("*") if p.is_file()}
    assert copied == original and original


def test_restore_refuses_a_missing_file():
    with pytest.raises(Exception) as info:
        call_command("restore", "/nonexistent/backup.tar.gz")
    assert getattr(info.value, "returncode", None) == 2


def test_the_sqlite_copy_is_a_real_database(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    call_command("load_demo", stdout=StringIO())
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "--out", str(archive), stdout=StringIO())
    import tarfile

    with tarfile.open(archive) as bundle:
        bundle.extract("database.sqlite3", tmp_path, filter="data")
    copy = sqlite3.connect(tmp_path / "database.sqlite3")
    assert copy.execute("select count(*) from facilities_facility").fetchone()[0] > 200
    copy.close()
