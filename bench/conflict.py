"""Benchmark of the conflict page and its ledger endpoints on a seeded database of its own.

Seeds one conflict with N generated incidents in SQL (generate_series, one transaction, the
triggers off; then the ledger summaries rebuilt once with ledger_refresh): ~1.9 statements each,
the accusation and casualty claims the ledgers count (with revisions), and padding claims up to
~10 per incident, the same shape as tracker.demo.history. Then it measures in the same run,
taken in turn:
  - each ledger's bare aggregate SQL over the summary tables (the floor),
  - GET /api/v1/conflicts/<id>/ledgers/<name>/ for each ledger,
  - GET /p/conflicts/<slug>/ (all four ledgers, charts and tables), against the sum of the
    floors of every aggregate the page runs,
  - once, the download of every casualty figure as issued (CSV): its first row, its end and
    the Python memory it takes.
30 samples each by default: with 10, the p95 is all but the largest sample, so one scheduling
hiccup on a shared machine decided a ratio whose floor is 2 ms. The requests go through the
whole stack (middleware, authentication, the rate limit's Redis round trip, rendering); the
floors share the connection and cursor kind (client-side binding, nothing prepared) with them.
One cost a served request pays is left out: Django's test client skips the connection health
check (CONN_HEALTH_CHECKS, a `SELECT 1` when a request first uses a kept connection).

    .venv/bin/python bench/conflict.py            # 100,000 incidents ≈ 1,000,000 claims
    .venv/bin/python bench/conflict.py --quick    # 2,000 incidents
    .venv/bin/python bench/conflict.py --incidents 20000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import write_section  # noqa: E402 - after the path is set
from bench.setup import django_with_database  # noqa: E402
from bench.timing import percentile, timed  # noqa: E402

DB_NAME = "counterclaim_bench_conflict"
PADDING_CLAIMS = 4  # per statement: with the ledgers' own claims, about 10 per incident
START = datetime(2021, 9, 23, tzinfo=UTC)
MIDDLE_DAY = date(2022, 3, 23)  # half way through the generated year

# One transaction; session_replication_role = replica skips the triggers (history, change
# stamps, ledger marks) for the bulk load, and ledger_refresh then rebuilds the summaries.
# Random draws are materialised (OFFSET 0, temporary tables) so each row draws once.
GENERATE_SQL = """
SELECT setseed(0.2022);
CREATE TEMP TABLE gen_i ON COMMIT DROP AS
SELECT nextval(pg_get_serial_sequence('tracker_incident', 'id')) AS id, g AS number, x.*,
       x.occurred + (20 + x.r1 * 700) * interval '1 minute' AS first_at,
       exp(1.5 + 1.2 * sqrt(-2 * ln(1 - x.r2)) * cos(2 * pi() * x.r3)) * interval '1 hour' AS gap
  FROM generate_series(1, %(n)s) AS g
 CROSS JOIN LATERAL (
     SELECT %(start)s::timestamptz + random() * interval '365 days' AS occurred, g AS drawn_for,
            (ARRAY['northern sector', 'eastern sector', 'southern sector', 'border village',
                   'highway'])[1 + floor(random() * 5)::int] AS place,
            (array_fill('published'::text, ARRAY[17]) || ARRAY['in_review', 'in_review', 'draft'])
                [1 + floor(random() * 20)::int] AS state,
            (%(types)s::text[])[1 + floor(random() * %(ntypes)s)::int] AS incident_type,
            random() < 0.5 AS a_first, random() < 0.8 AS both, random() AS r1,
            random() AS r2, random() AS r3
     OFFSET 0) AS x;

INSERT INTO tracker_incident (id, conflict_id, title, summary, incident_type, occurred_start,
                              time_precision, local_timezone, place, state, version,
                              created_at, updated_at)
SELECT id, %(conflict)s, '[Generated] Exchange of fire in the ' || place || ', report ' || number,
       %(note)s, incident_type, occurred, 'hour', '', initcap(place), state, 1, now(), now()
  FROM gen_i;

CREATE TEMP TABLE gen_s ON COMMIT DROP AS
WITH turns AS (
    SELECT i.id AS incident_id, t.turn, (t.turn = 0) = i.a_first AS a_speaks,
           i.first_at + CASE WHEN t.turn = 1 THEN i.gap ELSE interval '0' END AS issued
      FROM gen_i i CROSS JOIN (VALUES (0), (1)) AS t(turn)
     WHERE t.turn = 0 OR i.both
), spoken AS (
    SELECT incident_id, a_speaks, issued, false AS revision, random() < 0.1 AS revised,
           random() * 84 + 12 AS later
      FROM turns OFFSET 0
)
SELECT nextval(pg_get_serial_sequence('tracker_statement', 'id')) AS id, incident_id, a_speaks,
       issued, revision
  FROM (SELECT incident_id, a_speaks, issued, revision FROM spoken
        UNION ALL
        SELECT incident_id, a_speaks, issued + later * interval '1 hour', true FROM spoken
         WHERE revised) AS s;

