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
    incident_where,
)

# Response latency bins, in hours: the histogram's edges (the last bin is open).
LATENCY_BINS_HOURS = (0, 1, 3, 6, 12, 24, 72, 168)


# Per incident, each belligerent side's first dated statement. The side that spoke first opened;
# every other side's latency is its first statement minus the opener's.
LATENCY_SQL = """
WITH firsts AS (
    SELECT i.id AS incident_id, al.side_id, min(s.issued_at) AS first_at
      FROM tracker_incident i
      JOIN tracker_statement s ON s.incident_id = i.id AND NOT (s.held AND %(public)s)
      JOIN tracker_alignment al ON al.party_id = s.party_id AND al.side_id = ANY(%(sides)s)
     WHERE {where} AND s.issued_at IS NOT NULL
       AND (%(party)s::bigint IS NULL OR EXISTS (
            SELECT 1 FROM tracker_statement p WHERE p.incident_id = i.id
                AND NOT (p.held AND %(public)s)
               AND p.party_id = %(party)s::bigint))
     GROUP BY 1, 2
), ranked AS (
    SELECT f.*, rank() OVER (PARTITION BY incident_id ORDER BY first_at, side_id) AS turn,
           min(first_at) OVER (PARTITION BY incident_id) AS opened_at,
           count(*) OVER (PARTITION BY incident_id) AS speakers
      FROM firsts f
)
SELECT side_id,
       count(*) FILTER (WHERE turn > 1) AS answered,
       count(*) FILTER (WHERE turn = 1 AND speakers > 1) AS opened,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_at - opened_at))
           FILTER (WHERE turn > 1) AS median_seconds,
       array_agg(width_bucket(extract(epoch FROM first_at - opened_at) / 3600.0,
                              %(bins)s::float8[]) ORDER BY incident_id) FILTER (WHERE turn > 1)
           AS bins
  FROM ranked
 GROUP BY side_id
 ORDER BY side_id
"""

SILENCES_SQL = """
SELECT i.id AS incident_id, i.title, i.occurred_start, silent.id AS silent_side_id
  FROM tracker_incident i
  JOIN tracker_side silent ON silent.id = ANY(%(sides)s)
 WHERE {where}
   AND (%(party)s::bigint IS NULL OR EXISTS (
        SELECT 1 FROM tracker_statement p WHERE p.incident_id = i.id AND NOT (p.held AND %(public)s)
           AND p.party_id = %(party)s::bigint))
   AND EXISTS (SELECT 1 FROM tracker_statement s
                 JOIN tracker_alignment al ON al.party_id = s.party_id
                WHERE s.incident_id = i.id
                    AND NOT (s.held AND %(public)s) AND al.side_id = ANY(%(sides)s)
                  AND al.side_id <> silent.id)
   AND NOT EXISTS (SELECT 1 FROM tracker_statement s
                     JOIN tracker_alignment al ON al.party_id = s.party_id
                    WHERE s.incident_id = i.id
                        AND NOT (s.held AND %(public)s) AND al.side_id = silent.id)
 ORDER BY i.occurred_start, i.id, silent.id
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
    silences: Table


def latency_bin_labels() -> list[str]:
    edges = LATENCY_BINS_HOURS
    labels = [f"{_hours(a)}–{_hours(b)}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"over {_hours(edges[-1])}"]


def _hours(hours: int) -> str:
    return f"{hours // 24} d" if hours >= 24 and hours % 24 == 0 else f"{hours} h"


def latency_ledger(*, conflict: Conflict, filters: LedgerFilters) -> LatencyLedger:
    belligerents = [s for s in conflict_sides(conflict) if s.role == SideRole.BELLIGERENT]
    where, params = incident_where(conflict, filters)
    params["sides"] = [side.pk for side in belligerents]
    params["bins"] = [float(edge) for edge in LATENCY_BINS_HOURS]
    rows = {row["side_id"]: row for row in fetch_rows(LATENCY_SQL.format(where=where), params)}
    silence_rows = fetch_rows(SILENCES_SQL.format(where=where), params)
    labels = latency_bin_labels()
    distributions = []
    for side in belligerents:
        row = rows.get(side.pk, {"answered": 0, "opened": 0, "median_seconds": None, "bins": []})
        counts = [0] * len(labels)
        for index in row["bins"] or []:
            counts[min(max(index, 1), len(labels)) - 1] += 1
        median = row["median_seconds"]
        distributions.append(
            LatencyDistribution(
                side=side,
                answered=row["answered"],
                opened=row["opened"],
                median=timedelta(seconds=float(median)) if median is not None else None,
                bins=list(zip(labels, counts, strict=True)),
                silences=sum(1 for s in silence_rows if s["silent_side_id"] == side.pk),
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
    return LatencyLedger(table=table, distributions=distributions, silences=silences)
