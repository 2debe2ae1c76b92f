"""Rows 3-4: hostile XML (entity bombs, XXE, external DTD) and hostile bodies (gzip bomb, over
the cap, a server that drips one byte a second), served by a real server on loopback and run
through the whole feed fetch."""

import contextlib
import gzip
import resource
import time
import tracemalloc

import pytest
from django.db import connection

from tests.plugins.hostile_servers import Route
from tracker.enums import FeedHealth, FetchOutcome
from tracker.ingest.model import FeedParseError
from tracker.ingest.parse import parse_feed
from tracker.models import Feed, FetchLog, Source
from tracker.services.feeds import feed_create, feed_entry_drafts, feed_fetch, feed_lock

ITEM = (
    "<item><title>{title}</title><link>http://127.0.0.1/a/{n}</link>"
    "<guid>urn:item:{n}</guid><description>{body}</description></item>"
)


def _rss(doctype: str, title: str, body: str = "plain") -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<rss version="2.0"><channel><title>t</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>"
        f"{ITEM.format(title=title, n=1, body=body)}</channel></rss>"
    ).encode()


BILLION_LAUGHS = _rss(
    '<!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>",
    "&lol9;",
)
QUADRATIC = _rss('<!DOCTYPE rss [<!ENTITY a "' + "a" * 50_000 + '">]>', "q", "&a;" * 40_000)


# An expanded bomb runs for minutes; a neutralised one for well under a second on an idle machine.
# The bound tells the two apart with room for a loaded machine: it is a safety check, not a speed
# target (those are in bench/).
BOUNDED = 10.0


def _measured_fetch(feed: Feed, body: bytes):  # type: ignore[no-untyped-def]
    """feed_fetch with its wall time and its extra memory: the growth of the process's resident
    high-water mark (which sees lxml's C allocations too) and, from a second parse of the same
    body under tracemalloc (too slow to time), the Python heap's peak."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    report = feed_fetch(feed=feed)
    elapsed = time.monotonic() - started
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    tracemalloc.start()
    with contextlib.suppress(FeedParseError):
        drafts, _ = feed_entry_drafts(
            parse_feed(body, url=feed.url, content_type="application/rss+xml", charset=""),
            feed_url=feed.url,
        )
        for draft in drafts:  # completed as the upsert completes them
            draft.record()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return report, elapsed, max(peak, rss_growth)


def _everything_stored() -> str:
    rows = [
        *Source.objects.values_list("title", "summary", "text"),
        *FetchLog.objects.values_list("error", "url"),
        *Feed.objects.values_list("title", "last_error"),
    ]
    return "\n".join(str(value) for row in rows for value in row)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "body"), [("billion-laughs", BILLION_LAUGHS), ("quadratic", QUADRATIC)]
)
def test_entity_bomb_neutralised_fast_and_small(name, body, hostile, no_article_pages):
    hostile.routes[f"/{name}.rss"] = Route(body)
    feed, _ = feed_create(url=hostile.url(f"{name}.rss"))
    report, elapsed, extra = _measured_fetch(feed, body)
    assert elapsed < BOUNDED
    assert extra < 50 * 1024 * 1024
    stored = _everything_stored()
    assert "lollol" not in stored
    assert "a" * 1000 not in stored
    assert report.log.outcome in {FetchOutcome.ERROR, FetchOutcome.PARSED_LENIENTLY}
    assert Source.objects.count() <= 1


@pytest.mark.django_db
def test_xxe_local_file_never_read(hostile, tmp_path, no_article_pages):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER-4711")
    body = _rss(f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>', "leak: &xxe;", "&xxe;")
    hostile.routes["/xxe.rss"] = Route(body)
    feed, _ = feed_create(url=hostile.url("xxe.rss"))
    report, elapsed, _ = _measured_fetch(feed, body)
    assert elapsed < BOUNDED
    assert "TOP-SECRET-MARKER" not in _everything_stored()
    assert report.log.outcome in {FetchOutcome.ERROR, FetchOutcome.PARSED_LENIENTLY, "ok"}


@pytest.mark.django_db
def test_external_dtd_and_parameter_entity_never_fetched(hostile, no_article_pages):
    hostile.routes["/evil.dtd"] = Route(
        b'<!ENTITY leak "DTD-WAS-LOADED">', {"Content-Type": "text/plain"}
    )
    doctype = (
        f'<!DOCTYPE rss SYSTEM "{hostile.url("evil.dtd")}" '
        f'[<!ENTITY % remote SYSTEM "{hostile.url("evil.dtd")}"> %remote;]>'
    )
    body = _rss(doctype, "x &leak;")
    hostile.routes["/dtd.rss"] = Route(body)
    feed, _ = feed_create(url=hostile.url("dtd.rss"))
    _, elapsed, _ = _measured_fetch(feed, body)
    assert elapsed < BOUNDED
    assert hostile.requests == ["/dtd.rss"]
    assert "DTD-WAS-LOADED" not in _everything_stored()


def _lock_is_free(feed_id: int) -> bool:
    with feed_lock(feed_id) as acquired:
        return acquired


@pytest.mark.django_db
def test_gzip_bomb_cut_at_cap(hostile, settings, no_article_pages):
    settings.COUNTERCLAIM_FETCH_MAX_BYTES = 1024 * 1024
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100 * 1024
    hostile.routes["/bomb.rss"] = Route(bomb, {"Content-Encoding": "gzip"})
    feed, _ = feed_create(url=hostile.url("bomb.rss"))
    report, elapsed, extra = _measured_fetch(feed, b"")
    assert elapsed < BOUNDED
    assert extra < 50 * 1024 * 1024
    assert report.log.outcome == FetchOutcome.ERROR
    assert report.log.error == f"{hostile.url('bomb.rss')} sent more than the 1048576-byte cap"
    feed.refresh_from_db()
    assert (feed.health, feed.last_error) == (FeedHealth.DEGRADED, report.log.error)
    assert Source.objects.count() == 0
    assert _lock_is_free(feed.pk)


@pytest.mark.django_db
def test_body_over_cap_cut(server, settings, no_article_pages):
    settings.COUNTERCLAIM_FETCH_MAX_BYTES = 1024 * 1024
    feed, _ = feed_create(url=server.url("huge"))
    log = feed_fetch(feed=feed).log
    assert (log.outcome, log.error) == (
        FetchOutcome.ERROR,
        f"{server.url('huge')} sent more than the 1048576-byte cap",
    )
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_one_byte_per_second_cut_at_total_timeout_and_worker_free(
    hostile, server, settings, no_article_pages
):
    settings.COUNTERCLAIM_FETCH_TOTAL_TIMEOUT = 3
    settings.COUNTERCLAIM_FETCH_READ_TIMEOUT = 2
    hostile.routes["/drip.rss"] = Route(BILLION_LAUGHS[:200] * 10, drip=1.0)
    feed, _ = feed_create(url=hostile.url("drip.rss"))
    started = time.monotonic()
    log = feed_fetch(feed=feed).log
    assert 3.0 <= time.monotonic() - started < 5.0
    assert (log.outcome, log.error) == (
        FetchOutcome.ERROR,
        f"{hostile.url('drip.rss')} took longer than the total time limit",
    )
    assert _lock_is_free(feed.pk)
    # The same process (a worker) fetches the next feed at once, with the same connection.
    good, _ = feed_create(url=server.url("data/feeds/rss2/guardian-us.rss"))
    assert feed_fetch(feed=good).log.entries_new == 55
    connection.ensure_connection()
