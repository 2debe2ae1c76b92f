"""SQL for the batched write path: any number of rows in one statement, as one JSON parameter.

A multi-row INSERT built by Django's compiler costs more Python per row than PostgreSQL spends
storing it, and its text changes with the row count. One fixed statement per model reads the rows
from a JSON array (`jsonb_to_recordset`): its text is built once, its parameter is one orjson
string. Uniqueness is still PostgreSQL's: `ON CONFLICT DO NOTHING` skips a row another writer
stored first, and RETURNING says which rows this statement inserted. Triggers (pghistory) fire
per row as for any INSERT."""

from collections.abc import Iterable
from functools import cache
from typing import Any

import orjson
from django.db import connection
from django.db.models import Field, Model, UniqueConstraint


def _fields(model: type[Model]) -> list[Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _unique(model: type[Model], field: Field) -> bool:
    """FIELD is unique on its own: `unique=True`, or the only field of an unconditional
    UniqueConstraint (which spares the second, pattern-ops index unique=True adds to text)."""
    return field.unique or any(
        isinstance(c, UniqueConstraint) and c.condition is None and c.fields == (field.name,)
        for c in model._meta.constraints
    )


@cache
def insert_from_json_sql(model: type[Model]) -> str:
    """INSERT of every concrete column of MODEL from a JSON array of objects keyed by column,
    returning (id, <first unique column or id>) of the rows inserted."""
    qn = connection.ops.quote_name
    fields = _fields(model)
    columns = ", ".join(qn(f.column) for f in fields)
    types = ", ".join(f"{qn(f.column)} {f.db_type(connection)}" for f in fields)
    key = next((f.column for f in fields if _unique(model, f)), model._meta.pk.column)
    return (  # names from the model's meta; values are bound
        f"INSERT INTO {qn(model._meta.db_table)} ({columns}) SELECT {columns} "  # noqa: S608
        f"FROM jsonb_to_recordset(%s::jsonb) AS r({types}) "
        f"ON CONFLICT DO NOTHING RETURNING {qn(model._meta.pk.column)}, {qn(key)}"
    )


@cache
def _defaults(model: type[Model]) -> dict[str, Any]:
    return {f.column: f.get_default() for f in _fields(model)}


def row_with_defaults(model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
    """ROW (column → value) completed with the field defaults of MODEL, computed once."""
    return {**_defaults(model), **row}


def json_rows(model: type[Model], rows: list[dict[str, Any]]) -> str:
    """ROWS (column → value; missing columns take the field's default) as the JSON parameter
    of `insert_from_json_sql(MODEL)`. Defaults are computed once: they are only serialised."""
    return orjson.dumps([row_with_defaults(model, row) for row in rows]).decode()


def array_literal(values: Iterable[str | int]) -> str:
    """VALUES as the text of a PostgreSQL array, for a parameter cast in SQL (`%s::varchar[]`):
    `{"a","b\\"c"}`, `{1,2}`. The same text psycopg's list adapter sends, but that adapter
    escapes element by element in Python (a sixth of a millisecond for a feed's links and
    fingerprint bands); here each string is double-quoted with its backslashes and quotes
    escaped (PostgreSQL's array input rules) by str.replace."""
    return (
        "{"
        + ",".join(
            str(value)
            if isinstance(value, int)
            else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            for value in values
        )
        + "}"
    )
