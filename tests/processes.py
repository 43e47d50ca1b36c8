"""Tests that run the portal in processes of its own (a management command, runserver, gunicorn)
give it a SQLite file. Migrating one takes seconds, so the suite migrates one file per test
session and each such test starts from a copy of it."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory, worker_id) -> Path:
    """A SQLite file with every migration applied (reference data included); copy, never use.
    Under pytest-xdist the first worker to ask makes it and the others wait for it."""
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the folder every worker's own folder is in
    path = root / "migrated.sqlite3"
    with (root / "migrated.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = root / "migrated.sqlite3.part"
            env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{building}",
                   "REDIS_URL": ""}
            done = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                                  cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=300)
            assert done.returncode == 0, done.stderr
            building.rename(path)
    return path


def sqlite_copy(template: Path, folder: Path) -> str:
    """DATABASE_URL of a migrated database of the caller's own, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "db.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def sqlite_url(migrated_sqlite, tmp_path) -> str:
    """DATABASE_URL of a migrated database of this test's own."""
    return sqlite_copy(migrated_sqlite, tmp_path)
