"""What every conflict ledger shares: the filters, the table they return, the WHERE clauses
(on the summary tables the ledgers read, and on the conflict's incidents for drill-downs),
periods."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from tracker.enums import EditorialState, IncidentType, LedgerZoom
from tracker.models import Conflict, Party, Side

# The page lists at most this many silences; the downloads carry all of them.
PAGE_ROWS = 100
# Rows per fetch from a server-side cursor (stream_rows).
STREAM_ROWS = 2000


@dataclass(frozen=True)
class LedgerFilters:
    """What every ledger is filtered by. `published_only` is the public view."""

    date_from: date | None = None
    date_to: date | None = None
    party: Party | None = None
    incident_type: IncidentType | None = None
    zoom: LedgerZoom = LedgerZoom.WEEK
    published_only: bool = True

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links that keep them)."""
        params = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "party": str(self.party.pk) if self.party else "",
            "type": self.incident_type.value if self.incident_type else "",
            "zoom": self.zoom.value,
        }
        return {key: value for key, value in params.items() if value}


@dataclass
class Table:
    """A ledger's numbers: column keys with their headings, and rows keyed by column. Every
    figure as issued (casualty_figures) comes as an iterator to read once, as it streams from
    the database; every other ledger's rows are a list."""

    columns: list[tuple[str, str]]
    rows: Iterable[dict[str, Any]]

    def values(self) -> Iterator[list[Any]]:
        return ([row[key] for key, _ in self.columns] for row in self.rows)


def incident_where(conflict: Conflict, filters: LedgerFilters) -> tuple[str, dict[str, Any]]:
    """The WHERE clause on `i` (tracker_incident) for the incidents behind a mark (drill-downs
    read the base tables), with its parameters."""
    states = (
        [EditorialState.PUBLISHED]
        if filters.published_only
        else [EditorialState.DRAFT, EditorialState.IN_REVIEW, EditorialState.PUBLISHED]
    )
    clauses = [
        "i.conflict_id = %(conflict)s",
        "i.merged_into_id IS NULL",
        "i.state = ANY(%(states)s)",
    ]
    # The public view leaves out rows the publish gate still holds (tracker.services.revisions).
    params: dict[str, Any] = {
        "conflict": conflict.pk,
        "states": [str(s) for s in states],
        "public": filters.published_only,
    }
    if filters.date_from:
        clauses.append("i.occurred_start >= %(date_from)s")
        params["date_from"] = datetime.combine(filters.date_from, datetime.min.time(), tzinfo=UTC)
    if filters.date_to:
        clauses.append("i.occurred_start < %(date_to)s")
        params["date_to"] = datetime.combine(
            filters.date_to + timedelta(days=1), datetime.min.time(), tzinfo=UTC
        )
    if filters.incident_type:
        clauses.append("i.incident_type = %(incident_type)s")
        params["incident_type"] = str(filters.incident_type)
    params["zoom"] = str(filters.zoom)
    params["party"] = filters.party.pk if filters.party else None
    return " AND ".join(clauses), params


def summary_where(conflict: Conflict, filters: LedgerFilters) -> tuple[str, dict[str, Any]]:
    """The WHERE clause on `t`, a ledger summary table (migration 0019: one row set per
    conflict, incident day and view), with its parameters. Inside a transaction, first brings up
    to date whatever it changed itself (a commit does that for everyone else, so outside one
    nothing is pending and the round trip is saved)."""
    if connection.in_atomic_block or not connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute("SELECT ledger_refresh_pending(%s)", [conflict.pk])
    clauses = ["t.conflict_id = %(conflict)s", "t.public = %(public)s"]
    params: dict[str, Any] = {
        "conflict": conflict.pk,
        "public": filters.published_only,
        "zoom": str(filters.zoom),
        "party": filters.party.pk if filters.party else None,
    }
    if filters.date_from:
        clauses.append("t.day >= %(date_from)s")
        params["date_from"] = filters.date_from
    if filters.date_to:
        clauses.append("t.day <= %(date_to)s")
        params["date_to"] = filters.date_to
    if filters.incident_type:
        clauses.append("t.incident_type = %(incident_type)s")
        params["incident_type"] = str(filters.incident_type)
    return " AND ".join(clauses), params


def fetch_rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def stream_rows(sql: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """fetch_rows read from a server-side cursor, STREAM_ROWS at a time as the caller consumes
    them, so memory stays flat whatever the count. In a transaction: outside one the cursor
    would be WITH HOLD, which PostgreSQL materialises whole before the first row comes out;
    inside one, a query in index order starts answering at once (one snapshot throughout)."""
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        while chunk := cursor.fetchmany(STREAM_ROWS):
            for row in chunk:
                yield dict(zip(names, row, strict=True))


def bucket_end(start: date, zoom: LedgerZoom) -> date:
    """The first day after the bucket that starts on START."""
    if zoom == LedgerZoom.DAY:
        return start + timedelta(days=1)
    if zoom == LedgerZoom.WEEK:
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


# The conflict with its sides by name as JSON objects. Plain SQL: the ORM takes longer to build
# this (a subquery of JSON objects) than PostgreSQL takes to answer it.
CONFLICT_SQL = """
SELECT c.*,
       coalesce((SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'role', s.role,
                                                   'country_code', s.country_code)
                                 ORDER BY s.name)
                   FROM tracker_side s WHERE s.conflict_id = c.id), '[]') AS side_rows
  FROM tracker_conflict c
 WHERE c.{field} = %s
"""
BIGINT_MAX = 2**63 - 1


def ledger_conflict(*, pk: int | None = None, slug: str | None = None) -> Conflict | None:
    """The conflict with this PK or SLUG (None if there is none) and its sides, in one query:
    every ledger names sides, and on a ledger request a second round trip costs about what
    summing the summary rows does (bench/conflict.py)."""
    if pk is not None and pk > BIGINT_MAX:
        return None
    field, value = ("id", pk) if pk is not None else ("slug", slug)
    return next(iter(Conflict.objects.raw(CONFLICT_SQL.format(field=field), [value])), None)


def conflict_sides(conflict: Conflict) -> list[Side]:
    """The conflict's sides by name: those ledger_conflict() read with it, else one query."""
    rows = getattr(conflict, "side_rows", None)
    if rows is None:
        return list(conflict.sides.order_by("name"))
    return [Side(conflict=conflict, **row) for row in rows]


def figure_text(low: int | None, high: int | None) -> str:
    """A casualty range as a reader says it: "3", "2–5", "at least 10", "up to 4"."""
    if high is None:
        return f"at least {low}"
    if low is None:
        return f"up to {high}"
    return str(low) if low == high else f"{low}–{high}"
