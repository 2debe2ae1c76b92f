"""The editorial incident list: its incidents (tracker.selectors.incident_queries), keyset
(cursor) paging, the map and the timeline."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Avg, Count, F, IntegerField, Max, Min, Q, QuerySet
from django.db.models.functions import Floor, TruncMonth
from django.utils.dateparse import parse_datetime

from tracker.enums import DisputeStatus, EditorialState
from tracker.maps import Marker
from tracker.models import Conflict, Incident
from tracker.selectors.incident_queries import (
    Bbox,
    IncidentCriteria,
    incidents_matching,
    range_start,
)
from tracker.selectors.incidents import incidents_with_dispute_status

# sort name → (field, descending)
SORT_KEYS = {
    "newest": ("occurred_start", True),
    "oldest": ("occurred_start", False),
    "updated": ("updated_at", True),
}


class BadCursorError(ValueError):
    pass


# Who sees incidents before they are published: whoever may start one (journalists and
# editors). A viewer reads the published set, as the public API's readers do.
SEES_UNPUBLISHED = "tracker.add_incident"


def sees_unpublished(user: User | AnonymousUser) -> bool:
    return user.has_perm(SEES_UNPUBLISHED)


def hidden_from(user: User | AnonymousUser, incident_state: str) -> bool:
    """Whether USER may not read an incident in INCIDENT_STATE on the newsroom's pages: a viewer
    reads what the public reads (published; retracted with its notice), by list or by address."""
    readable = (EditorialState.PUBLISHED, EditorialState.RETRACTED)
    return incident_state not in readable and not sees_unpublished(user)


def incidents_listed(criteria: IncidentCriteria, *, published_only: bool) -> QuerySet[Incident]:
    """The list's incidents: every live one matching CRITERIA (any state, or PUBLISHED_ONLY),
    with their conflict and dispute status for the rows and the map."""
    matching = incidents_matching(criteria, published_only=published_only).select_related(
        "conflict"
    )
    return incidents_with_dispute_status(matching)


def conflict_of(criteria: IncidentCriteria) -> Conflict | None:
    """The conflict CRITERIA names (by id or slug), to frame the map; None for none."""
    key = criteria.conflict
    if key is None:
        return None
    return Conflict.objects.filter(**{"pk" if isinstance(key, int) else "slug": key}).first()


FORWARD, BACKWARD = "n", "p"


def _encode(value: datetime, pk: int, direction: str) -> str:
    raw = json.dumps([value.isoformat(), pk, direction]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk, direction = json.loads(raw)
        moment = parse_datetime(value)
        if moment is None or not isinstance(pk, int) or direction not in (FORWARD, BACKWARD):
            raise ValueError
    except (ValueError, TypeError) as exc:
        raise BadCursorError("This page link is damaged; start again from the first page.") from exc
    return moment, pk, direction


@dataclass
class Page:
    rows: list[Incident]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def is_first(self) -> bool:
        return self.previous_cursor is None


def incidents_keyset_page(
    queryset: QuerySet[Incident], *, sort: str, cursor: str, size: int
) -> Page:
    """One page after (or, for a "previous" cursor, before) CURSOR in SORT order. Keyset
    paging both ways: page 1,000 costs what page 1 costs, and rows inserted meanwhile never
    shift what the next or previous page shows."""
    field, descending = SORT_KEYS.get(sort) or SORT_KEYS["newest"]
    direction = FORWARD
    if cursor:
        value, pk, direction = _decode(cursor)
        # Going back walks the order in reverse from the cursor, then turns the rows round.
        later = "lt" if descending == (direction == FORWARD) else "gt"
        queryset = queryset.filter(
            Q(**{f"{field}__{later}": value}) | Q(**{field: value, f"id__{later}": pk})
        )
    reverse = direction == BACKWARD
    ascending = descending == reverse
    order = [field, "id"] if ascending else [f"-{field}", "-id"]
    rows = list(queryset.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
    if not rows:
        return Page(rows=[], next_cursor=None, previous_cursor=None)
    first, last = rows[0], rows[-1]
    has_next = more if not reverse else True
    has_previous = bool(cursor) if not reverse else more
    return Page(
        rows=rows,
        next_cursor=_encode(getattr(last, field), last.pk, FORWARD) if has_next else None,
        previous_cursor=(
            _encode(getattr(first, field), first.pk, BACKWARD) if has_previous else None
        ),
    )


MAX_ZOOM = 20
CELLS_AT_ZOOM_0 = 16  # grid columns round the world at zoom 0; each zoom level doubles them


def cell_degrees(zoom: int) -> float:
    """The side of one grid cell at ZOOM, in degrees."""
    return 360 / (CELLS_AT_ZOOM_0 * 2**zoom)


def zoom_for_span(degrees: float) -> int:
    """The zoom at which a view DEGREES wide holds about CELLS_AT_ZOOM_0 cells across."""
    if degrees <= 0:
        return MAX_ZOOM
    return max(0, min(MAX_ZOOM, math.floor(math.log2(360 / degrees))))


@dataclass(frozen=True)
class Cluster:
    """The located incidents of one grid cell: where they are on average, how many; a cell of
    one incident is that incident (its marker links to it)."""

    latitude: float
    longitude: float
    count: int
    marker: Marker | None


@dataclass(frozen=True)
class Clusters:
    """The located incidents of a selection per grid cell, and how many incidents the
    selection holds in all (located or not): the list's exact count comes with its map."""

    cells: list[Cluster]
    total: int


