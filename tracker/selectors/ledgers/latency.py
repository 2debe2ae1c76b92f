"""Response latency: how long each side took to answer the other, and its silences."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

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
# one answer per incident, so the openers are counted once. One pass counts each side's answers
# and histogram (grouped by answering side) and its openings (grouped by opener); the median is
# then read off the index in order of latency (MEDIAN_SQL), with no sort of every answer.
# {party}: the party filter, when there is one (incidents in which that party spoke).
_BIN_COUNTS = ",\n       ".join(
    f"count(*) FILTER (WHERE t.seconds >= {low * 3600} AND t.seconds < {high * 3600})"
    f" AS bin_{index}"
    for index, (low, high) in enumerate(itertools.pairwise(LATENCY_BINS_HOURS))
)
LATENCY_SQL = (
    """
SELECT t.side_id, t.opener, count(*) AS answered,
       count(*) FILTER (WHERE t.first_answer) AS opened,
       """
    + _BIN_COUNTS
    + f""",
       count(*) FILTER (WHERE t.seconds >= {LATENCY_BINS_HOURS[-1] * 3600})
           AS bin_{len(LATENCY_BINS_HOURS) - 1}
  FROM ledger_latency t
 WHERE {{where}}{{party}}
 GROUP BY GROUPING SETS ((t.side_id), (t.opener))
"""
)

# The middle one or two of a side's answers in order of latency (%(skip)s before them).
MEDIAN_SQL = """
SELECT t.seconds
  FROM ledger_latency t
 WHERE {where}{party} AND t.side_id = %(side)s
 ORDER BY t.seconds
OFFSET %(skip)s LIMIT %(take)s
"""
PARTY_SPOKE = " AND %(party)s::bigint = ANY(t.parties)"


def latency_median(rows: list[dict[str, Any]]) -> float | None:
    """The median of the one or two middle latencies MEDIAN_SQL returned (as percentile_cont)."""
    values = [row["seconds"] for row in rows]
    return sum(values) / len(values) if values else None


def median_window(answered: int) -> dict[str, int]:
    """Where the middle of ANSWERED sorted latencies is: one row for an odd count, two for even."""
    return {"skip": (answered - 1) // 2, "take": 1 if answered % 2 else 2}


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
    party = PARTY_SPOKE if filters.party else ""
    rows: dict[int, dict[str, Any]] = {}
    opened: dict[int, int] = {}
    for row in fetch_rows(LATENCY_SQL.format(where=where, party=party), params):
        if row["opener"] is None:
            rows[row["side_id"]] = row
        else:
            opened[row["opener"]] = row["opened"]
    for side_id, row in rows.items():
        window = {**params, "side": side_id, **median_window(row["answered"])}
        middle = fetch_rows(MEDIAN_SQL.format(where=where, party=party), window)
        row["median_seconds"] = latency_median(middle)
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
    silence_table = Table(
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
        silences=silence_table,
        silence_count=sum(silent.values()),
    )
