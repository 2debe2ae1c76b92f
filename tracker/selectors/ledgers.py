"""The conflict-level ledgers: mutual accusations, casualty figures per claimant, response
latency and editors' verdicts per party.

Each ledger is one SQL aggregate over the conflict's incidents, statements and claims, computed
exactly on every request (the benchmark in bench/conflict.py holds it to a ratio of the bare
aggregate). Every ledger returns a `Table` (the numbers a chart is drawn from, which the page
shows beside the chart, the CSV and JSON downloads and the API all serve) plus what its chart
needs. One filter object, `LedgerFilters`, is shared by every door."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection

from tracker.enums import EditorialState, IncidentType, LedgerZoom, SideRole, Verdict
from tracker.models import Alignment, Conflict, Party, Side

# Response latency bins, in hours: the histogram's edges (the last bin is open).
LATENCY_BINS_HOURS = (0, 1, 3, 6, 12, 24, 72, 168)
# The page lists at most this many silences; the downloads carry all of them.
PAGE_ROWS = 100


@dataclass(frozen=True)
class LedgerFilters:
    """What every ledger is filtered by. `published_only` is the public view."""

    date_from: date | None = None
    date_to: date | None = None
    party: Party | None = None
    incident_type: IncidentType | None = None
    zoom: LedgerZoom = LedgerZoom.WEEK
    published_only: bool = True

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links that keep them)."""
        params = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "party": str(self.party.pk) if self.party else "",
            "type": self.incident_type.value if self.incident_type else "",
            "zoom": self.zoom.value,
        }
        return {key: value for key, value in params.items() if value}


@dataclass
class Table:
    """A ledger's numbers: column keys with their headings, and rows keyed by column."""

    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]

    def values(self) -> list[list[Any]]:
        return [[row[key] for key, _ in self.columns] for row in self.rows]


def _incident_where(conflict: Conflict, filters: LedgerFilters) -> tuple[str, dict[str, Any]]:
    """The WHERE clause on `i` (tracker_incident) every ledger shares, with its parameters."""
    states = (
        [EditorialState.PUBLISHED]
        if filters.published_only
        else [EditorialState.DRAFT, EditorialState.IN_REVIEW, EditorialState.PUBLISHED]
    )
    clauses = [
        "i.conflict_id = %(conflict)s",
        "i.merged_into_id IS NULL",
        "i.state = ANY(%(states)s)",
    ]
    params: dict[str, Any] = {"conflict": conflict.pk, "states": [str(s) for s in states]}
    if filters.date_from:
        clauses.append("i.occurred_start >= %(date_from)s")
        params["date_from"] = datetime.combine(filters.date_from, datetime.min.time(), tzinfo=UTC)
    if filters.date_to:
        clauses.append("i.occurred_start < %(date_to)s")
        params["date_to"] = datetime.combine(
            filters.date_to + timedelta(days=1), datetime.min.time(), tzinfo=UTC
        )
    if filters.incident_type:
        clauses.append("i.incident_type = %(incident_type)s")
        params["incident_type"] = str(filters.incident_type)
    params["zoom"] = str(filters.zoom)
    params["party"] = filters.party.pk if filters.party else None
    return " AND ".join(clauses), params


def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def bucket_end(start: date, zoom: LedgerZoom) -> date:
    """The first day after the bucket that starts on START."""
    if zoom == LedgerZoom.DAY:
        return start + timedelta(days=1)
    if zoom == LedgerZoom.WEEK:
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def conflict_sides(conflict: Conflict) -> list[Side]:
    return list(conflict.sides.order_by("name"))


# --- Mutual accusations -------------------------------------------------------------------------