def incidents_clustered(queryset: QuerySet[Incident], *, zoom: int) -> Clusters:
    """QUERYSET's incidents counted per grid cell of ZOOM, in one GROUP BY over an index (the
    unlocated ones are one more group, counted for the total): the map costs the same, and
    weighs the same, for 100 incidents or 100,000."""
    size = cell_degrees(zoom)
    groups = list(
        queryset.order_by()
        .annotate(
            cell_x=Floor(F("longitude") / size, output_field=IntegerField()),
            cell_y=Floor(F("latitude") / size, output_field=IntegerField()),
        )
        .values("cell_x", "cell_y")
        .annotate(n=Count("id"), lat=Avg("latitude"), lon=Avg("longitude"), only=Min("id"))
        .values_list("n", "lat", "lon", "only")
    )
    total = sum(n for n, _, _, _ in groups)
    cells = [(n, lat, lon, only) for n, lat, lon, only in groups if lat is not None]
    singles = [only for n, _, _, only in cells if n == 1]
    # dispute_status is an annotation, which the type checker's Django plugin cannot see.
    rows = incidents_with_dispute_status(Incident.objects.filter(pk__in=singles)).values(
        "pk",
        "title",
        "latitude",
        "longitude",
        "dispute_status",  # type: ignore[misc]
    )
    markers = (
        {
            row["pk"]: Marker(
                incident_id=row["pk"],
                title=row["title"],
                latitude=row["latitude"],
                longitude=row["longitude"],
                url=f"/incidents/{row['pk']}/",
                disputed=row["dispute_status"] == DisputeStatus.DISPUTED,
            )
            for row in rows
        }
        if singles
        else {}
    )
    return Clusters(
        cells=[
            Cluster(
                latitude=lat, longitude=lon, count=n, marker=markers.get(only) if n == 1 else None
            )
            for n, lat, lon, only in cells
        ],
        total=total,
    )


def _ends(queryset: QuerySet[Incident], *, filtered: bool, **ends: Min | Max) -> dict[str, Any]:
    """MIN and MAX aggregates of QUERYSET. Unfiltered, PostgreSQL reads each from an index's
    end instead of scanning. A FILTERED selection is read in one pass over its own rows:
    walking an index for the first row a selective filter keeps (a search, a small conflict)
    may read most of the table. Any other aggregate keeps the planner from the index-end plan."""
    found = queryset.order_by().aggregate(**ends, **({"rows": Count("id")} if filtered else {}))
    found.pop("rows", None)
    return found


def selection_extent(queryset: QuerySet[Incident], *, filtered: bool) -> Bbox | None:
    """The box round QUERYSET's located incidents, or None (the index ends: incident_located_idx,
    incident_latitude_idx)."""
    found = _ends(
        queryset.filter(latitude__isnull=False, longitude__isnull=False),
        filtered=filtered,
        west=Min("longitude"),
        south=Min("latitude"),
        east=Max("longitude"),
        north=Max("latitude"),
    )
    return None if found["west"] is None else Bbox(**found)


@dataclass
class TimelineBar:
    label: str
    count: int
    height_percent: int
    occurred_from: date
    occurred_to: date
    query: str = ""  # the list's query filtered to this month (the page sets it)


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def incidents_timeline(
    queryset: QuerySet[Incident], *, filtered: bool, bars: int = 24
) -> list[TimelineBar]:
    """Incidents per month of the selection: the BARS calendar months up to the latest one
    with any, the empty ones kept (a gap in reporting is news too). Each bar knows its first and
    last day, so it can filter the list to itself. The latest month: see _ends."""
    latest = _ends(queryset, filtered=filtered, latest=Max("occurred_start"))["latest"]
    if latest is None:
        return []
    latest = latest.astimezone(UTC)
    month = date(latest.year, latest.month, 1)
    for _ in range(bars - 1):
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    counts = (
        queryset.filter(occurred_start__gte=range_start(month))
        .order_by()
        .annotate(month=TruncMonth("occurred_start", tzinfo=UTC))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    by_month = {moment.date(): n for moment, n in counts}
    top = max(by_month.values(), default=0)
    timeline = []
    for _ in range(bars):
        count = by_month.get(month, 0)
        following = _month_after(month)
        timeline.append(
            TimelineBar(
                label=month.strftime("%b %Y"),
                count=count,
                height_percent=round(100 * count / top) if count else 0,
                occurred_from=month,
                occurred_to=following - timedelta(days=1),
            )
        )
        month = following
    return timeline
