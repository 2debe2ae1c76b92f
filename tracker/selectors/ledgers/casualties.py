"""Casualty figures per claimant: running totals with revisions, and every figure as issued."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.models import Alignment, Conflict, Party, Side
from tracker.selectors.ledgers.common import (
    LedgerFilters,
    Table,
    bucket_end,
    conflict_sides,
    fetch_rows,
    figure_text,
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

# The newest figures (all of them without a LIMIT), each with the running total after it: the
# series' total less what the newer figures of the same series added (all of which are newer,
# so all are listed too).
CASUALTY_FIGURES_SQL = """
WITH listed AS (
    SELECT t.* FROM ledger_casualty_figure t
     WHERE {where} AND (%(party)s::bigint IS NULL OR t.party_id = %(party)s::bigint)
     ORDER BY t.as_of DESC, t.claim_id DESC
     LIMIT %(limit)s
), totals AS (
    SELECT t.party_id, t.victim, t.kind, sum(t.d_lo) AS lo, sum(t.d_hi) AS hi,
           sum(t.d_open) AS open
      FROM ledger_casualty_day t
     WHERE {where} AND (%(party)s::bigint IS NULL OR t.party_id = %(party)s::bigint)
     GROUP BY 1, 2, 3
)
SELECT d.*, i.title,
       (tt.lo - coalesce(sum(d.d_lo) OVER newer, 0))::bigint AS total_min,
       (tt.hi - coalesce(sum(d.d_hi) OVER newer, 0))::bigint AS total_max,
       (tt.open - coalesce(sum(d.d_open) OVER newer, 0))::bigint AS total_open,
       (SELECT ct.id FROM tracker_citation ct WHERE ct.claim_id = d.claim_id
           AND NOT (ct.held AND %(public)s)
         ORDER BY ct.id LIMIT 1) AS citation_id,
       (SELECT ct.source_id FROM tracker_citation ct WHERE ct.claim_id = d.claim_id
           AND NOT (ct.held AND %(public)s)
         ORDER BY ct.id LIMIT 1) AS source_id
  FROM listed d
  JOIN totals tt ON tt.party_id = d.party_id AND tt.victim = d.victim AND tt.kind = d.kind
  JOIN tracker_incident i ON i.id = d.incident_id
WINDOW newer AS (PARTITION BY d.party_id, d.victim, d.kind ORDER BY d.as_of DESC, d.claim_id DESC
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
 ORDER BY d.as_of DESC, d.claim_id DESC
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
    """Every casualty figure as issued, newest first, with the claimant's running total after
    it; revised ones marked. Each row names its statement and citation."""
    where, params = summary_where(conflict, filters)
    rows = fetch_rows(CASUALTY_FIGURES_SQL.format(where=where), {**params, "limit": limit})
    sides = {side.pk: side.name for side in conflict_sides(conflict)}
    parties = Party.objects.in_bulk({row["party_id"] for row in rows})
    own = _own_sides(conflict, set(parties))
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
        rows=[
            {
                "as_of": row["as_of"],
                "party": parties[row["party_id"]].name,
                "party_id": row["party_id"],
                "victim": sides[row["victim"]],
                "victim_id": row["victim"],
                "whose": "own (conceded)"
                if own.get(row["party_id"]) == row["victim"]
                else "other side (claimed)",
                "kind": row["kind"],
                "min": row["lo"],
                "max": row["hi"],
                "figure": figure_text(row["lo"], row["hi"]),
                "revised": row["revised"],
                "running_total": figure_text(
                    row["total_min"], None if row["total_open"] else row["total_max"]
                ),
                "total_min": row["total_min"],
                "incident_id": row["incident_id"],
                "incident": row["title"],
                "statement_id": row["statement_id"],
                "claim_id": row["claim_id"],
                "citation_id": row["citation_id"],
                "source_id": row["source_id"],
            }
            for row in rows
        ],
    )