ACCUSATIONS_SQL = """
WITH acc AS (
    SELECT DISTINCT i.id AS incident_id,
           date_trunc(%(zoom)s, i.occurred_start AT TIME ZONE 'UTC')::date AS bucket,
           al.side_id AS accuser, c.accused_side_id AS accused
      FROM tracker_incident i
      JOIN tracker_statement s ON s.incident_id = i.id
      JOIN tracker_claim c ON c.statement_id = s.id
      JOIN tracker_alignment al ON al.party_id = s.party_id AND al.side_id = ANY(%(sides)s)
     WHERE {where} AND c.aspect = 'initiator' AND c.accused_side_id IS NOT NULL
       AND c.accused_side_id <> al.side_id
       AND (%(party)s::bigint IS NULL OR s.party_id = %(party)s::bigint)
)
SELECT a.bucket, a.accuser, a.accused, count(*) AS incidents, count(b.incident_id) AS mutual
  FROM acc a
  LEFT JOIN acc b ON b.incident_id = a.incident_id AND b.accuser = a.accused
                 AND b.accused = a.accuser
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
    pairs: list[AccusationPair]


def accusation_ledger(*, conflict: Conflict, filters: LedgerFilters) -> AccusationLedger:
    sides = conflict_sides(conflict)
    where, params = _incident_where(conflict, filters)
    params["sides"] = [side.pk for side in sides]
    rows = _rows(ACCUSATIONS_SQL.format(where=where), params)
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
    pairs = []
    for index, a in enumerate(belligerents):
        for b in belligerents[index + 1 :]:
            counts: dict[date, AccusationBar] = {}
            for row in rows:
                if {row["accuser"], row["accused"]} != {a.pk, b.pk}:
                    continue
                bar = counts.setdefault(
                    row["bucket"],
                    AccusationBar(row["bucket"], bucket_end(row["bucket"], filters.zoom), 0, 0, 0),
                )
                if row["accuser"] == a.pk:
                    bar.forward = row["incidents"]
                    bar.mutual = row["mutual"]
                else:
                    bar.backward = row["incidents"]
            pairs.append(AccusationPair(a=a, b=b, bars=sorted(counts.values(), key=_bucket)))
    return AccusationLedger(table=table, pairs=pairs)


def _bucket(bar: AccusationBar) -> date:
    return bar.bucket


ACCUSED_INCIDENTS_SQL = """
SELECT DISTINCT i.id, i.title, i.occurred_start, i.incident_type
  FROM tracker_incident i
  JOIN tracker_statement s ON s.incident_id = i.id
  JOIN tracker_claim c ON c.statement_id = s.id
  JOIN tracker_alignment al ON al.party_id = s.party_id AND al.side_id = %(accuser)s
 WHERE {where} AND c.aspect = 'initiator' AND c.accused_side_id = %(accused)s
   AND (%(party)s::bigint IS NULL OR s.party_id = %(party)s::bigint)
   AND (NOT %(mutual)s OR EXISTS (
        SELECT 1 FROM tracker_statement s2
          JOIN tracker_claim c2 ON c2.statement_id = s2.id
          JOIN tracker_alignment al2 ON al2.party_id = s2.party_id AND al2.side_id = %(accused)s
         WHERE s2.incident_id = i.id AND c2.aspect = 'initiator'
           AND c2.accused_side_id = %(accuser)s
           AND (%(party)s::bigint IS NULL OR s2.party_id = %(party)s::bigint)))
 ORDER BY i.occurred_start, i.id
"""


def accusation_incidents(
    *, conflict: Conflict, filters: LedgerFilters, accuser: Side, accused: Side, mutual: bool
) -> list[dict[str, Any]]:
    """The incidents behind one bar of the accusation chart (the drill-down). The period is the
    filters' date range; MUTUAL keeps only those in which the accused side accused back."""
    where, params = _incident_where(conflict, filters)
    params.update({"accuser": accuser.pk, "accused": accused.pk, "mutual": mutual})
    return _rows(ACCUSED_INCIDENTS_SQL.format(where=where), params)


# --- Casualty figures per claimant ------------------------------------------------------------

# One row per figure (a claim's killed or wounded range) with what it adds to its party's
# running total. A later figure by the same party for the same incident, victim side and category
# revises the earlier one: it replaces it in the total (delta = new - previous), and the earlier
# figure stays listed, marked revised. A figure without a maximum is open ("at least").
_CASUALTY_DELTAS = """
WITH figures AS (
    SELECT s.party_id, c.casualty_side_id AS victim, k.kind, i.id AS incident_id,
           coalesce(s.issued_at, i.occurred_start) AS as_of, c.id AS claim_id,
           s.id AS statement_id, k.lo, k.hi
      FROM tracker_incident i
      JOIN tracker_statement s ON s.incident_id = i.id
      JOIN tracker_claim c ON c.statement_id = s.id
     CROSS JOIN LATERAL (VALUES ('killed', c.killed_min, c.killed_max),
                                ('wounded', c.wounded_min, c.wounded_max)) AS k(kind, lo, hi)
     WHERE {where} AND c.aspect = 'casualties' AND c.casualty_side_id IS NOT NULL
       AND (k.lo IS NOT NULL OR k.hi IS NOT NULL)
       AND (%(party)s::bigint IS NULL OR s.party_id = %(party)s::bigint)
), deltas AS (
    SELECT f.*,
           coalesce(f.lo, 0) - coalesce(lag(coalesce(f.lo, 0)) OVER w, 0) AS d_lo,
           coalesce(f.hi, f.lo) - coalesce(lag(coalesce(f.hi, f.lo)) OVER w, 0) AS d_hi,
           (f.hi IS NULL)::int - coalesce(lag((f.hi IS NULL)::int) OVER w, 0) AS d_open,
           lag(f.claim_id) OVER w IS NOT NULL AS revises,
           lead(f.claim_id) OVER w IS NOT NULL AS revised
      FROM figures f
    WINDOW w AS (PARTITION BY f.party_id, f.victim, f.kind, f.incident_id
                 ORDER BY f.as_of, f.claim_id)
)
"""

