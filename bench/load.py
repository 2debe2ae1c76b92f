"""Bounded load on the app as deployed: gunicorn with `make run`'s settings (2 workers of 4
threads) and a real Celery worker, on loopback, each phase bounded in time and requests.

  1. floor: CLIENTS threads GET a static file, served by WhiteNoise inside the same gunicorn;
  2. public page alone: CLIENTS threads GET the public incident page with If-None-Match, as a
     CDN or reverse proxy revalidating its copy does;
  3. mixed, at once: READERS threads cycle through the public page (conditional), the public
     API list and the editorial incident page (logged in); EDITORS threads PATCH incidents
     through the API with a write token, each its own draft, each write carrying the version it read
     (a lost update would show as a 409); and the Celery worker fetches feeds served by a local
     HTTP server, each enqueued every second with conditional GETs off, racing each other.
Then the database is checked: every draft holds exactly its last acknowledged write and its
version counts every write; every feed entry is one source; no more fetch logs than fetches.
Clients keep their connection open (HTTP/1.1 keep-alive), as a proxy in front would.

    .venv/bin/python bench/load.py            # 8 + 8 + 20 s, 8 clients, 6 readers, 3 editors
    .venv/bin/python bench/load.py --quick    # 4 + 4 + 6 s, 4 clients, 3 readers, 2 editors
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.setup import django_with_database  # noqa: E402 - after the path is set

DB_NAME = "counterclaim_bench_load"
FEEDS = ROOT / ".." / "shared" / "data" / "feeds"
FEED_FILES = ["rss2/guardian-us.rss", "rss1/science-twis-rdf.rss", "atom/heise-developer.atom"]
STATIC_FILE = "/static/tracker/app.css"
MAX_REQUESTS_PER_THREAD = 20000
STORM_PERIOD = 1.0
ROUNDS = 4
# Goals (docs/benchmarks.md): the public page revalidated at half the static floor's rate or
# better, and editorial writes whose p99 stays within ten times their p50 under the mixed load.
PUBLIC_OVER_FLOOR_GOAL = 0.5
WRITE_P99_OVER_P50_GOAL = 10.0


def _configure() -> None:
    os.environ["COUNTERCLAIM_API_RATE_ANON"] = "100000000/minute"
    os.environ["COUNTERCLAIM_API_RATE_TOKEN"] = "100000000/minute"  # noqa: S105 - a rate
    os.environ["COUNTERCLAIM_API_RATE_USER"] = "100000000/minute"
    os.environ["COUNTERCLAIM_FETCH_ALLOW_NETWORKS"] = "127.0.0.1/32"
    os.environ["COUNTERCLAIM_FETCH_ARTICLE_PAGES"] = "0"
    django_with_database(DB_NAME, data_dir="bench-load")


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _seed(editors: int) -> dict:
    """Fresh rows: the demo incident (published, for readers), a draft copy per editor (edits
    to a published incident wait for approval; a draft's apply at once), users, a write token,
    a session."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from tracker.demo.load import demo_load
    from tracker.enums import EditorialState, TokenScope
    from tracker.models import Incident
    from tracker.services.api_tokens import api_token_create

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_incident, tracker_source, tracker_feed, tracker_party,"
            " tracker_conflict, tracker_outlet, auth_user CASCADE"
        )
    demo_load()
    Incident.objects.update(state=EditorialState.PUBLISHED)
    published = Incident.objects.get()
    drafts = {}
    for n in range(editors):
        draft = Incident.objects.get(pk=published.pk)
        draft.pk = None
        draft.state = EditorialState.DRAFT
        draft.title = f"{published.title} (draft {n + 1})"
        draft.save()
        drafts[draft.pk] = draft.version
    editor = User.objects.create_user("load-editor", password=os.urandom(8).hex())
    editor.groups.add(Group.objects.get(name="Editor"))
    _, key = api_token_create(user=editor, name="load", scope=TokenScope.WRITE, created_by=editor)
    session = SessionStore()
    session[SESSION_KEY] = str(editor.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = editor.get_session_auth_hash()
    session.create()
    return {
        "incident": published.pk,
        "drafts": drafts,
        "token": key,
        "session": session.session_key,
    }


@dataclass
class Recorder:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float, error: str = "", status: int = 0) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[kind][status] += 1
            if error:
                self.errors.append(f"{kind}: {error}")


