"""The suite runs on the database DATABASE_URL names; CI runs it on SQLite and PostgreSQL."""

import os

import pytest
from django.db import connection

from tests.conftest import need


@pytest.mark.django_db
def test_the_configured_database_is_the_one_in_use():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_postgresql_is_there_when_required():
    need("PostgreSQL", connection.vendor == "postgresql",
         "set DATABASE_URL=postgres://... to run the suite on it")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 130000
