"""A database made by the portal before districts (the demo, with issued reports, their history
and two locked years: tests/fixtures/before_districts/, made by its make.py on commit cd8744d)
migrates forward with no loss: every table keeps its rows, the issued reports keep their
figures and file, and `kpi --json` prints what it printed then, for the district and for a
commune."""

from __future__ import annotations

import json
import lzma
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # migrates a database in a process of its own

ROOT = Path(__file__).resolve().parents[2]
BEFORE = ROOT / "tests" / "fixtures" / "before_districts"


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for table in tables if table != "django_migrations"}


@pytest.fixture
def migrated(tmp_path):
    """The old database, migrated by the current code; with the counts of its rows before."""
    path = tmp_path / "db.sqlite3"
    path.write_bytes(lzma.decompress((BEFORE / "db.sqlite3.xz").read_bytes()))
    before = counts(path)
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{path}", "REDIS_URL": "",
           "MEDIA_ROOT": str(tmp_path / "media")}

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env,
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    return path, before, manage


def test_every_row_report_and_figure_is_kept(migrated):
    path, before, manage = migrated
    after = counts(path)
    assert {table: after.get(table) for table in before} == before

    for name, args in {"kpi-2018": [], "kpi-2018-08989": ["--commune", "08989"]}.items():
        printed = json.loads(manage("kpi", "--json", "--year", "2018", *args))
        assert printed == json.loads((BEFORE / f"{name}.json").read_text("utf-8")), name

    expected = json.loads((BEFORE / "reports.json").read_text("utf-8"))
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT r.id, r.year, c.code, r.checksum, r.snapshot, r.file, r.issued_at "
            "FROM reports_report r LEFT JOIN accounts_commune c ON c.id = r.commune_id "
            "ORDER BY r.id").fetchall()
        locked = [year for (year,) in db.execute("SELECT year FROM facilities_yearlock "
                                                 "ORDER BY year")]
    assert [{"id": pk, "year": year, "commune": commune, "checksum": checksum,
             "snapshot": json.loads(snapshot), "file": file}
            for pk, year, commune, checksum, snapshot, file, issued in rows] == expected
    assert all(issued for *_rest, issued in rows)
    assert locked == [2017, 2018]