# Per party, victim side, category and period: the running total at the period's end.
CASUALTY_STEPS_SQL = (
    _CASUALTY_DELTAS  # noqa: S608 - constant SQL pieces; every value is a parameter
    + """
SELECT party_id, victim, kind, bucket, figures, revisions, last_statement, last_incident,
       (sum(lo) OVER run)::bigint AS total_min, (sum(hi) OVER run)::bigint AS total_max,
       (sum(open) OVER run)::bigint AS total_open
  FROM (SELECT party_id, victim, kind,
               date_trunc(%(zoom)s, as_of AT TIME ZONE 'UTC')::date AS bucket,
               count(*) AS figures, count(*) FILTER (WHERE revises) AS revisions,
               sum(d_lo)::bigint AS lo, sum(d_hi)::bigint AS hi, sum(d_open)::bigint AS open,
               (array_agg(statement_id ORDER BY as_of DESC, claim_id DESC))[1] AS last_statement,
               (array_agg(incident_id ORDER BY as_of DESC, claim_id DESC))[1] AS last_incident
          FROM deltas GROUP BY 1, 2, 3, 4) AS per_bucket
WINDOW run AS (PARTITION BY party_id, victim, kind ORDER BY bucket)
 ORDER BY party_id, victim, kind, bucket
"""
)

