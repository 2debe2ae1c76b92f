"""Benchmark of the editorial pages on a seeded database of their own.

1. The incident page of an incident with 200 claims and 500 citations: the number of SQL
   queries (against the same page of a small incident: it must not grow), and the render time
   against the time of its bare queries (the same SQL, run alone).
2. The incident list with N incidents: a filtered full-text search, p50/p95, against the FTS
   query alone (the page's first page of ids from the GIN index).
3. The unfiltered incident list with N incidents (map clusters with the result count, the map's
   extent, timeline, first page): p95 and the HTML's weight, against its bare queries (the same
   SQL, run alone); and the map's cluster JSON for a zoomed-in view.

  .venv/bin/python bench/pages.py           # 100,000 incidents
  .venv/bin/python bench/pages.py --quick   # 10,000 incidents
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.demo.load import Demo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.setup import django_with_database

SEED_SQL = """
SET session_replication_role = replica;  -- bulk load: history triggers off
INSERT INTO tracker_incident (conflict_id, title, summary, incident_type, occurred_start,
    time_precision, local_timezone, place, latitude, longitude, state, version, created_at,
    updated_at)
SELECT %(conflict)s,
       (ARRAY['Shelling reported near', 'Cease-fire violation at', 'Drone strike on',
              'Exchange of fire around'])[1 + g %% 4] || ' ' ||
       (ARRAY['Sotk', 'Jermuk', 'Tavush', 'Kalbajar', 'Lachin', 'Gegharkunik', 'Nakhchivan',
              'Syunik'])[1 + (g / 4) %% 8] || ' #' || g,
       'Both sides blame each other. Report ' || g,
       (ARRAY['shelling', 'ceasefire_violation', 'air_strike', 'armed_clash'])[1 + g %% 4],
       TIMESTAMPTZ '2020-01-01' + (g * INTERVAL '37 minutes'),
       'hour', 'Asia/Yerevan', 'Border area ' || g,
       39.5 + (g %% 100) / 100.0, 45.0 + (g %% 97) / 50.0,
       (ARRAY['draft', 'in_review', 'published', 'published'])[1 + g %% 4], 1, now(), now()
