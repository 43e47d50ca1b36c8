"""Reading big result sets without Django's per-value converters.

The KPI engine reads tens of thousands of rows; converting each value through the ORM costs
more than the query. These helpers run the ORM's own SQL and normalise the few types that
differ between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import connections


def raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset, as the database driver returns them."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def to_decimal(value) -> Decimal | None:
    """A NUMERIC value as Decimal: exact on PostgreSQL; on SQLite, REAL values are read by
    their shortest representation, as Django's own converter does."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def year_of(value) -> int | None:
    """The year of a DATE value (a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.year
    if isinstance(value, int):
        return value
    return int(str(value)[:4])


def ids_subquery(ids, vendor: str):
    """A one-parameter SQL subquery yielding these ids, whatever their number (SQLite limits
    the parameters of a statement; a JSON array or a PostgreSQL array is one parameter)."""
    import json

    from django.db.models.expressions import RawSQL

    values = sorted(int(pk) for pk in ids)
    if vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
