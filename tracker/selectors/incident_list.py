"""The editorial incident list: filters, keyset (cursor) paging, the map and the timeline."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.dateparse import parse_datetime

from tracker.enums import DisputeStatus
from tracker.maps import Marker
from tracker.models import Citation, Claim, Incident, Statement
from tracker.selectors.incidents import incidents_with_dispute_status

# sort name → (field, descending)
SORT_KEYS = {
    "newest": ("occurred_start", True),
    "oldest": ("occurred_start", False),
    "updated": ("updated_at", True),
}


class BadCursorError(ValueError):
    pass


def incidents_filtered(
    *,
    q: str = "",
    conflict: Any = None,
    party: Any = None,
    type: str = "",
    state: str = "",
    dispute: str = "",
    occurred_from: date | None = None,
    occurred_to: date | None = None,
    uncited: bool = False,
    **_: Any,
) -> QuerySet[Incident]:
    incidents = Incident.objects.live().select_related("conflict")
    if q:
        incidents = incidents.search(q)
    if conflict:
        incidents = incidents.filter(conflict=conflict)
    if party:
        incidents = incidents.filter(
            Exists(Statement.objects.filter(incident=OuterRef("pk"), party=party))
        )
    if type:
        incidents = incidents.filter(incident_type=type)
    if state:
        incidents = incidents.filter(state=state)
    if occurred_from:
        incidents = incidents.filter(
            occurred_start__gte=datetime.combine(occurred_from, time.min, UTC)
        )
    if occurred_to:
        incidents = incidents.filter(
            occurred_start__lt=datetime.combine(occurred_to + timedelta(days=1), time.min, UTC)
        )
    if uncited:
        uncited_claims = Claim.objects.filter(statement__incident=OuterRef("pk")).exclude(
            Exists(Citation.objects.filter(claim=OuterRef("pk")))
        )
        incidents = incidents.filter(Exists(uncited_claims))
    annotated = incidents_with_dispute_status(incidents)
    if dispute:
        # dispute_status is an annotation, which the type checker's Django plugin cannot see.
        annotated = annotated.filter(dispute_status=DisputeStatus(dispute).value)  # type: ignore[misc]
    return annotated


def _encode(value: datetime, pk: int) -> str:
    raw = json.dumps([value.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        moment = parse_datetime(value)
        if moment is None or not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError) as exc:
        raise BadCursorError("This page link is damaged; start again from the first page.") from exc
    return moment, pk


@dataclass
class Page:
    rows: list[Incident]
    next_cursor: str | None
    is_first: bool


def incidents_page(queryset: QuerySet[Incident], *, sort: str, cursor: str, size: int) -> Page:
    """One page after CURSOR in SORT order. Keyset paging: page 1,000 costs what page 1 costs,
    and rows inserted meanwhile never shift what the next page shows."""
    field, descending = SORT_KEYS.get(sort) or SORT_KEYS["newest"]
    order = [f"-{field}", "-id"] if descending else [field, "id"]
    if cursor:
        value, pk = _decode(cursor)
        after = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{field}__{after}": value}) | Q(**{field: value, f"id__{after}": pk})
        )
    rows = list(queryset.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = _encode(getattr(rows[-1], field), rows[-1].pk) if more else None
    return Page(rows=rows, next_cursor=next_cursor, is_first=not cursor)


MAP_LIMIT = 2000


def incidents_markers(queryset: QuerySet[Incident]) -> list[Marker]:
    """Every located incident of the filtered set (up to MAP_LIMIT), not just the page."""
    rows = (
        queryset.filter(latitude__isnull=False)
        .order_by("-occurred_start")
        .values("pk", "title", "latitude", "longitude", "dispute_status")[:MAP_LIMIT]  # type: ignore[misc]
    )
    return [
        Marker(
            incident_id=row["pk"],
            title=row["title"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            url=f"/incidents/{row['pk']}/",
            disputed=row["dispute_status"] == DisputeStatus.DISPUTED,
        )
        for row in rows
    ]


@dataclass
class TimelineBar:
    label: str
    count: int
    height_percent: int


def incidents_timeline(queryset: QuerySet[Incident], *, bars: int = 24) -> list[TimelineBar]:
    """Incidents per month of the filtered set: the last BARS months that have any."""
    months = list(
        queryset.order_by()
        .annotate(month=TruncMonth("occurred_start"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-month")
        .values_list("month", "n")[:bars]
    )[::-1]
    top = max((count for _, count in months), default=0)
    return [
        TimelineBar(
            label=month.strftime("%b %Y"),
            count=count,
            height_percent=max(4, round(100 * count / top)),
        )
        for month, count in months
    ]
