"""GET /api/v1/conflicts/<id>/ledgers/<name>/: a conflict ledger over published incidents, with
the conflict page's filters (from, to, party, type, zoom). Unknown parameters are refused
rather than ignored, so a misspelt filter never returns unfiltered numbers."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.enums import IncidentType, LedgerZoom
from tracker.forms.ledger_filters import PARAMS, LedgerFilterForm
from tracker.selectors.ledgers import LEDGER_TABLES, ledger_conflict, ledger_table
from tracker.web.ledgers import ledger_json, ledger_payload

ALLOWED_PARAMS = {*PARAMS, "format"}


class ConflictLedgerView(APIView):
    @extend_schema(
        summary="A conflict ledger (published incidents)",
        description="name: " + ", ".join(LEDGER_TABLES) + ". Rows as on the conflict page.",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="incidents from this day"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="incidents up to this day"),
            OpenApiParameter("party", OpenApiTypes.INT, description="a party's statements only"),
            OpenApiParameter("type", str, enum=IncidentType.values),
            OpenApiParameter("zoom", str, enum=LedgerZoom.values),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int, name: str) -> Response | StreamingHttpResponse:
        if name not in LEDGER_TABLES:
            raise NotFound(f"No ledger {name!r}: choose one of {', '.join(LEDGER_TABLES)}.")
        unknown = sorted(set(request.query_params) - ALLOWED_PARAMS)
        if unknown:
            raise ValidationError(
                {key: [f"Unknown parameter; use {', '.join(PARAMS)}."] for key in unknown}
            )
        conflict = ledger_conflict(pk=pk)
        if conflict is None:
            raise NotFound(f"No conflict {pk}.")
        form = LedgerFilterForm(request.query_params, conflict=conflict)
        if not form.is_valid():
            names = {"date_from": "from", "date_to": "to"}
            raise ValidationError(
                {names.get(k, k): [str(m) for m in v] for k, v in form.errors.items()}
            )
        filters = form.filters(published_only=True)
        table = ledger_table(name, conflict=conflict, filters=filters)
        if not isinstance(table.rows, list):  # every figure as issued: streamed, never held whole
            return ledger_json(name, table, conflict=conflict, filters=filters)
        return Response(ledger_payload(name, table, conflict=conflict, filters=filters))
