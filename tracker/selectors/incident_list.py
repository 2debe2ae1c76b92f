"""The editorial incident list: its incidents (tracker.selectors.incident_queries), keyset
(cursor) paging, the map and the timeline."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.dateparse import parse_datetime

from tracker.enums import DisputeStatus
from tracker.maps import Marker
from tracker.models import Conflict, Incident
from tracker.selectors.incident_queries import IncidentCriteria, incidents_matching
from tracker.selectors.incidents import incidents_with_dispute_status

# sort name → (field, descending)
SORT_KEYS = {
    "newest": ("occurred_start", True),
    "oldest": ("occurred_start", False),
    "updated": ("updated_at", True),
}


class BadCursorError(ValueError):
    pass


def incidents_listed(criteria: IncidentCriteria) -> QuerySet[Incident]:
    """The staff list's incidents: every live one matching CRITERIA (any state), with their
    conflict and dispute status for the rows and the map."""
    matching = incidents_matching(criteria, published_only=False).select_related("conflict")
    return incidents_with_dispute_status(matching)


def conflict_of(criteria: IncidentCriteria) -> Conflict | None:
    """The conflict CRITERIA names (by id or slug), to frame the map; None for none."""
    key = criteria.conflict
    if key is None:
        return None
    return Conflict.objects.filter(**{"pk" if isinstance(key, int) else "slug": key}).first()


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


def incidents_keyset_page(
    queryset: QuerySet[Incident], *, sort: str, cursor: str, size: int
) -> Page:
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