FROM generate_series(1, %(n)s) AS g;
SET session_replication_role = origin;
"""


def _seed(n: int) -> Demo:
    from django.db import connection

    from tracker.demo.load import demo_load
    from tracker.models import Incident

    demo = demo_load()
    existing = Incident.objects.count()
    with connection.cursor() as cursor:
        if existing >= n:
            print(f"  database already holds {existing:,} incidents")
        else:
            print(f"  seeding {n - existing + 1:,} incidents …", flush=True)
            cursor.execute(SEED_SQL, {"conflict": demo.conflict.pk, "n": n - existing + 1})
        # As autovacuum would have by now: statistics, and the visibility map that lets the
        # map's queries scan only their index.
        cursor.execute("VACUUM ANALYZE tracker_incident")
    return demo


def _big_incident(demo):
    """An incident with 200 claims and 500 citations (the demo's two parties)."""
    from tracker.enums import Aspect, IncidentType
    from tracker.models import Citation, Claim, Incident, Statement

    incident = Incident.objects.filter(title="Benchmark: a large incident").first()
    if incident is not None:
        return incident
    incident = Incident.objects.create(
        conflict=demo.conflict,
        title="Benchmark: a large incident",
        incident_type=IncidentType.ARMED_CLASH,
        occurred_start=demo.incident.occurred_start,
    )
    statements = [
        Statement.objects.create(
            incident=incident, party=demo.statements[side].party, text=demo.statements[side].text
        )
        for side in ("Armenia", "Azerbaijan")
    ]
    aspects = [Aspect.MEANS, Aspect.DAMAGE, Aspect.OTHER, Aspect.LOCATION, Aspect.RETALIATION]
    claims = Claim.objects.bulk_create(
        Claim(statement=statements[i % 2], aspect=aspects[i % 5], text=f"Claim number {i}")
        for i in range(200)
    )
    text = demo.source.text
    words = [(m, text.index(m)) for m in ("Baku", "Yerevan", "Armenia", "border", "ministry")]
    Citation.objects.bulk_create(
        Citation(
            claim=claims[i % 200],
            source=demo.source,
            excerpt=word,
            start_offset=start,
            end_offset=start + len(word),
        )
        for i in range(500)
        for word, start in [words[i % 5]]
    )
    return incident


def _time(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 incidents instead of 100,000")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    django_with_database(f"counterclaim_bench_pages_{n}", data_dir="bench-pages")

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from bench.report import write_section

    setup_test_environment()
    print(f"Incident page and incident list ({n:,} incidents)")
    demo = _seed(n)
    big = _big_incident(demo)
    user, _ = User.objects.get_or_create(username="bench-editor")
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(user)

    def page_of(incident) -> None:
        assert client.get(f"/incidents/{incident.pk}/").status_code == 200

    def queries_of_url(url: str) -> list[tuple[str, Any]]:
        seen: list[tuple[str, Any]] = []

        def record(execute, sql, params, many, context):
            seen.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            assert client.get(url).status_code == 200
        return seen

    def queries_of(incident) -> list[tuple[str, Any]]:
        return queries_of_url(f"/incidents/{incident.pk}/")

    def replay(queries: list[tuple[str, Any]]) -> None:
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()

    page_of(big)
    small_queries = queries_of(demo.incident)
    big_queries = queries_of(big)

    def bare() -> None:
        replay(big_queries)

    print("  timing the incident page …", flush=True)
    page_ms = _time(lambda: page_of(big), args.repeat)
    bare_ms = _time(bare, args.repeat)

    query = "Shelling Tavush"
    url = f"/incidents/?q={query.replace(' ', '+')}&state=published"

    def listing() -> None:
        assert client.get(url).status_code == 200

    def fts_alone() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM tracker_incident WHERE merged_into_id IS NULL AND state = %s "
                "AND search_vector @@ websearch_to_tsquery('simple', %s) "
                "ORDER BY occurred_start DESC, id DESC LIMIT 51",
                ["published", query],
            )
            cursor.fetchall()

    print("  timing the filtered incident list …", flush=True)
    listing()
    list_ms = _time(listing, args.repeat)
    fts_ms = _time(fts_alone, args.repeat)

    print("  timing the unfiltered incident list …", flush=True)

    def unfiltered() -> bytes:
        answer = client.get("/incidents/")
        assert answer.status_code == 200
        return answer.content

    html = unfiltered()
    list_queries = queries_of_url("/incidents/")
    whole_ms = _time(unfiltered, args.repeat)
    whole_bare_ms = _time(lambda: replay(list_queries), args.repeat)
    # The exact count comes with the map's clusters (one GROUP BY over an index); the extent
    # that frames the map from four index ends.
    scan_queries = [(sql, p) for sql, p in list_queries if "GROUP BY FLOOR" in sql.upper()]
    extent_queries = [
        (sql, p)
        for sql, p in list_queries
        if 'MIN("tracker_incident"."longitude")' in sql and "GROUP BY" not in sql.upper()
    ]
    scan_ms = _time(lambda: replay(scan_queries[:1]), args.repeat)
    extent_ms = _time(lambda: replay(extent_queries[:1]), args.repeat)
    clusters_url = "/incidents/clusters/?zoom=9&bbox=45.5,39.7,46.2,40.2"
    cluster_queries = queries_of_url(clusters_url)
    clusters_ms = _time(lambda: client.get(clusters_url), args.repeat)
    clusters_bare_ms = _time(lambda: replay(cluster_queries), args.repeat)

    rows = [
        (
            "incident page SQL queries, 200 claims / 500 citations",
            f"{len(big_queries)}",
            f"same page of the demo incident: {len(small_queries)} (goal ≤ 15, constant)",
        ),
        (
            "incident page render, p50",
            f"{statistics.median(page_ms):.1f} ms",
            f"its bare queries: {statistics.median(bare_ms):.1f} ms → "
            f"**{statistics.median(page_ms) / statistics.median(bare_ms):.2f}×** (goal ≤ 3×)",
        ),
        (
            f"incident list, filtered search, {n:,} incidents, p95",
            f"{_p95(list_ms):.1f} ms",
            f"p50 {statistics.median(list_ms):.1f} ms (goal p95 ≤ 150 ms)",
        ),
        (
            "the FTS query alone, p95",
            f"{_p95(fts_ms):.2f} ms",
            f"list p95 / FTS p95: **{_p95(list_ms) / _p95(fts_ms):.1f}×**",
        ),
    ]
    rows += [
        (
            f"incident list, unfiltered, {n:,} incidents, p95",
            f"{_p95(whole_ms):.1f} ms",
            f"its {len(list_queries)} bare queries p95 {_p95(whole_bare_ms):.1f} ms → "
            f"**{_p95(whole_ms) / _p95(whole_bare_ms):.2f}×** (goal p95 ≤ 250 ms)",
        ),
        (
            "unfiltered list HTML",
            f"{len(html) / 1024:.0f} KB",
            f"**{len(html) / (150 * 1024):.2f}×** the 150 KB goal",
        ),
        (
            "the map's clusters with the exact count (one index-only scan) alone, p95",
            f"{_p95(scan_ms):.1f} ms",
            f"{_p95(scan_ms) / _p95(whole_ms):.0%} of the page: exact, no estimate needed",
        ),
        (
            "the map's extent (four index ends) alone, p95",
            f"{_p95(extent_ms):.2f} ms",
            f"{_p95(extent_ms) / _p95(whole_ms):.1%} of the page",
        ),
        (
            "map clusters JSON, zoom 9, p95",
            f"{_p95(clusters_ms):.1f} ms",
            f"its bare queries p95 {_p95(clusters_bare_ms):.1f} ms → "
            f"**{_p95(clusters_ms) / _p95(clusters_bare_ms):.2f}×**",
        ),
    ]
    load = os.getloadavg()[0]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    markdown = (
        f"## Editorial pages (`bench/pages.py{' --quick' if args.quick else ''}`)\n\n"
        f"{args.repeat} requests each, in-process Django test client (no network), embedded "
        f"PostgreSQL, 2 cores; load average {load:.1f} during the run (above 2, other work "
        f"shared the cores: compare the ratios, not the milliseconds).\n\n"
        f"| measure | value | against |\n|---|---|---|\n{table}\n"
    )
    write_section("pages", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