INSERT INTO tracker_statement (id, incident_id, party_id, issued_at, channel, original_url, text,
                               language, translation, translation_kind, version, held,
                               created_at, updated_at)
SELECT id, incident_id, CASE WHEN a_speaks THEN %(a_party)s ELSE %(b_party)s END, issued,
       'website', '', %(note)s || ' Statement.', 'en', '', '', 1, false, now(), now()
  FROM gen_s;

-- Casualty figures first given (own losses 0-2, the other side's 1-15, 30 %% of those open),
-- then raised by a revising statement of the same party on the same incident.
CREATE TEMP TABLE gen_f ON COMMIT DROP AS
SELECT s.id AS statement_id, s.incident_id, s.a_speaks, v.own, f.*
  FROM gen_s s CROSS JOIN (VALUES (true), (false)) AS v(own)
 CROSS JOIN LATERAL (
     SELECT CASE WHEN v.own THEN floor(random() * 3)::int ELSE 1 + floor(random() * 15)::int END
                AS low,
            random() < 0.3 AS open, floor(random() * 4)::int AS spread,
            random() < 0.4 AS killed, random() < 0.35 AS given,
            1 + floor(random() * 5)::int AS raise, floor(random() * 4)::int AS raise_high,
            s.id AS drawn_for  -- correlated, so drawn per row
     OFFSET 0) AS f
 WHERE NOT s.revision;
DELETE FROM gen_f WHERE NOT given;

INSERT INTO tracker_claim (statement_id, aspect, text, accused_side_id, casualty_side_id,
                           killed_min, killed_max, wounded_min, wounded_max, time_precision,
                           place, verdict, verdict_note, version, held, created_at, updated_at)
WITH verdicts AS (
    SELECT '{unverified,unverified,unverified,unverified,unverified,unverified,unverified,
             unverified,unverified,unverified,contested,contested,contested,contested,
             corroborated,corroborated,partly_true,partly_true,misleading,false}'::text[] AS v
), figures AS (
    SELECT f.statement_id, f.a_speaks, f.own, f.killed, f.low,
           CASE WHEN NOT f.own AND f.open THEN NULL ELSE f.low + f.spread END AS high
      FROM gen_f f
    UNION ALL
    SELECT r.id, f.a_speaks, f.own, f.killed, f.low + f.raise,
           CASE WHEN NOT f.own AND f.open THEN NULL
                ELSE greatest(f.low + f.spread, f.low + f.raise) + f.raise_high END
      FROM gen_f f JOIN gen_s r ON r.incident_id = f.incident_id AND r.revision
                               AND r.a_speaks = f.a_speaks
), rows AS (
    SELECT s.id AS statement_id, 'initiator' AS aspect, 'The other side opened fire first.'
               AS text,
           CASE WHEN s.a_speaks THEN %(b_side)s ELSE %(a_side)s END AS accused,
           NULL::bigint AS victim, NULL::int AS k_lo, NULL::int AS k_hi, NULL::int AS w_lo,
           NULL::int AS w_hi
      FROM gen_s s WHERE NOT s.revision AND random() < 0.85
    UNION ALL
    SELECT statement_id, 'casualties', 'Losses: ' || low || coalesce('–' || high, ' or more'),
           NULL, CASE WHEN a_speaks = own THEN %(a_side)s ELSE %(b_side)s END,
           CASE WHEN killed THEN low END, CASE WHEN killed THEN high END,
           CASE WHEN NOT killed THEN low END, CASE WHEN NOT killed THEN high END
      FROM figures
    UNION ALL
    SELECT s.id, (ARRAY['location', 'means', 'retaliation', 'other'])[1 + (e.n %% 4)],
           'Generated claim ' || (e.n + 1) || '.', NULL, NULL, NULL, NULL, NULL, NULL
      FROM gen_s s CROSS JOIN generate_series(0, %(padding)s - 1) AS e(n)
)
SELECT r.statement_id, r.aspect, r.text, r.accused, r.victim, r.k_lo, r.k_hi, r.w_lo, r.w_hi,
       '', '', (SELECT v FROM verdicts)[1 + floor(random() * 20)::int], '', 1, false, now(),
       now()
  FROM rows r;
