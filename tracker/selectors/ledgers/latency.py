"""Response latency: how long each side took to answer the other, and its silences."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from tracker.enums import SideRole
from tracker.models import Conflict, Side
from tracker.selectors.ledgers.common import (
    LedgerFilters,
    Table,
    conflict_sides,
    fetch_rows,
    summary_where,
)

# Response latency bins, in hours: the histogram's edges (the last bin is open).
LATENCY_BINS_HOURS = (0, 1, 3, 6, 12, 24, 72, 168)


# The summary (migration 0019) holds per incident each answer: a belligerent side's first dated
# statement after the opener's (the side that spoke first), `seconds` later; `first_answer` marks
# one answer per incident, so the openers are counted once. A party filter keeps the incidents
# in which that party spoke. The histogram's bins are counted in the same pass as the median.
_BIN_COUNTS = ",\n       ".join(
    f"count(*) FILTER (WHERE t.seconds >= {low * 3600} AND t.seconds < {high * 3600})"
    f" AS bin_{index}"
    for index, (low, high) in enumerate(itertools.pairwise(LATENCY_BINS_HOURS))
)
LATENCY_SQL = (
    """
SELECT t.side_id, count(*) AS answered,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.seconds) AS median_seconds,
       """
    + _BIN_COUNTS
    + f""",
       count(*) FILTER (WHERE t.seconds >= {LATENCY_BINS_HOURS[-1] * 3600})
           AS bin_{len(LATENCY_BINS_HOURS) - 1}
  FROM ledger_latency t
 WHERE {{where}} AND (%(party)s::bigint IS NULL OR %(party)s::bigint = ANY(t.parties))
 GROUP BY t.side_id
"""
)

OPENED_SQL = """
SELECT t.opener AS side_id, count(*) AS opened
  FROM ledger_latency t
 WHERE {where} AND t.first_answer
   AND (%(party)s::bigint IS NULL OR %(party)s::bigint = ANY(t.parties))
 GROUP BY 1
"""

SILENCE_COUNTS_SQL = """
SELECT t.side_id, count(*) AS silences
  FROM ledger_silence t
 WHERE {where} AND (%(party)s::bigint IS NULL OR %(party)s::bigint = ANY(t.parties))
 GROUP BY 1
"""

# The latest silences first (LIMIT for the page); the caller puts them back in time order.
SILENCES_SQL = """
SELECT t.incident_id, i.title, t.occurred_start, t.side_id AS silent_side_id
  FROM ledger_silence t JOIN tracker_incident i ON i.id = t.incident_id
 WHERE {where} AND (%(party)s::bigint IS NULL OR %(party)s::bigint = ANY(t.parties))
 ORDER BY t.occurred_start DESC, t.incident_id DESC, t.side_id DESC
 LIMIT %(limit)s
"""


@dataclass
class LatencyDistribution:
    side: Side
    answered: int
    opened: int
    median: timedelta | None
    bins: list[tuple[str, int]]  # (label, incidents)
    silences: int = 0


@dataclass
class LatencyLedger:
    table: Table
    distributions: list[LatencyDistribution]
    silences: Table  # the latest, as many as asked for
    silence_count: int


def latency_bin_labels() -> list[str]:
    edges = LATENCY_BINS_HOURS
    labels = [f"{_hours(a)}–{_hours(b)}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"over {_hours(edges[-1])}"]


def _hours(hours: int) -> str:
    return f"{hours // 24} d" if hours >= 24 and hours % 24 == 0 else f"{hours} h"


def latency_ledger(
    *, conflict: Conflict, filters: LedgerFilters, silences: int | None = None
) -> LatencyLedger:
    """Per belligerent side, its answers' distribution and median, and its silences: counted
    in full, listed up to SILENCES (the latest; None lists them all)."""
    belligerents = [s for s in conflict_sides(conflict) if s.role == SideRole.BELLIGERENT]
    where, params = summary_where(conflict, filters)
    params["limit"] = silences
    labels = latency_bin_labels()
    rows = {row["side_id"]: row for row in fetch_rows(LATENCY_SQL.format(where=where), params)}
    opened = {
        row["side_id"]: row["opened"] for row in fetch_rows(OPENED_SQL.format(where=where), params)
    }
    silent = {
        row["side_id"]: row["silences"]
        for row in fetch_rows(SILENCE_COUNTS_SQL.format(where=where), params)
    }
    silence_rows = fetch_rows(SILENCES_SQL.format(where=where), params)[::-1]
    distributions = []
    for side in belligerents:
        row = rows.get(side.pk, {"answered": 0, "median_seconds": None})
        median = row["median_seconds"]
        counts = [row.get(f"bin_{index}", 0) for index in range(len(labels))]
        distributions.append(
            LatencyDistribution(
                side=side,
                answered=row["answered"],
                opened=opened.get(side.pk, 0),
                median=timedelta(seconds=float(median)) if median is not None else None,
                bins=list(zip(labels, counts, strict=True)),
                silences=silent.get(side.pk, 0),
            )
        )
    table = Table(
        columns=[
            ("side", "Answering side"),
            ("bin", "Answered after"),
            ("incidents", "Incidents"),
        ],
        rows=[
            {"side": d.side.name, "side_id": d.side.pk, "bin": label, "incidents": count}
            for d in distributions
            for label, count in d.bins
        ],
    )
    names = {side.pk: side.name for side in belligerents}
    silences = Table(
        columns=[
            ("occurred_start", "Occurred (UTC)"),
            ("incident_id", "Incident"),
            ("title", "Title"),
            ("silent_side", "Side that never answered"),
        ],
        rows=[{**row, "silent_side": names[row["silent_side_id"]]} for row in silence_rows],
    )
    return LatencyLedger(
        table=table,
        distributions=distributions,
        silences=silences,
        silence_count=sum(silent.values()),
    )
