"""Benchmark of ingest: feeds → Sources through the whole path, against bare feedparser.

Builds a corpus from the good feeds in ../shared/data/feeds (RSS 2.0, RSS 1.0, Atom),
repeated with distinct GUIDs and links (every URL's host gets a copy prefix) until it holds N
entries, writes it to disk and serves it from a separate HTTP server process on 127.0.0.1 with
ETags. Then, in a child process per corpus size (so peak memory is that run's own):

  1. the full pipeline: fetch → parse → normalise → dedupe → sanitise → write, per feed, into
     PostgreSQL (its own database), entries/s;
  2. bare feedparser parsing the same bytes from memory, entries/s (the floor), and the ratio;
  3. a second run over the same corpus, now answered with 304s: time as a share of run 1, and
     the rows it wrote (only FetchLog rows may appear);
  4. re-ingesting the same bytes without validators: rows created (must be 0).

    .venv/bin/python bench/ingest.py            # 5,000 and 20,000 entries
    .venv/bin/python bench/ingest.py --quick    # 1,000 and 5,000 entries
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.setup import django_with_database  # noqa: E402 - after the path is set

FEEDS = ROOT / ".." / "shared" / "data" / "feeds"
DB_NAME = "counterclaim_bench_ingest"
# JSON Feed is left out: feedparser cannot read it, so it has no floor to compare with.
SOURCE_DIRS = ["rss2", "rss1", "atom"]
_URL = re.compile(rb"(https?)://")
# Namespace names are identifiers, not links: a copy must keep them or it is another format.
_NAMESPACE = re.compile(rb'(xmlns(?::[\w.-]+)?=["\']https?://)c\d+\.')


# --- Corpus and server ----------------------------------------------------------------------------
def _good_feeds() -> list[tuple[str, bytes, int]]:
    import feedparser

    from tracker.ingest.model import FeedParseError
    from tracker.ingest.parse import parse_feed

    good = []
    for folder in SOURCE_DIRS:
        for path in sorted((FEEDS / folder).iterdir()):
            data = path.read_bytes()
            try:
                count = len(parse_feed(data).entries)
            except FeedParseError:
                continue
            if count and len(feedparser.parse(data).entries) == count:
                good.append((f"{folder}-{path.name}", data, count))
    return good


def build_corpus(target: int, folder: Path) -> tuple[int, int]:
    """Write copies of the good feeds into FOLDER until TARGET entries. (files, entries)."""
    good = _good_feeds()
    files = entries = copy = 0
    while entries < target:
        for name, data, count in good:
            if entries >= target:
                break
            # A copy prefix on every host: distinct links and URL-shaped GUIDs in each copy.
            body = _URL.sub(lambda m, c=copy: m.group(0) + b"c%d." % c, data)
            body = _NAMESPACE.sub(rb"\1", body)
            (folder / f"c{copy:03d}-{name}").write_bytes(body)
            files += 1
            entries += count
        copy += 1
    return files, entries


def serve(folder: Path) -> None:
    """Static files with ETag / Last-Modified and 304s (run in its own process).

    A lean asyncio server with the files held in memory: it stands in for remote feed servers,
    whose own cost is not the pipeline's. (Python's http.server spent about 1 ms of CPU per
    request parsing headers with the email package, on the same two cores as the pipeline.)"""
    last_modified = formatdate(1_700_000_000, usegmt=True).encode()
    files = {}
    for path in folder.iterdir():
        stat = path.stat()
        kind = b"application/feed+json" if path.suffix == ".json" else b"application/xml"
        etag = b'"%x-%x"' % (stat.st_mtime_ns, stat.st_size)
        files[b"/" + path.name.encode()] = (etag, kind, path.read_bytes())

    def answer(head: bytes) -> bytes:
        lines = head.split(b"\r\n")
        target = lines[0].split(b" ")[1] if len(lines[0].split(b" ")) == 3 else b""
        found = files.get(target)
        if found is None:
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        etag, kind, body = found
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"if-none-match" and value.strip() == etag:
                return b"HTTP/1.1 304 Not Modified\r\nETag: %s\r\nContent-Length: 0\r\n\r\n" % etag
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\nETag: %s\r\n"
            b"Last-Modified: %s\r\n\r\n" % (kind, len(body), etag, last_modified)
        ) + body

    class Protocol(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport
            self.buffer = b""
            sock = transport.get_extra_info("socket")
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while b"\r\n\r\n" in self.buffer:
                head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
                self.transport.write(answer(head))  # type: ignore[attr-defined]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Protocol, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


# --- One measured run (child process) -----------------------------------------------------------
def _configure() -> None:
    os.environ["COUNTERCLAIM_FETCH_ALLOW_NETWORKS"] = "127.0.0.1/32"
    os.environ["COUNTERCLAIM_FETCH_ARTICLE_PAGES"] = "0"
    django_with_database(DB_NAME, data_dir="bench-ingest")


def _progress(label: str, done: int, total: int) -> None:
    print(f"\r  {label}: {done}/{total} feeds", end="", file=sys.stderr, flush=True)


def child(folder: Path, port: int) -> dict:
    _configure()
    import feedparser
    from django.db import connection

    from tracker.models import Feed, FetchLog, Source
    from tracker.services.feeds import feed_create, feed_fetch

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_fetchlog, tracker_sourceevent, tracker_source, tracker_feed CASCADE"
        )
    names = sorted(p.name for p in folder.iterdir())
    feeds = [feed_create(url=f"http://127.0.0.1:{port}/{name}")[0] for name in names]

    def run(label: str) -> float:
        started = time.perf_counter()
        for index, feed in enumerate(feeds):
            feed_fetch(feed=feed)
            if index % 25 == 0:
                _progress(label, index, len(feeds))
        _progress(label, len(feeds), len(feeds))
        print(file=sys.stderr)
        return time.perf_counter() - started

    pipeline_s = run("pipeline")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = Source.objects.count()
    events = _count("tracker_sourceevent")

    entries = 0
    started = time.perf_counter()
    for name in names:
        entries += len(feedparser.parse((folder / name).read_bytes()).entries)
    feedparser_s = time.perf_counter() - started

    logs_before = FetchLog.objects.count()
    not_modified_s = run("304 run")
    rows_after_304 = Source.objects.count()
    events_after_304 = _count("tracker_sourceevent")
    logs_304 = FetchLog.objects.count() - logs_before

    Feed.objects.update(etag="", last_modified="")
    reingest_s = run("same bytes again")
    rows_after_reingest = Source.objects.count()
    grouped = Source.objects.exclude(near_duplicate_of=None).count()
    return {
        "feeds": len(feeds),
        "entries": entries,
        "rows": rows,
        "grouped": grouped,
        "history_events": events,
        "pipeline_s": pipeline_s,
        "feedparser_s": feedparser_s,
        "not_modified_s": not_modified_s,
        "rows_written_by_304": (rows_after_304 - rows) + (events_after_304 - events),
        "fetch_logs_by_304": logs_304,
        "reingest_s": reingest_s,
        "rows_created_by_reingest": rows_after_reingest - rows_after_304,
        "peak_mb": peak_mb,
    }


def _count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchone()[0]


# --- Driver ---------------------------------------------------------------------------------------
def measure(target: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        folder = Path(tmp)
        sys.path.insert(0, str(ROOT))
        files, entries = build_corpus(target, folder)
        print(f"corpus: {entries} entries in {files} feed documents", file=sys.stderr)
        server = subprocess.Popen(  # noqa: S603 - this script, fixed arguments
            [sys.executable, __file__, "--serve", str(folder)], stdout=subprocess.PIPE, text=True
        )
        try:
            port = int(server.stdout.readline())  # type: ignore[union-attr]
            out = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--child", str(folder), str(port)],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            )
        finally:
            server.terminate()
            server.wait(10)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(results: dict[int, dict]) -> str:
    big = results[max(results)]
    rate = lambda n, s: n / s if s else 0.0  # noqa: E731
    lines = [
        "## Ingest (`bench/ingest.py`)",
        "",
        "Corpus: the good feeds of `../shared/data/feeds` (RSS 2.0, RSS 1.0, Atom; JSON Feed "
        "is left out because feedparser, the floor, cannot read it), "
        "repeated with distinct GUIDs and links, one feed document per HTTP request from a "
        "local server. Pipeline = fetch → parse (lxml fast path, feedparser fallback, JSON) → "
        "normalise → near-duplicate grouping → nh3 sanitising → language → batched writes "
        "with history triggers, one transaction per feed. Floor = `feedparser.parse` on the "
        "same bytes already in memory (no HTTP, no database).",
        "",
        "| entries | feeds | pipeline entries/s | feedparser entries/s | ratio | 304 run / run 1 "
        "| rows written by 304 run | rows created re-ingesting | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sorted(results):
        r = results[size]
        p, f = rate(r["entries"], r["pipeline_s"]), rate(r["entries"], r["feedparser_s"])
        lines.append(
            f"| {r['entries']:,} | {r['feeds']:,} | {p:,.0f} | {f:,.0f} | {p / f:.2f}× "
            f"| {r['not_modified_s'] / r['pipeline_s']:.1%} | {r['rows_written_by_304']} "
            f"(+{r['fetch_logs_by_304']} fetch logs) | {r['rows_created_by_reingest']} "
            f"| {r['peak_mb']:.0f} MB |"
        )
    lines += [
        "",
        f"At {big['entries']:,} entries: {big['rows']:,} Source rows, of which {big['grouped']:,} "
        f"grouped as near-duplicates of an earlier copy; {big['history_events']:,} history "
        f"events; pipeline {big['pipeline_s']:.1f} s, feedparser {big['feedparser_s']:.1f} s, "
        f"304 run {big['not_modified_s']:.1f} s, same bytes again {big['reingest_s']:.1f} s.",
        "Goals: pipeline ≥ 1× feedparser; 304 run ≤ 10 % of run 1 with no writes but the "
        "fetch log; re-ingest creates 0 rows; peak memory flat as the corpus grows.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 5,000 entries")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    if args.child:
        print(json.dumps(child(Path(args.child[0]), int(args.child[1]))))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    sizes = [1_000, 5_000] if args.quick else [5_000, 20_000]
    results = {}
    for size in sizes:
        print(f"== {size:,} entries", file=sys.stderr)
        results[size] = measure(size)
        print(json.dumps(results[size], indent=1), file=sys.stderr)
    markdown = report(results)
    print(markdown)
    from bench.report import write_section

    write_section("ingest", markdown)


if __name__ == "__main__":
    main()
