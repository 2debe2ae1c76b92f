"""Bounded concurrent load on loopback: readers, editors and a feed fetch storm at once.

For a fixed short time (and at most a fixed number of requests per thread):
  - READERS threads GET the public API list, the public incident page and the editorial
    incident page (logged in) from the app served by a threaded WSGI server on 127.0.0.1;
  - EDITORS threads PATCH claims through the API with a write token, each editor on its own
    claims, each write carrying the version it read (so a lost update would show as a 409);
  - FETCHERS threads run the feed fetch on feeds served by a local HTTP server, the same feeds
    over and over (conditional GETs off), so fetches of one feed race each other.
Then the database is checked: every claim holds exactly its last acknowledged write and its
version counts every write; every feed entry is one source; one fetch log per fetch that ran.
The floor is /healthz (one SELECT 1 and a PING) measured alone in the same run.

    .venv/bin/python bench/load.py            # 20 s, 8 readers, 3 editors, 3 fetchers
    .venv/bin/python bench/load.py --quick    # 5 s, 4 readers, 2 editors, 2 fetchers
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.setup import django_with_database  # noqa: E402 - after the path is set

DB_NAME = "counterclaim_bench_load"
FEEDS = ROOT / ".." / "shared" / "data" / "feeds"
MAX_REQUESTS_PER_THREAD = 5000


def _configure() -> None:
    os.environ["COUNTERCLAIM_API_RATE_ANON"] = "100000000/minute"
    os.environ["COUNTERCLAIM_API_RATE_TOKEN"] = "100000000/minute"  # noqa: S105 - a rate
    os.environ["COUNTERCLAIM_API_RATE_USER"] = "100000000/minute"
    os.environ["COUNTERCLAIM_FETCH_ALLOW_NETWORKS"] = "127.0.0.1/32"
    os.environ["COUNTERCLAIM_FETCH_ARTICLE_PAGES"] = "0"
    # The WSGI server here starts a thread per request: connections must close with it.
    os.environ["COUNTERCLAIM_DB_CONN_MAX_AGE"] = "0"
    django_with_database(DB_NAME, data_dir="bench-load")


class _ThreadedWSGI(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietWSGIHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _serve(server) -> str:  # type: ignore[no-untyped-def]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def _seed() -> dict:
    """Fresh rows: the demo incident (published), users, a write token, the storm's feeds."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from tracker.demo.load import demo_load
    from tracker.enums import EditorialState, TokenScope
    from tracker.models import Claim, Incident
    from tracker.services.api_tokens import api_token_create

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_incident, tracker_source, tracker_feed, tracker_party,"
            " tracker_conflict, tracker_outlet, auth_user CASCADE"
        )
    demo_load()
    Incident.objects.update(state=EditorialState.PUBLISHED)
    editor = User.objects.create_user("load-editor", password=os.urandom(8).hex())
    editor.groups.add(Group.objects.get(name="Editor"))
    _, key = api_token_create(user=editor, name="load", scope=TokenScope.WRITE, created_by=editor)
    session = SessionStore()
    session[SESSION_KEY] = str(editor.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = editor.get_session_auth_hash()
    session.create()
    return {
        "incident": Incident.objects.get().pk,
        "claims": {c.pk: c.version for c in Claim.objects.order_by("pk")},
        "token": key,
        "session": session.session_key,
    }


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def _request(url: str, *, method: str = "GET", body: dict | None = None, headers=None):  # type: ignore[no-untyped-def]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310 - loopback
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return response.status, response.read()


def _timed(rec: Recorder, kind: str, call) -> bytes | None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        status, body = call()
    except urllib.error.HTTPError as exc:
        rec.add(kind, time.perf_counter() - started, f"HTTP {exc.code}")
        return None
    except OSError as exc:
        rec.add(kind, time.perf_counter() - started, str(exc))
        return None
    rec.add(kind, time.perf_counter() - started, "" if status == 200 else f"HTTP {status}")
    return body


def _reader(base: str, seed: dict, rec: Recorder, until: float) -> None:
    cookie = {"Cookie": f"sessionid={seed['session']}"}
    pages = [
        ("api list", f"{base}/api/v1/incidents/", {}),
        ("public page", f"{base}/p/incidents/{seed['incident']}/", {}),
        ("incident page", f"{base}/incidents/{seed['incident']}/", cookie),
    ]
    for n in range(MAX_REQUESTS_PER_THREAD):
        if time.monotonic() > until:
            return
        kind, url, headers = pages[n % len(pages)]
        _timed(rec, kind, lambda u=url, h=headers: _request(u, headers=h))


def _editor(base: str, seed: dict, claims: list[int], rec: Recorder, until: float, done) -> None:  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Token {seed['token']}"}
    versions = {pk: seed["claims"][pk] for pk in claims}
    for n in range(MAX_REQUESTS_PER_THREAD):
        if time.monotonic() > until:
            return
        pk = claims[n % len(claims)]
        text = f"Load write {n} to claim {pk}."
        body = _timed(
            rec,
            "api write",
            lambda pk=pk, text=text: _request(
                f"{base}/api/v1/claims/{pk}/",
                method="PATCH",
                body={"version": versions[pk], "text": text},
                headers=auth,
            ),
        )
        if body is not None:
            versions[pk] = json.loads(body)["version"]
            done[pk] = (text, versions[pk])


def _fetcher(feed_ids: list[int], rec: Recorder, until: float, ran: list) -> None:  # type: ignore[type-arg]
    from django.db import connection

    from tracker.models import Feed
    from tracker.services.feeds import feed_fetch

    try:
        for n in range(MAX_REQUESTS_PER_THREAD):
            if time.monotonic() > until:
                return
            feed_id = feed_ids[n % len(feed_ids)]
            Feed.objects.filter(pk=feed_id).update(etag="", last_modified="")
            started = time.perf_counter()
            try:
                report = feed_fetch(feed=Feed.objects.get(pk=feed_id))
            except Exception as exc:
                rec.add("feed fetch", time.perf_counter() - started, repr(exc))
                continue
            error = "" if report is None or report.log.outcome != "error" else report.log.error
            rec.add("feed fetch", time.perf_counter() - started, error)
            if report is not None:
                ran.append(feed_id)
    finally:
        connection.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seconds, readers, editors, fetchers = (5, 4, 2, 2) if args.quick else (20, 8, 3, 3)
    _configure()
    from config.wsgi import application
    from tracker.models import FetchLog, Source
    from tracker.services.feeds import feed_create

    print("seeding…", flush=True)
    seed = _seed()
    files = ThreadingHTTPServer(
        ("127.0.0.1", 0),
        lambda *a, **k: _QuietFiles(*a, directory=str(FEEDS.resolve()), **k),
    )
    feeds_base = _serve(files)
    feed_files = ["rss2/guardian-us.rss", "rss1/science-twis-rdf.rss", "atom/heise-developer.atom"]
    feed_ids = [feed_create(url=f"{feeds_base}/{name}")[0].pk for name in feed_files]
    app = make_server("127.0.0.1", 0, application, _ThreadedWSGI, _QuietWSGIHandler)
    base = _serve(app)

    floor = Recorder()
    for _ in range(50):
        _timed(floor, "healthz", lambda: _request(f"{base}/healthz"))
    floor_p50 = _pct(floor.latency["healthz"], 0.5)
    print(f"floor /healthz p50 {floor_p50:.1f} ms; load for {seconds} s…", flush=True)

    rec = Recorder()
    until = time.monotonic() + seconds
    claims = sorted(seed["claims"])
    done: dict[int, tuple[str, int]] = {}
    ran: list[int] = []
    threads = [
        threading.Thread(target=_reader, args=(base, seed, rec, until)) for _ in range(readers)
    ]
    threads += [
        threading.Thread(target=_editor, args=(base, seed, claims[e::editors], rec, until, done))
        for e in range(editors)
    ]
    threads += [
        threading.Thread(target=_fetcher, args=(feed_ids, rec, until, ran)) for _ in range(fetchers)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    app.shutdown()
    files.shutdown()

    from tracker.models import Claim

    lost = [
        pk
        for pk, (text, version) in done.items()
        if Claim.objects.filter(pk=pk, text=text, version=version).count() != 1
    ]
    sources = Source.objects.filter(feed_id__in=feed_ids)
    duplicates = sources.count() - sources.values("url").distinct().count()
    logs = FetchLog.objects.filter(feed_id__in=feed_ids).count()
    total = sum(len(v) for v in rec.latency.values())
    lines = [
        f"Bounded load on loopback, {elapsed:.0f} s ({'--quick' if args.quick else 'full'}): "
        f"{readers} readers, {editors} API editors, {fetchers} feed fetchers at once; floor is "
        f"/healthz alone, p50 {floor_p50:.1f} ms.",
        "",
        "| traffic | requests | req/s | p50 ms | p95 ms | p99 ms | p50 / floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, values in sorted(rec.latency.items()):
        lines.append(
            f"| {kind} | {len(values)} | {len(values) / elapsed:.1f} | {_pct(values, 0.5):.1f} | "
            f"{_pct(values, 0.95):.1f} | {_pct(values, 0.99):.1f} | "
            f"{_pct(values, 0.5) / floor_p50:.1f}× |"
        )
    lines += [
        "",
        f"All traffic: {total} requests, {total / elapsed:.1f} req/s, "
        f"**{len(rec.errors)} errors**.",
        f"Database afterwards: {len(done)} claims written, {len(lost)} not holding their last "
        f"acknowledged write; {sources.count()} sources from the storm's feeds, "
        f"{duplicates} duplicates; {logs} fetch logs for {len(ran)} fetches that ran "
        f"({'exact' if logs == len(ran) else 'MISMATCH'}).",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    for error in rec.errors[:10]:
        print("error:", error)
    from bench.report import write_section

    write_section("load", "## Load (bench/load.py)\n\n" + markdown)
    if rec.errors or lost or duplicates or logs != len(ran):
        sys.exit(1)


if __name__ == "__main__":
    main()
