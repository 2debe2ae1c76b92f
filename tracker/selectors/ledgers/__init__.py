"""The conflict-level ledgers: mutual accusations, casualty figures per claimant, response
latency and editors' verdicts per party.

Each ledger sums summary tables that PostgreSQL triggers keep exact (migration
0019_ledger_summaries: per conflict, incident day and view, recomputed from the base tables
for every day a commit touched); the benchmark in bench/conflict.py holds each ledger to a ratio
of its bare aggregate SQL. Every ledger returns a `Table` (the numbers a chart is drawn from,
which the page shows beside the chart, the CSV and JSON downloads and the API all serve) plus
what its chart needs. One filter object, `LedgerFilters`, is shared by every door."""

from typing import Any

from tracker.models import Conflict
from tracker.selectors.ledgers.accusations import accusation_incidents, accusation_ledger
from tracker.selectors.ledgers.casualties import casualty_figures, casualty_ledger
from tracker.selectors.ledgers.common import (
    PAGE_ROWS,
    LedgerFilters,
    Table,
    bucket_end,
    conflict_sides,
    ledger_conflict,
)
from tracker.selectors.ledgers.latency import latency_ledger
from tracker.selectors.ledgers.verdicts import verdict_ledger

# Every download and API endpoint by name: the ledger's table (silences come with latency).
LEDGER_TABLES: dict[str, Any] = {
    "accusations": lambda **kw: accusation_ledger(**kw).table,
    "casualties": lambda **kw: casualty_ledger(**kw).table,
    "figures": lambda **kw: casualty_figures(**kw),
    "latency": lambda **kw: latency_ledger(**kw, silences=0).table,
    "silences": lambda **kw: latency_ledger(**kw).silences,
    "verdicts": lambda **kw: verdict_ledger(**kw).table,
}


def ledger_table(name: str, *, conflict: Conflict, filters: LedgerFilters) -> Table:
    """The named ledger's numbers (KeyError for an unknown name)."""
    return LEDGER_TABLES[name](conflict=conflict, filters=filters)


__all__ = [
    "LEDGER_TABLES",
    "PAGE_ROWS",
    "LedgerFilters",
    "Table",
    "accusation_incidents",
    "accusation_ledger",
    "bucket_end",
    "casualty_figures",
    "casualty_ledger",
    "conflict_sides",
    "latency_ledger",
    "ledger_conflict",
    "ledger_table",
    "verdict_ledger",
]
