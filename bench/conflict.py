"""Benchmark of the conflict page and its ledger endpoints on a seeded database of its own.

Seeds one conflict with N generated incidents (tracker.demo.history: ~1.9 statements each, the
accusation and casualty claims the ledgers count, and padding claims up to ~10 per incident),
then measures in the same run, taken in turn:
  - each ledger's bare aggregate SQL (the floor: what any implementation must pay),
  - GET /api/v1/conflicts/<id>/ledgers/<name>/ for each ledger,
  - GET /p/conflicts/<slug>/ (all four ledgers, charts and tables), against the sum of the
    floors of every aggregate the page runs.

    .venv/bin/python bench/conflict.py            # 100,000 incidents ≈ 1,000,000 claims
    .venv/bin/python bench/conflict.py --quick    # 2,000 incidents
    .venv/bin/python bench/conflict.py --incidents 20000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import write_section  # noqa: E402 - after the path is set
from bench.setup import django_with_database  # noqa: E402
from bench.timing import percentile, timed  # noqa: E402

DB_NAME = "counterclaim_bench_conflict"
PADDING_CLAIMS = 4  # per statement: with the ledgers' own claims, about 10 per incident


def _configure() -> None:
    os.environ["COUNTERCLAIM_API_RATE_ANON"] = "100000000/minute"
    django_with_database(DB_NAME, data_dir="bench-conflict")


def seed(n: int) -> tuple[Any, int]:
    from django.db import connection

    from tracker.demo.history import history_generate
    from tracker.demo.load import demo_load
    from tracker.models import Claim

    demo = demo_load()
    have = demo.conflict.incidents.count() - 1
    if have == n:
        claims = Claim.objects.count()
        print(f"seed: {n:,} incidents, {claims:,} claims already there")
        return demo.conflict, claims
    print(f"seed: loading {n:,} incidents …", flush=True)
    started = time.perf_counter()
    demo.conflict.incidents.exclude(pk=demo.incident.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # bulk load: no history
    history_generate(
        conflict=demo.conflict,
        incidents=n,
        start=datetime(2021, 9, 23, tzinfo=UTC),
        padding_claims=PADDING_CLAIMS,
    )
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
    claims = Claim.objects.count()
    print(f"seed: {n:,} incidents, {claims:,} claims in {time.perf_counter() - started:.0f} s")
    return demo.conflict, claims


def _floors(conflict: Any) -> dict[str, Any]:
    """Each ledger's aggregate SQL, run bare on a cursor with the page's default filters."""
    from django.db import connection

    from tracker.enums import SideRole
    from tracker.selectors.ledgers.accusations import ACCUSATIONS_SQL
    from tracker.selectors.ledgers.casualties import CASUALTY_FIGURES_SQL, CASUALTY_STEPS_SQL
    from tracker.selectors.ledgers.common import LedgerFilters, incident_where
    from tracker.selectors.ledgers.latency import LATENCY_BINS_HOURS, LATENCY_SQL, SILENCES_SQL
    from tracker.selectors.ledgers.verdicts import VERDICTS_SQL
    from tracker.views.ledger_charts import FIGURES_ON_PAGE

    where, params = incident_where(conflict, LedgerFilters())
    sides = [s.pk for s in conflict.sides.all()]
    belligerents = [s.pk for s in conflict.sides.filter(role=SideRole.BELLIGERENT)]
    runs = {
        "accusations": [(ACCUSATIONS_SQL, {**params, "sides": sides})],
        "casualties": [(CASUALTY_STEPS_SQL, params)],
        "latency": [
            (
                LATENCY_SQL,
                {
                    **params,
                    "sides": belligerents,
                    "bins": [float(e) for e in LATENCY_BINS_HOURS],
                },
            ),
            (SILENCES_SQL, {**params, "sides": belligerents}),
        ],
        "verdicts": [(VERDICTS_SQL, params)],
    }

    def run(pieces: list[tuple[str, dict]]) -> None:
        with connection.cursor() as cursor:
            for sql, values in pieces:
                cursor.execute(sql.format(where=where), values)
                cursor.fetchall()

    floors: dict[str, Callable[[], None]] = {
        name: partial(run, pieces) for name, pieces in runs.items()
    }
    # The page also lists the latest figures as issued.
    page = [piece for pieces in runs.values() for piece in pieces]
    page.append((CASUALTY_FIGURES_SQL, {**params, "limit": FIGURES_ON_PAGE}))
    floors["page"] = partial(run, page)
    return floors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 incidents")
    parser.add_argument("--incidents", type=int, default=0, help="any other scale")
    parser.add_argument("--repeat", type=int, default=0, help="samples per measurement")
    args = parser.parse_args()
    n = args.incidents or (2_000 if args.quick else 100_000)
    repeat = args.repeat or (20 if n <= 10_000 else 10)
    _configure()
    from django.test import Client

    conflict, claims = seed(n)
    client = Client(HTTP_HOST="localhost")
    page_url = f"/p/conflicts/{conflict.slug}/"
    names = ["accusations", "casualties", "latency", "verdicts"]
    endpoints = {name: f"/api/v1/conflicts/{conflict.pk}/ledgers/{name}/" for name in names}
    for url in [page_url, *endpoints.values()]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    floors = _floors(conflict)
    fns: dict[str, Any] = {"page": lambda: client.get(page_url).content}
    fns.update(
        {f"api:{name}": (lambda u=url: client.get(u).content) for name, url in endpoints.items()}
    )
    fns.update({f"floor:{name}": fn for name, fn in floors.items()})
    print(f"{len(fns)} measurements, {repeat} samples each, in turn …", flush=True)
    samples = timed(fns, repeat)

    def row(name: str, key: str, floor: str, goal: str) -> str:
        ratio = percentile(samples[key], 95) / percentile(samples[floor], 95)
        return (
            f"| {name} | {percentile(samples[key], 50):.1f} | {percentile(samples[key], 95):.1f} | "
            f"{percentile(samples[floor], 95):.1f} | {ratio:.2f} × | {goal} |"
        )

    lines = [
        "| measurement | p50 ms | p95 ms | floor p95 ms | ratio (p95) | goal |",
        "|---|---:|---:|---:|---:|---|",
        row(
            "`GET /p/conflicts/<slug>/` (4 ledgers, SVG, tables)",
            "page",
            "floor:page",
            "≤ 300 ms, ≤ 3 × floor",
        ),
    ]
    lines += [
        row(
            f"`GET /api/v1/conflicts/<id>/ledgers/{name}/`",
            f"api:{name}",
            f"floor:{name}",
            "≤ 200 ms, ≤ 3 × floor",
        )
        for name in names
    ]
    label = f" --incidents {n}" if args.incidents else (" --quick" if args.quick else "")
    summary = f"""## Conflict page and ledgers (`bench/conflict.py{label}`)

{n:,} generated incidents in one conflict, {claims:,} claims; {repeat} samples each, every
measurement taken in turn. The floor is the ledger's own aggregate SQL run bare on a cursor
(for the page: the six queries its ledgers run); the ratio compares p95s measured in the same run.
Every figure is computed exactly on each request (no summary tables).

{chr(10).join(lines)}
"""
    print(summary)
    write_section("conflict", summary)


if __name__ == "__main__":
    main()
