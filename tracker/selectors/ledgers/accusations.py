"""Mutual accusations: per period, incidents in which a side said the other started it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from tracker.enums import LedgerZoom, SideRole
from tracker.models import Conflict, Side
from tracker.selectors.ledgers.common import (
    LedgerFilters,
    Table,
    bucket_end,
    conflict_sides,
    fetch_rows,
    incident_where,
    summary_where,
)

# Summed from the per-day summary (party 0: every party's statements; a party's own rows when
# the filter names one, so "mutual" stays within what that party said).
ACCUSATIONS_SQL = """
SELECT date_trunc(%(zoom)s, t.day::timestamp)::date AS bucket, t.accuser, t.accused,
       sum(t.incidents)::int AS incidents, sum(t.mutual)::int AS mutual
  FROM ledger_accusation_day t
 WHERE {where} AND t.party_id = coalesce(%(party)s::bigint, 0)
 GROUP BY 1, 2, 3
 ORDER BY 1, 2, 3
"""


@dataclass
class AccusationBar:
    bucket: date
    end: date
    forward: int  # side A accused side B
    backward: int  # side B accused side A
    mutual: int  # incidents in which both accused each other


@dataclass
class AccusationPair:
    """Two belligerent sides, and per bucket how often each accused the other."""

    a: Side
    b: Side
    bars: list[AccusationBar] = field(default_factory=list)


@dataclass
class AccusationLedger:
    table: Table
    belligerents: list[Side]
    zoom: LedgerZoom

    @cached_property
    def pairs(self) -> list[AccusationPair]:
        """Per pair of belligerent sides, its bars: only the chart needs them, so the table's
        other doors (the downloads, the API) never build them."""
        by_pair: dict[frozenset[int], list[dict[str, Any]]] = {}
        for row in self.table.rows:
            by_pair.setdefault(frozenset((row["accuser_id"], row["accused_id"])), []).append(row)
        pairs = []
        for index, a in enumerate(self.belligerents):
            for b in self.belligerents[index + 1 :]:
                counts: dict[date, AccusationBar] = {}
                for row in by_pair.get(frozenset((a.pk, b.pk)), []):
                    bucket = row["bucket"]
                    bar = counts.get(bucket)
                    if bar is None:
                        end = bucket_end(bucket, self.zoom)
                        bar = counts[bucket] = AccusationBar(bucket, end, 0, 0, 0)
                    if row["accuser_id"] == a.pk:
                        bar.forward = row["incidents"]
                        bar.mutual = row["mutual"]
                    else:
                        bar.backward = row["incidents"]
                pairs.append(AccusationPair(a=a, b=b, bars=sorted(counts.values(), key=_bucket)))
        return pairs


def accusation_ledger(*, conflict: Conflict, filters: LedgerFilters) -> AccusationLedger:
    sides = conflict_sides(conflict)
    where, params = summary_where(conflict, filters)
    rows = fetch_rows(ACCUSATIONS_SQL.format(where=where), params)
    by_id = {side.pk: side for side in sides}
    table = Table(
        columns=[
            ("bucket", "Period starting"),
            ("accuser", "Accusing side"),
            ("accused", "Accused side"),
            ("incidents", "Incidents"),
            ("mutual", "Of which both accused each other"),
        ],
        rows=[
            {
                "bucket": row["bucket"],
                "accuser": by_id[row["accuser"]].name,
                "accused": by_id[row["accused"]].name,
                "accuser_id": row["accuser"],
                "accused_id": row["accused"],
                "incidents": row["incidents"],
                "mutual": row["mutual"],
            }
            for row in rows
        ],
    )
    belligerents = [side for side in sides if side.role == SideRole.BELLIGERENT]
    return AccusationLedger(table=table, belligerents=belligerents, zoom=filters.zoom)


def _bucket(bar: AccusationBar) -> date:
    return bar.bucket


ACCUSED_INCIDENTS_SQL = """
SELECT DISTINCT i.id, i.title, i.occurred_start, i.incident_type
  FROM tracker_incident i
  JOIN tracker_statement s ON s.incident_id = i.id AND NOT (s.held AND %(public)s)
  JOIN tracker_claim c ON c.statement_id = s.id AND NOT (c.held AND %(public)s)
  JOIN tracker_alignment al ON al.party_id = s.party_id AND al.side_id = %(accuser)s
 WHERE {where} AND c.aspect = 'initiator' AND c.accused_side_id = %(accused)s
   AND (%(party)s::bigint IS NULL OR s.party_id = %(party)s::bigint)
   AND (NOT %(mutual)s OR EXISTS (
        SELECT 1 FROM tracker_statement s2
          JOIN tracker_claim c2 ON c2.statement_id = s2.id AND NOT (c2.held AND %(public)s)
          JOIN tracker_alignment al2 ON al2.party_id = s2.party_id AND al2.side_id = %(accused)s
         WHERE s2.incident_id = i.id AND NOT (s2.held AND %(public)s) AND c2.aspect = 'initiator'
           AND c2.accused_side_id = %(accuser)s
           AND (%(party)s::bigint IS NULL OR s2.party_id = %(party)s::bigint)))
 ORDER BY i.occurred_start, i.id
"""


def accusation_incidents(
    *, conflict: Conflict, filters: LedgerFilters, accuser: Side, accused: Side, mutual: bool
) -> list[dict[str, Any]]:
    """The incidents behind one bar of the accusation chart (the drill-down). The period is the
    filters' date range; MUTUAL keeps only those in which the accused side accused back."""
    where, params = incident_where(conflict, filters)
    params.update({"accuser": accuser.pk, "accused": accused.pk, "mutual": mutual})
    return fetch_rows(ACCUSED_INCIDENTS_SQL.format(where=where), params)
