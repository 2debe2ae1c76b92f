"""Casualty figures per claimant: running totals with revisions, and every figure as issued."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.models import Alignment, Conflict, Party, Side
from tracker.selectors.ledgers.common import (
    LedgerFilters,
    Table,
    bucket_end,
    conflict_sides,
    fetch_rows,
    figure_text,
    stream_rows,
    summary_where,
)

# The figures and their deltas live in the summary tables (migration 0019): one row per figure
# (a claim's killed or wounded range) with what it adds to its party's running total. A later
# figure by the same party for the same incident, victim side and category revises the earlier
# one: it replaces it in the total (delta = new - previous), and the earlier figure stays listed,
# marked revised. A figure without a maximum is open ("at least").

# Per party, victim side, category and period: the running total at the period's end.
CASUALTY_STEPS_SQL = """
SELECT party_id, victim, kind, bucket, figures, revisions, latest[3] AS last_statement,
       latest[4] AS last_incident,
       (sum(lo) OVER run)::bigint AS total_min, (sum(hi) OVER run)::bigint AS total_max,
       (sum(open) OVER run)::bigint AS total_open
  FROM (SELECT t.party_id, t.victim, t.kind,
               date_trunc(%(zoom)s, t.as_of_day::timestamp)::date AS bucket,
               sum(t.figures)::int AS figures, sum(t.revisions)::int AS revisions,
               sum(t.d_lo)::bigint AS lo, sum(t.d_hi)::bigint AS hi, sum(t.d_open)::bigint AS open,
               -- the period's latest figure: arrays compare element by element (no sort)
               max(t.latest) AS latest
          FROM ledger_casualty_day t
         WHERE {where} AND (%(party)s::bigint IS NULL OR t.party_id = %(party)s::bigint)
         GROUP BY 1, 2, 3, 4) AS per_bucket
WINDOW run AS (PARTITION BY party_id, victim, kind ORDER BY bucket)
 ORDER BY party_id, victim, kind, bucket
"""

# Every figure as issued, newest first (all of them without a LIMIT). The index
# ledger_casualty_figure_newest gives that order, so rows come out as they are read, with no
# sort and no window over every figure: a download starts at once. Each row carries its series'
# total over the filters; the running total after a figure is that total less what the newer
# figures of the series added (all listed before it), which casualty_figures subtracts as the
# rows go by. Party names and the party's own side come along, so no row waits on a lookup.
CASUALTY_FIGURES_SQL = """
WITH totals AS MATERIALIZED (
    SELECT t.party_id, t.victim, t.kind, sum(t.d_lo)::bigint AS lo, sum(t.d_hi)::bigint AS hi,
           sum(t.d_open)::bigint AS open
      FROM ledger_casualty_day t
     WHERE {where} AND (%(party)s::bigint IS NULL OR t.party_id = %(party)s::bigint)
     GROUP BY 1, 2, 3
)
SELECT t.as_of, t.party_id, p.name AS party, t.victim, t.kind, t.lo, t.hi, t.d_lo, t.d_hi,
       t.d_open, t.revised, t.incident_id, i.title, t.statement_id, t.claim_id,
       ct.id AS citation_id, ct.source_id,
       (SELECT al.side_id FROM tracker_alignment al
          JOIN tracker_side s ON s.id = al.side_id AND s.conflict_id = t.conflict_id
         WHERE al.party_id = t.party_id ORDER BY al.id LIMIT 1) AS own_side,
       tt.lo AS total_lo, tt.hi AS total_hi, tt.open AS total_open
  FROM ledger_casualty_figure t
  JOIN tracker_incident i ON i.id = t.incident_id
  JOIN tracker_party p ON p.id = t.party_id
  JOIN totals tt ON tt.party_id = t.party_id AND tt.victim = t.victim AND tt.kind = t.kind
  LEFT JOIN LATERAL (
      SELECT ct.id, ct.source_id FROM tracker_citation ct
       WHERE ct.claim_id = t.claim_id AND NOT (ct.held AND %(public)s)
       ORDER BY ct.id LIMIT 1) AS ct ON true
 WHERE {where} AND (%(party)s::bigint IS NULL OR t.party_id = %(party)s::bigint)
 ORDER BY t.as_of DESC, t.claim_id DESC
 LIMIT %(limit)s
"""


@dataclass
class CasualtyStep:
    bucket: date
    end: date
    low: int
    high: int | None  # None: at least one summed figure is open ("at least")
    figures: int
    revisions: int
    last_statement: int
    last_incident: int


@dataclass
class CasualtySeries:
    """One party's running total for one victim side and category, per period."""

    party: Party
    victim: Side
    kind: str
    conceded: bool  # the party's own side's losses
    steps: list[CasualtyStep] = field(default_factory=list)

    @property
    def label(self) -> str:
        whose = "own losses (conceded)" if self.conceded else f"{self.victim.name}'s losses"
        return f"{self.party.short_name or self.party.name}: {self.kind}, {whose}"


@dataclass
class CasualtyLedger:
    table: Table
    series: list[CasualtySeries]