class Client:
    """One keep-alive connection per thread; reconnects when the server closed it."""

    def __init__(self, port: int, rec: Recorder) -> None:
        self.port, self.rec = port, rec
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(
        self,
        kind: str,
        path: str,
        *,
        method: str = "GET",
        body: dict | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> tuple[int, dict[str, str], bytes] | None:
        data = json.dumps(body).encode() if body is not None else None
        sent = {**(headers or {}), **({"Content-Type": "application/json"} if data else {})}
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, OSError) as exc:
                # Once more on a new connection: the server may have closed an idle one.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    self.rec.add(kind, time.perf_counter() - started, repr(exc))
                    return None
        status = response.status
        error = "" if status in ok else f"HTTP {status} on {path}: {payload[:200]!r}"
        self.rec.add(kind, time.perf_counter() - started, error, status)
        return status, dict(response.getheaders()), payload


def _loop(until: float, step: Callable[[int], object]) -> None:
    for n in range(MAX_REQUESTS_PER_THREAD):
        if time.monotonic() > until:
            return
        step(n)


def _static(port: int, rec: Recorder, until: float) -> None:
    client = Client(port, rec)
    _loop(until, lambda n: client.call("floor: static file", STATIC_FILE))


def _public(port: int, seed: dict, rec: Recorder, until: float, kind: str) -> None:
    """Revalidates like a CDN: sends the ETag it holds, takes the new one on a 200."""
    client = Client(port, rec)
    path = f"/p/incidents/{seed['incident']}/"
    etag = {"If-None-Match": seed["etag"]}

    def step(n: int) -> None:
        answer = client.call(kind, path, headers=etag, ok=(200, 304))
        if answer is not None and answer[0] == 200:
            etag["If-None-Match"] = answer[1].get("ETag", "")

    _loop(until, step)


def _reader(port: int, seed: dict, rec: Recorder, until: float) -> None:
    client = Client(port, rec)
    cookie = {"Cookie": f"sessionid={seed['session']}"}
    public = f"/p/incidents/{seed['incident']}/"
    etag = {"If-None-Match": seed["etag"]}

    def step(n: int) -> None:
        if n % 3 == 0:
            answer = client.call("public page (conditional)", public, headers=etag, ok=(200, 304))
            if answer is not None and answer[0] == 200:
                etag["If-None-Match"] = answer[1].get("ETag", "")
        elif n % 3 == 1:
            client.call("public API list", "/api/v1/incidents/")
        else:
            client.call("editorial page", f"/incidents/{seed['incident']}/", headers=cookie)

    _loop(until, step)


def _editor(port: int, seed: dict, pk: int, rec: Recorder, until: float, done) -> None:
    """Edits its own draft incident through the API, sending the version it last read."""
    client = Client(port, rec)
    auth = {"Authorization": f"Token {seed['token']}"}
    version = seed["drafts"][pk]

    def step(n: int) -> None:
        nonlocal version
        title = f"Load write {n} to incident {pk}"
        answer = client.call(
            "API write",
            f"/api/v1/incidents/{pk}/",
            method="PATCH",
            body={"version": version, "title": title},
            headers=auth,
        )
        if answer is not None and answer[0] == 200:
            version = json.loads(answer[2])["version"]
            done[pk] = (title, version)

    _loop(until, step)


def _storm(feed_ids: list[int], until: float, enqueued: list[int]) -> None:
    """Enqueue every feed's fetch each STORM_PERIOD, conditional GETs off, so the worker parses
    whole feeds throughout and its two processes race on the same feeds."""
    from django.db import connection

    from tracker.models import Feed
    from tracker.tasks.ingest import fetch_feed

    try:
        while time.monotonic() < until:
            for feed_id in feed_ids:
                Feed.objects.filter(pk=feed_id).update(etag="", last_modified="")
                fetch_feed.delay(feed_id=feed_id)
                enqueued.append(feed_id)
            time.sleep(STORM_PERIOD)
    finally:
        connection.close()