# Every figure with the running total after it, newest first (LIMIT for the page).
CASUALTY_FIGURES_SQL = (
    _CASUALTY_DELTAS  # noqa: S608 - constant SQL pieces; every value is a parameter
    + """
SELECT d.*, i.title,
       (sum(d_lo) OVER run)::bigint AS total_min, (sum(d_hi) OVER run)::bigint AS total_max,
       (sum(d_open) OVER run)::bigint AS total_open,
       (SELECT ct.id FROM tracker_citation ct WHERE ct.claim_id = d.claim_id
         ORDER BY ct.id LIMIT 1) AS citation_id,
       (SELECT ct.source_id FROM tracker_citation ct WHERE ct.claim_id = d.claim_id
         ORDER BY ct.id LIMIT 1) AS source_id
  FROM deltas d JOIN tracker_incident i ON i.id = d.incident_id
WINDOW run AS (PARTITION BY d.party_id, d.victim, d.kind ORDER BY d.as_of, d.claim_id)
 ORDER BY d.as_of DESC, d.claim_id DESC
 LIMIT %(limit)s
"""
)


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
    where, params = _incident_where(conflict, filters)
    rows = _rows(CASUALTY_STEPS_SQL.format(where=where), params)
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
                "total": _figure_text(row["total_min"], high),
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
    where, params = _incident_where(conflict, filters)
    rows = _rows(CASUALTY_FIGURES_SQL.format(where=where), {**params, "limit": limit})
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
                "figure": _figure_text(row["lo"], row["hi"]),
                "revised": row["revised"],
                "running_total": _figure_text(
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


def _figure_text(low: int | None, high: int | None) -> str:
    if high is None:
        return f"at least {low}"
    if low is None:
        return f"up to {high}"
    return str(low) if low == high else f"{low}–{high}"


# --- Response latency --------------------------------------------------------------------------

# Per incident, each belligerent side's first dated statement. The side that spoke first opened;
# every other side's latency is its first statement minus the opener's.
LATENCY_SQL = """
WITH firsts AS (
    SELECT i.id AS incident_id, al.side_id, min(s.issued_at) AS first_at
      FROM tracker_incident i
      JOIN tracker_statement s ON s.incident_id = i.id
      JOIN tracker_alignment al ON al.party_id = s.party_id AND al.side_id = ANY(%(sides)s)
     WHERE {where} AND s.issued_at IS NOT NULL
       AND (%(party)s::bigint IS NULL OR EXISTS (
            SELECT 1 FROM tracker_statement p WHERE p.incident_id = i.id
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
        SELECT 1 FROM tracker_statement p WHERE p.incident_id = i.id
           AND p.party_id = %(party)s::bigint))
   AND EXISTS (SELECT 1 FROM tracker_statement s
                 JOIN tracker_alignment al ON al.party_id = s.party_id
                WHERE s.incident_id = i.id AND al.side_id = ANY(%(sides)s)
                  AND al.side_id <> silent.id)
   AND NOT EXISTS (SELECT 1 FROM tracker_statement s
                     JOIN tracker_alignment al ON al.party_id = s.party_id
                    WHERE s.incident_id = i.id AND al.side_id = silent.id)
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
    where, params = _incident_where(conflict, filters)
    params["sides"] = [side.pk for side in belligerents]
    params["bins"] = [float(edge) for edge in LATENCY_BINS_HOURS]
    rows = {row["side_id"]: row for row in _rows(LATENCY_SQL.format(where=where), params)}
    silence_rows = _rows(SILENCES_SQL.format(where=where), params)
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


# --- Verdicts per party --------------------------------------------------------------------------

VERDICTS_SQL = """
SELECT s.party_id, date_trunc(%(zoom)s, i.occurred_start AT TIME ZONE 'UTC')::date AS bucket,
       c.verdict, count(*) AS claims
  FROM tracker_incident i
  JOIN tracker_statement s ON s.incident_id = i.id
  JOIN tracker_claim c ON c.statement_id = s.id
 WHERE {where} AND (%(party)s::bigint IS NULL OR s.party_id = %(party)s::bigint)
 GROUP BY 1, 2, 3
 ORDER BY 1, 2, 3
"""


@dataclass
class VerdictSeries:
    """One party's claims per period, counted by the verdict editors gave them."""

    party: Party
    buckets: list[tuple[date, dict[str, int]]]
    totals: dict[str, int]


@dataclass
class VerdictLedger:
    table: Table
    series: list[VerdictSeries]


def verdict_ledger(*, conflict: Conflict, filters: LedgerFilters) -> VerdictLedger:
    where, params = _incident_where(conflict, filters)
    rows = _rows(VERDICTS_SQL.format(where=where), params)
    parties = Party.objects.in_bulk({row["party_id"] for row in rows})
    grouped: dict[int, dict[date, dict[str, int]]] = {}
    for row in rows:
        counts = grouped.setdefault(row["party_id"], {}).setdefault(row["bucket"], {})
        counts[row["verdict"]] = row["claims"]
    series = []
    for party_id, buckets in sorted(grouped.items(), key=lambda item: parties[item[0]].name):
        totals = {v.value: sum(b.get(v.value, 0) for b in buckets.values()) for v in Verdict}
        series.append(
            VerdictSeries(party=parties[party_id], buckets=sorted(buckets.items()), totals=totals)
        )
    table = Table(
        columns=[
            ("party", "Party"),
            ("bucket", "Period starting"),
            *((v.value, str(v.label)) for v in Verdict),
        ],
        rows=[
            {
                "party": s.party.name,
                "party_id": s.party.pk,
                "bucket": bucket,
                **{v.value: counts.get(v.value, 0) for v in Verdict},
            }
            for s in series
            for bucket, counts in s.buckets
        ],
    )
    return VerdictLedger(table=table, series=series)


# Every download and API endpoint by name: the ledger's table (silences come with latency).
LEDGER_TABLES: dict[str, Any] = {
    "accusations": lambda **kw: accusation_ledger(**kw).table,
    "casualties": lambda **kw: casualty_ledger(**kw).table,
    "figures": lambda **kw: casualty_figures(**kw),
    "latency": lambda **kw: latency_ledger(**kw).table,
    "silences": lambda **kw: latency_ledger(**kw).silences,
    "verdicts": lambda **kw: verdict_ledger(**kw).table,
}


def ledger_table(name: str, *, conflict: Conflict, filters: LedgerFilters) -> Table:
    """The named ledger's numbers (KeyError for an unknown name)."""
    return LEDGER_TABLES[name](conflict=conflict, filters=filters)
