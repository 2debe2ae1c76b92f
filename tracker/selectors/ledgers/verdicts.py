"""Track record: each party's claims per period by the verdict editors gave them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.enums import Verdict
from tracker.models import Conflict, Party
from tracker.selectors.ledgers.common import (
    LedgerFilters,
    Table,
    fetch_rows,
    summary_where,
)

VERDICTS_SQL = """
SELECT t.party_id, date_trunc(%(zoom)s, t.day::timestamp)::date AS bucket, t.verdict,
       sum(t.claims)::int AS claims
  FROM ledger_verdict_day t
 WHERE {where} AND (%(party)s::bigint IS NULL OR t.party_id = %(party)s::bigint)
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
    where, params = summary_where(conflict, filters)
    rows = fetch_rows(VERDICTS_SQL.format(where=where), params)
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
