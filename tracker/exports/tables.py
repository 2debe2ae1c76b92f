"""Streamed CSV of incidents, claims and citations. Rows come from a server-side cursor and go
out as they are written, so a million-row export holds the same memory as a ten-row one.

Made to open correctly in a spreadsheet whatever the script: UTF-8 with a byte-order mark by
default (without one, Excel reads UTF-8 as the local code page and mangles Armenian, Cyrillic or
Arabic; `?bom=false` drops it for tools that choke on it), instants as ISO 8601 UTC with `Z`
(`2022-09-13T03:40:00Z`, which spreadsheets and pandas parse alike). Cells that a spreadsheet
would run as a formula (=, +, -, @, tab, CR first) get a leading apostrophe (OWASP's CSV
injection advice); numbers stay numbers. New columns go at the end, so a desk's import by
position keeps working."""

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from rest_framework.exceptions import ValidationError

from tracker.api.errors import bad_request
from tracker.exports.common import published_matching, published_outputs_freshness
from tracker.models import Alignment, Citation, Claim, Incident, Statement
from tracker.selectors.incidents import incidents_with_dispute_status
from tracker.views.caching import cached_publicly

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000
BOM = "\ufeff"
BOM_CHOICES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes into this and gets the line back, to yield it at once."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: list[str], rows: Iterable[Sequence[object]], *, bom: bool = True
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield (BOM if bom else "") + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def _count(model: Any, field: str) -> Coalesce:
    return Coalesce(
        Subquery(
            model.objects.approved()
            .filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _side_name(party: str, conflict: str) -> Subquery:
    return Subquery(
        Alignment.objects.filter(
            party_id=OuterRef(party), side__conflict_id=OuterRef(conflict)
        ).values("side__name")[:1]
    )


INCIDENT_COLUMNS = {
    "id": F("id"),
    "conflict": F("conflict__slug"),
    "title": F("title"),
    "incident_type": F("incident_type"),
    "occurred_start": F("occurred_start"),
    "occurred_end": F("occurred_end"),
    "time_precision": F("time_precision"),
    "place": F("place"),
    "latitude": F("latitude"),
    "longitude": F("longitude"),
    "statement_count": _count(Statement, "incident"),
    "changed_at": F("change__changed_at"),
    # The day it began in UTC, for pivot tables; occurred_start has the instant.
    "date": TruncDate("occurred_start", tzinfo=UTC),
    "conflict_name": F("conflict__name"),
    "summary": F("summary"),
    "dispute_status": F("dispute_status"),
    "local_timezone": F("local_timezone"),
}
CLAIM_COLUMNS = {
    "id": F("id"),
    "incident": F("statement__incident_id"),
    "incident_title": F("statement__incident__title"),
    "statement": F("statement_id"),
    "party": F("statement__party__name"),
    "side": _side_name("statement__party_id", "statement__incident__conflict_id"),
    "aspect": F("aspect"),
    "text": F("text"),
    "accused_side": F("accused_side__name"),
    "killed_min": F("killed_min"),
    "killed_max": F("killed_max"),
    "wounded_min": F("wounded_min"),
    "wounded_max": F("wounded_max"),
    "casualty_side": F("casualty_side__name"),
    "time_start": F("time_start"),
    "time_end": F("time_end"),
    "place": F("place"),
    "latitude": F("latitude"),
    "longitude": F("longitude"),
    "verdict": F("verdict"),
    "citation_count": _count(Citation, "claim"),
    "verdict_note": F("verdict_note"),
}
CITATION_COLUMNS = {
    "id": F("id"),
    "incident": Coalesce(F("claim__statement__incident_id"), F("statement__incident_id")),
    "claim": F("claim_id"),
    "statement": F("statement_id"),
    "source": F("source_id"),
    "source_url": F("source__url"),
    "source_title": F("source__title"),
    "outlet": F("source__outlet__name"),
    "excerpt": F("excerpt"),
    "start_offset": F("start_offset"),
    "end_offset": F("end_offset"),
}


def _rows(queryset: QuerySet, columns: dict[str, Any]) -> Iterator[tuple]:
    names = [f"c_{name}" for name in columns]
    annotated = queryset.annotate(**{f"c_{n}": e for n, e in columns.items()})
    return annotated.order_by("pk").values_list(*names).iterator(chunk_size=CHUNK_ROWS)


def _bom(request: HttpRequest) -> bool:
    raw = request.GET.get("bom", "true").strip().lower()
    if raw not in BOM_CHOICES:
        raise ValidationError({"bom": ["true (the default: for spreadsheets) or false."]})
    return BOM_CHOICES[raw]


def _stream(
    name: str, columns: dict[str, Any], queryset: QuerySet, *, bom: bool
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(list(columns), _rows(queryset, columns), bom=bom),
        content_type="text/csv; charset=utf-8; header=present",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _table(
    request: HttpRequest,
    name: str,
    columns: dict[str, Any],
    rows: Callable[[QuerySet[Incident]], QuerySet],
) -> HttpResponseBase:
    """The CSV of ROWS(matching incidents), or 400 naming each bad parameter."""
    try:
        matching = published_matching(request.GET)
        bom = _bom(request)
    except ValidationError as exc:
        return bad_request(exc)
    return _stream(name, columns, rows(matching), bom=bom)


@cached_publicly(published_outputs_freshness)
def incidents_csv(request: HttpRequest) -> HttpResponseBase:
    return _table(request, "incidents", INCIDENT_COLUMNS, incidents_with_dispute_status)


@cached_publicly(published_outputs_freshness)
def claims_csv(request: HttpRequest) -> HttpResponseBase:
    return _table(
        request,
        "claims",
        CLAIM_COLUMNS,
        lambda matching: Claim.objects.approved().filter(statement__incident__in=matching),
    )


@cached_publicly(published_outputs_freshness)
def citations_csv(request: HttpRequest) -> HttpResponseBase:
    return _table(
        request,
        "citations",
        CITATION_COLUMNS,
        lambda matching: Citation.objects.approved().filter(
            Q(claim__statement__incident__in=matching) | Q(statement__incident__in=matching)
        ),
    )