def _run(threads: list[threading.Thread]) -> float:
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _start(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed argv
            argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until(check: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{what} did not come up in {seconds:.0f} s")


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    finally:
        conn.close()


def _queue_empty() -> bool:
    from amqp.exceptions import ChannelError

    from config.celery import app

    with app.connection_for_write() as conn:
        try:
            channel: Any = conn.default_channel  # kombu's Channel: its stub is the abstract one
            return channel.queue_declare("celery", passive=True).message_count == 0
        except ChannelError:  # Redis drops an empty list: no queue is an empty queue
            return True


def _drain() -> None:
    """Wait for the worker to finish the storm: queue empty and the fetch log count still."""
    from tracker.models import FetchLog

    last, still_since = -1, time.monotonic()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        count = FetchLog.objects.count()
        if count != last:
            last, still_since = count, time.monotonic()
        elif _queue_empty() and time.monotonic() - still_since > 2:
            return
        time.sleep(0.3)


def _table(rec: Recorder, elapsed: float, floor_rate: float) -> list[str]:
    lines = [
        "| traffic | requests | statuses | req/s | p50 ms | p95 ms | p99 ms | req/s ÷ floor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, values in sorted(rec.latency.items()):
        rate = len(values) / elapsed
        statuses = ", ".join(f"{n}× {code}" for code, n in sorted(rec.statuses[kind].items()))
        lines.append(
            f"| {kind} | {len(values)} | {statuses} | {rate:.0f} | {_pct(values, 0.5):.1f} | "
            f"{_pct(values, 0.95):.1f} | {_pct(values, 0.99):.1f} | {rate / floor_rate:.2f}× |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    alone, mixed, clients, readers, editors = (4, 6, 4, 3, 2) if args.quick else (8, 20, 8, 6, 3)
    _configure()
    from django.conf import settings

    from tracker.management.commands.runstack import stack_commands
    from tracker.models import FetchLog, Incident, Source
    from tracker.services.feeds import feed_create

    print("seeding…", flush=True)
    seed = _seed(editors)
    files = ThreadingHTTPServer(
        ("127.0.0.1", 0),
        lambda *a, **k: _QuietFiles(*a, directory=str(FEEDS.resolve()), **k),
    )
    threading.Thread(target=files.serve_forever, daemon=True).start()
    feeds_base = f"http://127.0.0.1:{files.server_address[1]}"
    feed_ids = [feed_create(url=f"{feeds_base}/{name}")[0].pk for name in FEED_FILES]

    data = Path(settings.DATA_DIR)
    port = _free_port()
    commands = stack_commands(port=port, workers=2, data=data)
    log = data / "bench-load.log"
    log.write_bytes(b"")
    web, worker = _start(commands["web"], log), _start(commands["worker"], log)
    try:
        _wait_until(lambda: _healthy(port), "gunicorn")
        from config.celery import app

        _wait_until(lambda: bool(app.control.ping(timeout=1)), "the Celery worker")
        print(f"gunicorn on :{port} and a Celery worker are up; floor for {alone} s…", flush=True)
        # The copy a CDN holds: every client starts from it, as edge nodes of one CDN would.
        first = Client(port, Recorder()).call("seed", f"/p/incidents/{seed['incident']}/")
        seed["etag"] = first[1]["ETag"] if first is not None else ""

        # Floor and public page in alternating short rounds, so that a change in the
        # machine's other load (it is shared) weighs on both alike.
        floor, public = Recorder(), Recorder()
        floor_s = public_s = 0.0
        for _ in range(ROUNDS):
            until = time.monotonic() + alone / ROUNDS
            floor_s += _run(
                [
                    threading.Thread(target=_static, args=(port, floor, until))
                    for _ in range(clients)
                ]
            )
            until = time.monotonic() + alone / ROUNDS
            public_s += _run(
                [
                    threading.Thread(
                        target=_public, args=(port, seed, public, until, "public page alone")
                    )
                    for _ in range(clients)
                ]
            )
        floor_rate = len(floor.latency["floor: static file"]) / floor_s
        public_rate = len(public.latency["public page alone"]) / public_s
        print(
            f"floor {floor_rate:.0f} req/s; public page alone {public_rate:.0f} req/s "
            f"({dict(public.statuses['public page alone'])}); mixed load…",
            flush=True,
        )

        rec = Recorder()
        until = time.monotonic() + mixed
        done: dict[int, tuple[str, int]] = {}
        enqueued: list[int] = []
        threads = [
            threading.Thread(target=_reader, args=(port, seed, rec, until)) for _ in range(readers)
        ]
        threads += [
            threading.Thread(target=_editor, args=(port, seed, pk, rec, until, done))
            for pk in seed["drafts"]
        ]
        threads.append(threading.Thread(target=_storm, args=(feed_ids, until, enqueued)))
        elapsed = _run(threads)
        _drain()
    finally:
        _stop(web)
        _stop(worker)
        files.shutdown()

    lost = [
        pk
        for pk, (title, version) in done.items()
        if Incident.objects.filter(pk=pk, title=title, version=version).count() != 1
    ]
    sources = Source.objects.filter(feed_id__in=feed_ids)
    duplicates = sources.count() - sources.values("url").distinct().count()
    fetched = FetchLog.objects.filter(feed_id__in=feed_ids).count()
    errors = floor.errors + public.errors + rec.errors
    writes = rec.latency["API write"]
    write_spread = _pct(writes, 0.99) / _pct(writes, 0.5) if writes else float("inf")
    public_ratio = public_rate / floor_rate
    mixed_public = len(rec.latency["public page (conditional)"]) / elapsed
    total = sum(len(v) for r in (floor, public, rec) for v in r.latency.values())
    lines = [
        f"The app as deployed on loopback ({'--quick' if args.quick else 'full'}): gunicorn with "
        f"`make run`'s settings (2 workers × 4 threads) and a Celery worker (2 processes). The "
        f"floor is a static file from the same gunicorn (WhiteNoise), {clients} keep-alive "
        f"clients for {floor_s:.0f} s in {ROUNDS} rounds alternating with the public page's: "
        f"**{floor_rate:.0f} req/s**, p50 "
        f"{_pct(floor.latency['floor: static file'], 0.5):.1f} ms.",
        "",
        f"Public page alone, {clients} clients revalidating with If-None-Match for "
        f"{public_s:.0f} s: **{public_rate:.0f} req/s = {public_ratio:.2f}× the floor** "
        f"(goal ≥ {PUBLIC_OVER_FLOOR_GOAL}×: {'met' if public_ratio >= 0.5 else 'NOT met'}).",
        "",
        *_table(public, public_s, floor_rate),
        "",
        f"Mixed, {elapsed:.0f} s at once: {readers} readers (public page conditional, public API "
        f"list, editorial page logged in, in turn), {editors} API editors, and "
        f"{len(enqueued)} feed fetches enqueued for the worker. Public page under the mix: "
        f"{mixed_public:.0f} req/s = {mixed_public / floor_rate:.2f}× the floor. API write p99 "
        f"= **{write_spread:.1f}× its p50** (goal ≤ {WRITE_P99_OVER_P50_GOAL:.0f}×: "
        f"{'met' if write_spread <= WRITE_P99_OVER_P50_GOAL else 'NOT met'}).",
        "",
        *_table(rec, elapsed, floor_rate),
        "",
        f"All phases: {total} requests, **{len(errors)} errors**. Load average at the end "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: absolute times depend on what else "
        "the machine runs; the ratios against the floor, measured alongside, are the result.",
        f"Database afterwards: {len(done)} draft incidents written, {len(lost)} not holding "
        f"their last acknowledged write; {sources.count()} sources from the storm's feeds, "
        f"{duplicates} duplicates; {fetched} fetch logs for {len(enqueued)} fetches enqueued "
        f"(a fetch that finds its feed locked by another logs nothing; "
        f"{'ok' if 0 < fetched <= len(enqueued) else 'MISMATCH'}).",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    for error in errors[:10]:
        print("error:", error)
    from bench.report import write_section

    write_section("load", "## Load (bench/load.py)\n\n" + markdown)
    if errors or lost or duplicates or not 0 < fetched <= len(enqueued):
        sys.exit(1)


if __name__ == "__main__":
    main()
