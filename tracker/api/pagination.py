"""Keyset cursor pagination: ORDER BY (change key, id), the cursor is the last row's
pair. A row that changes while a consumer pages gets a new key; for incidents, whatever the page
could not see reaches the consumer from its watermark on the next pass (docs/api.md). Page 1,000
costs what page 1 does (an index seek)."""

import base64
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from tracker.services.errors import UNPROCESSABLE


def _value(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = 500
    # (time field, unique tie-breaker); an index on the pair serves every page.
    ordering: tuple[str, str] = ("updated_at", "id")
    key_is_time = True

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        size = self.get_page_size(request)
        key, tie = self.ordering
        position = self.decode_cursor(request)
        if position is not None:
            at, last = position
            # A row comparison, (key, tie) > (at, last): PostgreSQL starts the index scan at
            # the cursor even when many rows share a key (one transaction's id on every row it
            # wrote), where `key >= at AND (key > at OR tie > last)` filters them all.
            queryset = queryset.filter(TupleGreaterThan(Tuple(F(key), F(tie)), (at, last)))
        rows = list(queryset.order_by(key, tie)[: size + 1])
        self.next_position = None
        if len(rows) > size:
            rows = rows[:size]
            self.next_position = (_value(rows[-1], key), _value(rows[-1], tie))
        return rows

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: f"A whole number from 1 to {self.max_page_size}."}
            )
        return int(raw)

    def decode_cursor(self, request: Request) -> tuple[datetime | int, int] | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            at, last = base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii").split("|")
            if not self.key_is_time:
                return int(at), int(last)
            moment = datetime.fromisoformat(at)
            if moment.tzinfo is None:
                raise ValueError("naive time")
            return moment.astimezone(UTC), int(last)
        except (ValueError, UnicodeError, OverflowError) as exc:
            raise ValidationError(
                {self.cursor_query_param: "Not a cursor from this API."}, code=UNPROCESSABLE
            ) from exc

    def encode_cursor(self, position: tuple[datetime | int, int]) -> str:
        key = position[0].isoformat() if isinstance(position[0], datetime) else position[0]
        return base64.urlsafe_b64encode(f"{key}|{position[1]}".encode()).decode()

    def get_next_link(self) -> str | None:
        if self.next_position is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)
        return replace_query_param(
            url, self.cursor_query_param, self.encode_cursor(self.next_position)
        )

    def get_paginated_response(self, data: Sequence[Any]) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page; null on the last one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position from a `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class IncidentChangePagination(KeysetPagination):
    """Incidents page through their change stamps (tracker.models.IncidentChange) in the order
    of the transaction ids that wrote them, the order sync's watermark compares with."""

    ordering = ("xid", "incident_id")
    key_is_time = False


class IdPagination(KeysetPagination):
    """For tables without a change time (outlets): plain id order."""

    ordering = ("id", "id")
    key_is_time = False
