"""Benchmark of the public API and exports on a seeded database of its own.

Seeds N incidents (2 statements each, 5 claims per statement, a citation for every other claim,
one counterclaim per incident) with generate_series, then measures in the same run:
  - GET /api/v1/incidents/ (page of 50) p50/p95 against a floor: the same rows fetched with raw
    SQL and serialised with orjson;
  - page 1,000 of the cursor against page 1;
  - a filtered `updated_since` page;
  - the full claims CSV export: rows/s and peak memory growth.

    .venv/bin/python bench/api.py            # 100,000 incidents ≈ 1,000,000 claims
    .venv/bin/python bench/api.py --quick    # 10,000 incidents
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.setup import django_with_database  # noqa: E402 - after the path is set
from bench.timing import percentile, timed  # noqa: E402

DB_NAME = "counterclaim_bench_api"
PAGE = 50


def _configure() -> None:
    """Own data folder and own database, no rate limits."""
    os.environ["COUNTERCLAIM_API_RATE_ANON"] = "100000000/minute"
    django_with_database(DB_NAME, data_dir="bench-api")


SEED_SQL = """
SET session_replication_role = replica;  -- bulk load: no history, stamp or rule triggers
INSERT INTO tracker_incident (conflict_id, title, summary, incident_type, occurred_start,
    time_precision, local_timezone, place, latitude, longitude, state, version, created_at,
    updated_at)
SELECT c.id, 'Incident ' || g, 'Both sides accuse each other, report ' || g,
       (ARRAY['shelling','armed_clash','ceasefire_violation','air_strike'])[1 + g % 4],
       timestamptz '2020-01-01' + g * interval '1 hour', 'day', '', 'Border sector ' || (g % 50),
       39 + (g % 100) / 100.0, 45 + (g % 100) / 100.0, 'published', 1,
       now() - (%(n)s - g) * interval '1 second', now() - (%(n)s - g) * interval '1 second'
  FROM tracker_conflict c, generate_series(1, %(n)s) g WHERE c.slug = 'bench';
INSERT INTO tracker_statement (incident_id, party_id, issued_at, channel, original_url, text,
    language, translation, translation_kind, version, created_at, updated_at)
SELECT i.id, p.id, i.occurred_start, 'website', '', p.short_name || ' says the other side fired',
       'en', '', '', 1, i.created_at, i.updated_at
  FROM tracker_incident i CROSS JOIN tracker_party p;
INSERT INTO tracker_claim (statement_id, aspect, text, time_precision, place, verdict,
    verdict_note, version, created_at, updated_at)
SELECT s.id, (ARRAY['initiator','location','means','retaliation','damage'])[a],
       'Claim ' || a || ' of statement ' || s.id, '', '',
       (ARRAY['unverified','contested','corroborated'])[1 + (s.id + a) % 3], '', 1,
       s.created_at, s.updated_at
  FROM tracker_statement s, generate_series(1, 5) a;
INSERT INTO tracker_citation (claim_id, source_id, excerpt, start_offset, end_offset, created_at,
    updated_at)
SELECT cl.id, src.id, 'Shelling was reported', 0, 21, cl.created_at, cl.updated_at
  FROM tracker_claim cl, tracker_source src WHERE cl.id % 2 = 0;
INSERT INTO tracker_counterclaim (claim_a_id, claim_b_id, relation, state, reason, created_at,
    updated_at)
SELECT min(cl.id), max(cl.id), 'contradicts', 'confirmed', '', now(), now()
  FROM tracker_claim cl JOIN tracker_statement s ON s.id = cl.statement_id
 WHERE cl.aspect = 'initiator' GROUP BY s.incident_id;
