"""A conflict ledger's numbers as CSV (streamed, formula-safe cells) or as the JSON document
that the page's download and the API both serve."""

from typing import Any

from django.http import StreamingHttpResponse

from tracker.models import Conflict
from tracker.selectors.ledgers import LedgerFilters, Table, ledger_table
from tracker.web.csvstream import csv_lines


def ledger_payload(name: str, *, conflict: Conflict, filters: LedgerFilters) -> dict[str, Any]:
    table = ledger_table(name, conflict=conflict, filters=filters)
    return {
        "conflict": {"id": conflict.pk, "slug": conflict.slug, "name": conflict.name},
        "ledger": name,
        "filters": filters.as_params(),
        "published_only": filters.published_only,
        "columns": [{"key": key, "label": label} for key, label in table.columns],
        "rows": list(table.rows),
    }


def ledger_csv(name: str, table: Table, *, conflict: Conflict) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines([label for _, label in table.columns], table.values()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{conflict.slug}-{name}.csv"'
    return response