def _own_sides(conflict: Conflict, party_ids: set[int]) -> dict[int, int]:
    return dict(
        Alignment.objects.filter(side__conflict=conflict, party_id__in=party_ids).values_list(
            "party_id", "side_id"
        )
    )


def casualty_ledger(*, conflict: Conflict, filters: LedgerFilters) -> CasualtyLedger:
    where, params = summary_where(conflict, filters)
    rows = fetch_rows(CASUALTY_STEPS_SQL.format(where=where), params)
    sides = {side.pk: side for side in conflict_sides(conflict)}
    parties = Party.objects.in_bulk({row["party_id"] for row in rows})
    own = _own_sides(conflict, set(parties))
    series: dict[tuple[int, int, str], CasualtySeries] = {}
    table_rows = []
    for row in rows:
        key = (row["party_id"], row["victim"], row["kind"])
        line = series.get(key)
        if line is None:
            line = series[key] = CasualtySeries(
                party=parties[row["party_id"]],
                victim=sides[row["victim"]],
                kind=row["kind"],
                conceded=own.get(row["party_id"]) == row["victim"],
            )
        high = None if row["total_open"] else row["total_max"]
        line.steps.append(
            CasualtyStep(
                bucket=row["bucket"],
                end=bucket_end(row["bucket"], filters.zoom),
                low=row["total_min"],
                high=high,
                figures=row["figures"],
                revisions=row["revisions"],
                last_statement=row["last_statement"],
                last_incident=row["last_incident"],
            )
        )
        table_rows.append(
            {
                "bucket": row["bucket"],
                "party": line.party.name,
                "party_id": line.party.pk,
                "victim": line.victim.name,
                "victim_id": line.victim.pk,
                "whose": "own (conceded)" if line.conceded else "other side (claimed)",
                "kind": row["kind"],
                "figures": row["figures"],
                "revisions": row["revisions"],
                "total_min": row["total_min"],
                "total_max": high,
                "total": figure_text(row["total_min"], high),
            }
        )
    table = Table(
        columns=[
            ("bucket", "Period starting"),
            ("party", "Claimant"),
            ("victim", "Whose losses"),
            ("whose", "Conceded or claimed"),
            ("kind", "Category"),
            ("figures", "Figures issued"),
            ("revisions", "Of which revisions"),
            ("total", "Claimant's running total"),
        ],
        rows=table_rows,
    )
    return CasualtyLedger(table=table, series=list(series.values()))


def casualty_figures(
    *, conflict: Conflict, filters: LedgerFilters, limit: int | None = None
) -> Table:
    """Every casualty figure as issued (or the LIMIT newest), newest first, with the claimant's
    running total after it; revised ones marked. Each row names its statement and citation.
    The rows are an iterator: without a LIMIT they stream from a server-side cursor, so the
    whole list never sits in memory."""
    where, params = summary_where(conflict, filters)
    sql, values = CASUALTY_FIGURES_SQL.format(where=where), {**params, "limit": limit}
    rows = fetch_rows(sql, values) if limit is not None else stream_rows(sql, values)
    return Table(
        columns=[
            ("as_of", "As of (UTC)"),
            ("party", "Claimant"),
            ("victim", "Whose losses"),
            ("whose", "Conceded or claimed"),
            ("kind", "Category"),
            ("figure", "Figure"),
            ("revised", "Later revised"),
            ("running_total", "Claimant's running total"),
            ("incident_id", "Incident"),
            ("statement_id", "Statement"),
            ("citation_id", "Citation"),
        ],
        rows=_figure_rows(rows, {side.pk: side.name for side in conflict_sides(conflict)}),
    )


def _figure_rows(rows: Iterable[dict[str, Any]], sides: dict[int, str]) -> Iterator[dict]:
    newer: dict[tuple[int, int, str], tuple[int, int, int]] = {}  # per series, newest first
    for row in rows:
        series = (row["party_id"], row["victim"], row["kind"])
        lo, hi, open_ = newer.get(series, (0, 0, 0))
        newer[series] = (lo + row["d_lo"], hi + row["d_hi"], open_ + row["d_open"])
        total_min = row["total_lo"] - lo
        total_open = row["total_open"] - open_
        yield {
            "as_of": row["as_of"],
            "party": row["party"],
            "party_id": row["party_id"],
            "victim": sides[row["victim"]],
            "victim_id": row["victim"],
            "whose": "own (conceded)"
            if row["own_side"] == row["victim"]
            else "other side (claimed)",
            "kind": row["kind"],
            "min": row["lo"],
            "max": row["hi"],
            "figure": figure_text(row["lo"], row["hi"]),
            "revised": row["revised"],
            "running_total": figure_text(total_min, None if total_open else row["total_hi"] - hi),
            "total_min": total_min,
            "incident_id": row["incident_id"],
            "incident": row["title"],
            "statement_id": row["statement_id"],
            "claim_id": row["claim_id"],
            "citation_id": row["citation_id"],
            "source_id": row["source_id"],
        }