INSERT INTO tracker_incidentchange (incident_id, changed_at, xid, was_published)
SELECT id, updated_at, pg_current_xact_id()::text::bigint, true FROM tracker_incident;
SET session_replication_role = DEFAULT;
"""


def _reference_rows() -> None:
    """The few rows the bulk SQL points at, through the ORM so new columns get their defaults."""
    from tracker.models import Alignment, Conflict, Outlet, Party, Side, Source

    conflict = Conflict.objects.create(name="Bench conflict", slug="bench")
    outlet = Outlet.objects.create(name="Bench wire", domain="bench.example", language="en")
    for name, code in (("North", "AM"), ("South", "AZ")):
        side = Side.objects.create(
            conflict=conflict, name=name, role="belligerent", country_code=code
        )
        party = Party.objects.create(
            name=f"{name} ministry", short_name=name, kind="ministry", country_code=code
        )
        Alignment.objects.create(party=party, side=side)
    Source.objects.create(
        url="https://bench.example/report",
        outlet=outlet,
        title="Bench report",
        language="en",
        text="Shelling was reported along the line. " * 50,
    )


def seed(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tracker_incident")
        have = cursor.fetchone()[0]
        if have == n:
            print(f"seed: {n:,} incidents already there")
            return
        print(f"seed: emptying and loading {n:,} incidents …", flush=True)
        started = time.perf_counter()
        cursor.execute(
            "TRUNCATE tracker_counterclaim, tracker_citation, tracker_claim, tracker_statement,"
            " tracker_incidentchange, tracker_incident, tracker_source, tracker_outlet,"
            " tracker_alignment, tracker_party, tracker_side, tracker_conflict CASCADE"
        )
        _reference_rows()
        for statement in SEED_SQL.split(";\n"):
            if statement.strip():
                cursor.execute(statement.replace("%(n)s", str(int(n))))
        cursor.execute("SELECT count(*) FROM tracker_claim")
        claims = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seed: {n:,} incidents, {claims:,} claims in {time.perf_counter() - started:.0f} s")


FLOOR_SQL = {
    "page": """SELECT ic.incident_id, ic.xid, ic.changed_at FROM tracker_incidentchange ic
               WHERE ic.incident_id IN (SELECT id FROM tracker_incident
                                        WHERE state = 'published' AND merged_into_id IS NULL)
               ORDER BY ic.xid, ic.incident_id LIMIT %s""",
    "incidents": """SELECT id, conflict_id, title, summary, incident_type, occurred_start,
               occurred_end, time_precision, local_timezone, place, latitude, longitude, state,
               merged_into_id, version, created_at, updated_at FROM tracker_incident
               WHERE id = ANY(%s)""",
    "statements": """SELECT s.id, s.incident_id, s.party_id, s.issued_at, s.channel,
               s.original_url, s.text, s.language, s.translation, s.translation_kind,
               s.reported_by_id, s.version, s.updated_at, a.side_id
               FROM tracker_statement s LEFT JOIN tracker_alignment a ON a.party_id = s.party_id
               WHERE s.incident_id = ANY(%s) ORDER BY s.issued_at, s.id""",
    "claims": """SELECT id, statement_id, aspect, text, accused_side_id, killed_min, killed_max,
               wounded_min, wounded_max, casualty_side_id, time_start, time_end, time_precision,
               place, latitude, longitude, verdict, verdict_note, version, updated_at
               FROM tracker_claim WHERE statement_id = ANY(%s) ORDER BY id""",
    "citations": """SELECT c.id, c.claim_id, c.source_id, c.excerpt, c.start_offset,
               c.end_offset, s.url, s.title FROM tracker_citation c
               JOIN tracker_source s ON s.id = c.source_id WHERE c.claim_id = ANY(%s)""",
    "counterclaims": """SELECT id, claim_a_id, claim_b_id, relation, state, reason
               FROM tracker_counterclaim WHERE claim_a_id = ANY(%s) AND state <> 'dismissed'""",
}


def floor_page() -> bytes:
    """The same page with hand-written SQL and orjson: what any implementation must pay."""
    import orjson
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL["page"], [PAGE])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(FLOOR_SQL["incidents"], [ids])
        cols = [c.name for c in cursor.description]
        incidents = {row[0]: dict(zip(cols, row, strict=True)) for row in cursor.fetchall()}
        cursor.execute(FLOOR_SQL["statements"], [ids])
        cols = [c.name for c in cursor.description]
        statements = [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]
        cursor.execute(FLOOR_SQL["claims"], [[s["id"] for s in statements]])
        cols = [c.name for c in cursor.description]
        claims = [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]
        cursor.execute(FLOOR_SQL["citations"], [[c["id"] for c in claims]])
        cols = [c.name for c in cursor.description]
        citations = [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]
        cursor.execute(FLOOR_SQL["counterclaims"], [[c["id"] for c in claims]])
        cols = [c.name for c in cursor.description]
        counterclaims = [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]
    by_claim: dict[int, list] = {}
    for citation in citations:
        by_claim.setdefault(citation["claim_id"], []).append(citation)
    by_statement: dict[int, list] = {}
    statement_incident = {s["id"]: s["incident_id"] for s in statements}
    for claim in claims:
        claim["citations"] = by_claim.get(claim["id"], [])
        by_statement.setdefault(claim["statement_id"], []).append(claim)
    for statement in statements:
        statement["claims"] = by_statement.get(statement["id"], [])
        incidents[statement["incident_id"]].setdefault("statements", []).append(statement)
    claim_incident = {c["id"]: statement_incident[c["statement_id"]] for c in claims}
    for pair in counterclaims:
        incidents[claim_incident[pair["claim_a_id"]]].setdefault("counterclaims", []).append(pair)
    return orjson.dumps({"next": None, "results": [incidents[i] for i in ids]})


def cursor_at(offset: int) -> str:
    from django.db import connection

    from tracker.api.pagination import IncidentChangePagination

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xid, incident_id FROM tracker_incidentchange"
            " ORDER BY xid, incident_id OFFSET %s LIMIT 1",
            [offset - 1],
        )
        xid, last = cursor.fetchone()
    return IncidentChangePagination().encode_cursor((xid, last))


def export_claims_csv(client: Any) -> tuple[int, float, float]:
    """Rows, seconds and peak RSS growth (MiB) of streaming the whole claims CSV."""
    import psutil

    process = psutil.Process()
    baseline = process.memory_info().rss
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.02)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    started = time.perf_counter()
    response = client.get("/feeds/claims.csv")
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    return lines - 1, elapsed, (peak - baseline) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 incidents instead of 100,000")
    parser.add_argument("--repeat", type=int, default=0, help="samples per measurement")
    args = parser.parse_args()
    n = 10_000 if args.quick else 100_000
    repeat = args.repeat or (30 if args.quick else 50)
    _configure()
    from django.test import Client

    seed(n)
    client = Client(HTTP_HOST="localhost")
    url = f"/api/v1/incidents/?page_size={PAGE}"
    assert client.get(url).status_code == 200

    deep_page = min(1000, n // PAGE - 1)  # the quick run has only 200 pages
    deep_cursor = cursor_at(PAGE * (deep_page - 1))
    from tracker.models import IncidentChange

    middle = IncidentChange.objects.order_by("changed_at")[n // 2].changed_at
    since = f"{url}&updated_since={middle.isoformat().replace('+', '%2B')}&type=shelling"
    print(
        f"incidents list, floor, cursor page {deep_page:,}, filtered updated_since page:"
        f" {repeat} samples each, in turn …",
        flush=True,
    )
    samples = timed(
        {
            "api": lambda: client.get(url).content,
            "floor": floor_page,
            "deep": lambda: client.get(f"{url}&cursor={deep_cursor}").content,
            "filtered": lambda: client.get(since).content,
        },
        repeat,
    )
    api, floor, deep, filtered = (samples[k] for k in ("api", "floor", "deep", "filtered"))
    print("claims CSV export …", flush=True)
    rows, seconds, memory = export_claims_csv(client)

    def row(name: str, samples: list[float], ratio: str = "", goal: str = "") -> str:
        median, p95 = percentile(samples, 50), percentile(samples, 95)
        return f"| {name} | {median:.1f} | {p95:.1f} | {ratio} | {goal} |"

    base = percentile(api, 50)
    table = "\n".join(
        [
            "| measurement | p50 ms | p95 ms | ratio | goal |",
            "|---|---:|---:|---:|---|",
            row("floor: raw SQL + orjson, same page", floor, "1.00"),
            row(
                "`GET /api/v1/incidents/` page 1",
                api,
                f"{base / percentile(floor, 50):.2f} × floor",
                "≤ 2 × floor",
            ),
            row(
                f"cursor page {deep_page:,}",
                deep,
                f"{percentile(deep, 50) / base:.2f} × page 1",
                "≤ 1.2 × page 1",
            ),
            row(
                "`updated_since` (middle) + `type` filter",
                filtered,
                f"{percentile(filtered, 50) / base:.2f} × page 1",
            ),
        ]
    )
    summary = f"""## API (`bench/api.py{" --quick" if args.quick else ""}`)

{n:,} incidents, {rows:,} claims; pages of {PAGE} whole incidents; {repeat} samples each, the four
measurements taken in turn.

{table}

Claims CSV export: {rows:,} rows in {seconds:.1f} s = **{rows / seconds:,.0f} rows/s**, peak
memory growth {memory:.1f} MiB (RSS, sampled every 20 ms).
"""
    print(summary)
    from bench.report import write_section

    write_section("api", summary)
    print("written to docs/benchmarks.md")


if __name__ == "__main__":
    main()