"""


def _configure() -> None:
    os.environ["COUNTERCLAIM_API_RATE_ANON"] = "100000000/minute"
    django_with_database(DB_NAME, data_dir="bench-conflict")


def _speaker(conflict: Any, index: int) -> tuple[int, int]:
    """The INDEXth belligerent side (by name) and one of its parties (a ministry if any)."""
    from tracker.enums import PartyKind, SideRole
    from tracker.models import Party

    side = conflict.sides.filter(role=SideRole.BELLIGERENT).order_by("name")[index]
    parties = Party.objects.filter(alignments__side=side).order_by("name")
    party = parties.filter(kind=PartyKind.MINISTRY).first() or parties.first()
    assert party is not None, f"side {side} has no party"
    return side.pk, party.pk


def seed(n: int) -> tuple[Any, int]:
    from django.db import connection, transaction

    from tracker.demo.history import GENERATED_NOTE
    from tracker.demo.load import demo_load
    from tracker.enums import IncidentType
    from tracker.models import Claim

    demo = demo_load()
    have = demo.conflict.incidents.count() - 1
    if have == n:
        claims = Claim.objects.count()
        print(f"seed: {n:,} incidents, {claims:,} claims already there")
        return demo.conflict, claims
    print(f"seed: generating {n:,} incidents in SQL …", flush=True)
    started = time.perf_counter()
    (a_side, a_party), (b_side, b_party) = _speaker(demo.conflict, 0), _speaker(demo.conflict, 1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # bulk load: no triggers
        cursor.execute(
            "DELETE FROM tracker_claim WHERE statement_id IN (SELECT s.id FROM tracker_statement s"
            " JOIN tracker_incident i ON i.id = s.incident_id"
            " WHERE i.conflict_id = %(c)s AND i.id <> %(keep)s);"
            "DELETE FROM tracker_statement WHERE incident_id IN (SELECT id FROM tracker_incident"
            " WHERE conflict_id = %(c)s AND id <> %(keep)s);"
            "DELETE FROM tracker_incident WHERE conflict_id = %(c)s AND id <> %(keep)s",
            {"c": demo.conflict.pk, "keep": demo.incident.pk},
        )
        cursor.execute(
            GENERATE_SQL,
            {
                "n": n,
                "start": START,
                "conflict": demo.conflict.pk,
                "note": GENERATED_NOTE,
                "types": IncidentType.values,
                "ntypes": len(IncidentType.values),
                "a_side": a_side,
                "a_party": a_party,
                "b_side": b_side,
                "b_party": b_party,
                "padding": PADDING_CLAIMS,
            },
        )
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the rebuild's plans need the new row counts
        cursor.execute("SELECT ledger_refresh(%s, '-infinity', 'infinity')", [demo.conflict.pk])
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans
    claims = Claim.objects.count()
    print(
        f"seed: {n:,} incidents, {claims:,} claims in {loaded - started:.0f} s; "
        f"summaries rebuilt in {time.perf_counter() - loaded:.0f} s"
    )
    return demo.conflict, claims


def _floors(conflict: Any) -> dict[str, Any]:
    """Each ledger's aggregate SQL over the summary tables, run bare on a cursor with the
    page's default filters."""
    from django.db import connection

    from tracker.selectors.ledgers.accusations import ACCUSATIONS_SQL
    from tracker.selectors.ledgers.casualties import CASUALTY_FIGURES_SQL, CASUALTY_STEPS_SQL
    from tracker.selectors.ledgers.common import PAGE_ROWS, LedgerFilters, summary_where
    from tracker.selectors.ledgers.latency import (
        LATENCY_SQL,
        MEDIAN_SQL,
        SILENCE_COUNTS_SQL,
        SILENCES_SQL,
        median_window,
    )
    from tracker.selectors.ledgers.verdicts import VERDICTS_SQL
    from tracker.views.ledger_charts import FIGURES_ON_PAGE

    where, params = summary_where(conflict, LedgerFilters())

    def run(pieces: list[tuple[str, dict]]) -> None:
        with connection.cursor() as cursor:
            for sql, values in pieces:
                cursor.execute(sql.format(where=where), values)
                cursor.fetchall()

    def latency(silences: int) -> None:
        values = {**params, "limit": silences}
        with connection.cursor() as cursor:
            cursor.execute(LATENCY_SQL.format(where=where, party=""), values)
            names = [column.name for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            for row in rows:
                if row["opener"] is None:
                    window = {**values, "side": row["side_id"], **median_window(row["answered"])}
                    cursor.execute(MEDIAN_SQL.format(where=where, party=""), window)
                    cursor.fetchall()
        run([(SILENCE_COUNTS_SQL, values), (SILENCES_SQL, values)])

    pieces = {
        "accusations": [(ACCUSATIONS_SQL, params)],
        "casualties": [(CASUALTY_STEPS_SQL, params)],
        "verdicts": [(VERDICTS_SQL, params)],
    }
    floors: dict[str, Any] = {name: (lambda b=batch: run(b)) for name, batch in pieces.items()}
    floors["latency"] = lambda: latency(0)

    def page() -> None:
        # Every ledger, the latest silences and the latest figures as issued.
        for name in pieces:
            floors[name]()
        latency(PAGE_ROWS)
        run([(CASUALTY_FIGURES_SQL, {**params, "limit": FIGURES_ON_PAGE})])

    floors["page"] = page
    # What a write pays at commit: recomputing its incident's day, rolled back.
    floors["write"] = lambda: _refresh_one_day(conflict)
    return floors


def _refresh_one_day(conflict: Any) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT ledger_refresh(%s, %s::date, %s::date + 1)",
            [conflict.pk, MIDDLE_DAY, MIDDLE_DAY],
        )
        transaction.set_rollback(True)


