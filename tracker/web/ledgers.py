"""A conflict ledger's numbers as CSV (streamed, formula-safe cells) or as the JSON document
that the page's download (streamed) and the API both serve."""

from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse

from tracker.models import Conflict
from tracker.selectors.ledgers import LedgerFilters, Table
from tracker.web.csvstream import csv_lines
from tracker.web.problems import orjson_bytes


def _head(name: str, table: Table, *, conflict: Conflict, filters: LedgerFilters) -> dict:
    """The document without its rows."""
    return {
        "conflict": {"id": conflict.pk, "slug": conflict.slug, "name": conflict.name},
        "ledger": name,
        "filters": filters.as_params(),
        "published_only": filters.published_only,
        "columns": [{"key": key, "label": label} for key, label in table.columns],
    }


def ledger_payload(
    name: str, table: Table, *, conflict: Conflict, filters: LedgerFilters
) -> dict[str, Any]:
    return {**_head(name, table, conflict=conflict, filters=filters), "rows": list(table.rows)}


def ledger_json(
    name: str, table: Table, *, conflict: Conflict, filters: LedgerFilters
) -> StreamingHttpResponse:
    """ledger_payload's document written row by row as the rows come (every figure as issued
    streams from the database), so no download holds its whole ledger in memory."""

    def chunks() -> Iterator[bytes]:
        head = orjson_bytes(_head(name, table, conflict=conflict, filters=filters))
        yield head[:-1] + b',"rows":['
        separator = b""
        for row in table.rows:
            yield separator + orjson_bytes(row)
            separator = b","
        yield b"]}"

    return StreamingHttpResponse(chunks(), content_type="application/json")


def ledger_csv(name: str, table: Table, *, conflict: Conflict) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines([label for _, label in table.columns], table.values()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{conflict.slug}-{name}.csv"'
    return response
