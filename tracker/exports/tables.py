"""Streamed CSV of incidents, claims and citations. Rows come from a server-side cursor and go
out as they are written, so a million-row export holds the same memory as a ten-row one.

Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading
apostrophe (OWASP's CSV injection advice); numbers stay numbers."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from rest_framework.exceptions import ValidationError

from tracker.api.errors import bad_request
from tracker.exports.common import published_matching
from tracker.models import Alignment, Citation, Claim, Statement

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes into this and gets the line back, to yield it at once."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def _count(model: Any, field: str) -> Coalesce:
    return Coalesce(
        Subquery(
            model.objects.filter(**{field: OuterRef("pk")})
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


def _stream(name: str, columns: dict[str, Any], queryset: QuerySet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(list(columns), _rows(queryset, columns)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def incidents_csv(request: HttpRequest) -> HttpResponse:
    try:
        matching = published_matching(request.GET)
    except ValidationError as exc:
        return bad_request(exc)
    return _stream("incidents", INCIDENT_COLUMNS, matching)


def claims_csv(request: HttpRequest) -> HttpResponse:
    try:
        matching = published_matching(request.GET)
    except ValidationError as exc:
        return bad_request(exc)
    return _stream("claims", CLAIM_COLUMNS, Claim.objects.filter(statement__incident__in=matching))


def citations_csv(request: HttpRequest) -> HttpResponse:
    try:
        matching = published_matching(request.GET)
    except ValidationError as exc:
        return bad_request(exc)
    cited = Citation.objects.filter(
        claim__statement__incident__in=matching
    ) | Citation.objects.filter(statement__incident__in=matching)
    return _stream("citations", CITATION_COLUMNS, cited)