def _queries(fn: Any) -> int:
    """The SQL statements one call of FN sends (the rate limit's Redis round trip aside)."""
    from django.db import connection

    sent: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return len(sent)


def _download(client: Any, url: str) -> tuple[float, float, int, float]:
    """One full download of URL, streamed: ms to its first row, ms to its end, its rows, and
    the peak of Python memory allocated meanwhile (MB, traced; the timings come from a run
    without tracing, which slows every allocation)."""
    started = time.perf_counter()
    lines = iter(client.get(url).streaming_content)
    next(lines)  # the header
    next(lines)
    first = (time.perf_counter() - started) * 1000
    rows = 1 + sum(1 for _ in lines)
    whole = (time.perf_counter() - started) * 1000
    tracemalloc.start()
    for _ in client.get(url).streaming_content:
        pass
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return first, whole, rows, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 incidents")
    parser.add_argument("--incidents", type=int, default=0, help="any other scale")
    parser.add_argument("--repeat", type=int, default=0, help="samples per measurement")
    args = parser.parse_args()
    n = args.incidents or (2_000 if args.quick else 100_000)
    repeat = args.repeat or 30
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
    queries = {name: _queries(fn) for name, fn in fns.items()}
    print(f"{len(fns)} measurements, {repeat} samples each, in turn …", flush=True)
    samples = timed(fns, repeat)

    def row(name: str, key: str, floor: str, goal: str) -> str:
        ratio = percentile(samples[key], 95) / percentile(samples[floor], 95)
        return (
            f"| {name} | {queries[key]} / {queries[floor]} | {percentile(samples[key], 50):.1f} | "
            f"{percentile(samples[key], 95):.1f} | {percentile(samples[floor], 95):.1f} | "
            f"{ratio:.2f} × | {goal} |"
        )

    lines = [
        "| measurement | queries / floor's | p50 ms | p95 ms | floor p95 ms | ratio (p95) | goal |",
        "|---|---:|---:|---:|---:|---:|---|",
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
    first, whole, figures, peak = _download(
        client, f"/p/conflicts/{conflict.slug}/ledgers/figures.csv"
    )
    write = samples["floor:write"]
    lines.append(
        f"| a write's commit: `ledger_refresh` of its incident's day (~{n // 365:,} incidents) | "
        f"{queries['floor:write']} | {percentile(write, 50):.1f} | {percentile(write, 95):.1f} "
        "| | | paid once per day touched |"
    )
    label = f" --incidents {n}" if args.incidents else (" --quick" if args.quick else "")
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    summary = f"""## Conflict page and ledgers (`bench/conflict.py{label}`)

{n:,} generated incidents in one conflict, {claims:,} claims; {repeat} samples each, every
measurement taken in turn. The floor is the ledger's own aggregate SQL over the summary tables
run bare on a cursor (for the page: every query its ledgers run); the ratio compares p95s
measured in the same run. The summaries are kept exact by triggers (migration
0019_ledger_summaries); the page and the endpoints read them on every request. "Queries" counts
the SQL statements of one request and of its floor: a request adds the conflict with its sides
(one query) and, for casualties and verdicts, the parties' names; and one Redis round trip
(the rate limit).
Load average at the end of the run: {load} on {os.cpu_count()} cores (a shared machine: the
absolute figures move with what else runs; the ratios less so).

{chr(10).join(lines)}

The download of every casualty figure as issued (`/p/conflicts/<slug>/ledgers/figures.csv`,
{figures:,} rows) streams in the order of an index: its first row after {first:.0f} ms, its last
after {whole:,.0f} ms, with Python memory peaking at {peak:.1f} MB meanwhile.
"""
    print(summary)
    write_section("conflict", summary)


if __name__ == "__main__":
    main()
