"""Servers that break HTTP or XML in ways no test server of the happy path does: a redirect
loop, an endless chunked body, a Content-Length that lies either way, a 304 to a request that
sent no validator, a feed served as text/html, UTF-16 with a BOM, an entity bomb, a feed whose
every entry fails. Each fetch ends with a fetch-log row that says in words how it ended, and a
good feed fetched right after is untouched."""

import gzip
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from tests.plugins.feed_server import DATA
from tracker.enums import FeedHealth, FetchOutcome
from tracker.ingest import lenient
from tracker.models import Feed, FetchLog, Source
from tracker.services.feeds import feed_fetch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_article_pages")]

GUARDIAN = (DATA / "feeds/rss2/guardian-us.rss").read_bytes()
ONE_ITEM = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    b"<item><title>One</title><link>https://news.example.org/1</link></item></channel></rss>"
)


def _head(status: str, *headers: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *headers, "Connection: close", "", ""])).encode()


def _redirect_loop(conn: socket.socket, path: str) -> None:
    other = "/loop-b" if path == "/loop-a" else "/loop-a"
    conn.sendall(_head("301 Moved Permanently", f"Location: {other}", "Content-Length: 0"))


def _endless_chunks(conn: socket.socket, path: str) -> None:
    conn.sendall(_head("200 OK", "Content-Type: application/rss+xml", "Transfer-Encoding: chunked"))
    chunk = b"<!-- " + b"x" * 65000 + b" -->"
    while True:
        conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def _length_short(conn: socket.socket, path: str) -> None:
    """Declares more than it sends, then hangs up."""
    body = GUARDIAN[:5000]
    head = _head("200 OK", "Content-Type: application/rss+xml", "Content-Length: 90000")
    conn.sendall(head + body)


def _length_long(conn: socket.socket, path: str) -> None:
    """Declares less than it sends: the rest is garbage after the message."""
    conn.sendall(
        _head("200 OK", "Content-Type: application/rss+xml", f"Content-Length: {len(ONE_ITEM)}")
        + ONE_ITEM
        + b"<item>trailing garbage the client must not read as this response</item>" * 100
    )


def _unasked_304(conn: socket.socket, path: str) -> None:
    conn.sendall(_head("304 Not Modified", "Content-Length: 0"))


def _html_type(conn: socket.socket, path: str) -> None:
    conn.sendall(
        _head("200 OK", "Content-Type: text/html", f"Content-Length: {len(ONE_ITEM)}") + ONE_ITEM
    )


def _utf16(conn: socket.socket, path: str) -> None:
    body = GUARDIAN.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = body.encode("utf-16")  # with its BOM
    conn.sendall(
        _head("200 OK", "Content-Type: application/xml", f"Content-Length: {len(data)}") + data
    )


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE rss ['
    b'<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (chr(98 + n).encode(), (b"&" + chr(97 + n).encode() + b";") * 10)
        for n in range(9)
    )
    + b']><rss version="2.0"><channel><title>&j;</title>'
    b"<item><title>&j;</title><link>https://news.example.org/bomb</link></item></channel></rss>"
)


def _bomb(conn: socket.socket, path: str) -> None:
    head = _head("200 OK", "Content-Type: application/rss+xml", f"Content-Length: {len(BOMB)}")
    conn.sendall(head + BOMB)


ALL_BAD = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Bad</title>'
    + b"".join(
        b"<item><title>no link %d</title><description>none</description></item>" % n
        for n in range(5)
    )
    + b"</channel></rss>"
)


def _all_bad(conn: socket.socket, path: str) -> None:
    conn.sendall(
        _head("200 OK", "Content-Type: application/rss+xml", f"Content-Length: {len(ALL_BAD)}")
        + ALL_BAD
    )


# 200 MB of zeros in about 200 KB: decompressed, far over any byte cap.
GZIP_BOMB = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)


def _gzip_bomb(conn: socket.socket, path: str) -> None:
    conn.sendall(
        _head(
            "200 OK",
            "Content-Type: application/rss+xml",
            "Content-Encoding: gzip",
            f"Content-Length: {len(GZIP_BOMB)}",
        )
        + GZIP_BOMB
    )


def _corrupt_gzip(conn: socket.socket, path: str) -> None:
    body = b"\x1f\x8b\x08\x00this is not deflate data at all" * 10
    conn.sendall(
        _head(
            "200 OK",
            "Content-Type: application/rss+xml",
            "Content-Encoding: gzip",
            f"Content-Length: {len(body)}",
        )
        + body
    )


def _bad_status_line(conn: socket.socket, path: str) -> None:
    conn.sendall(b"HTCPCP/1.0 418 I'm a teapot, not HTTP\r\n\r\n<rss/>")


def _hang_up(conn: socket.socket, path: str) -> None:
    """Reads the request and closes without a byte of answer."""


# Malformed (so only feedparser reads it), and a tag soup: one good entry, then 30,000 tags.
TAG_SOUP = (
    b'<rss version="2.0"><channel><title>Soup</title>'
    b"<item><title>Before</title><link>https://news.example.org/soup</link></item>"
    b"<item><title>" + b"<b>" * 30_000 + b"</title></item></channel></rss>"
)


def _tag_soup(conn: socket.socket, path: str) -> None:
    head = _head("200 OK", "Content-Type: application/rss+xml", f"Content-Length: {len(TAG_SOUP)}")
    conn.sendall(head + TAG_SOUP)


ROUTES: dict[str, Callable[[socket.socket, str], None]] = {
    "/tag-soup": _tag_soup,
    "/gzip-bomb": _gzip_bomb,
    "/corrupt-gzip": _corrupt_gzip,
    "/bad-status": _bad_status_line,
    "/hang-up": _hang_up,
    "/loop-a": _redirect_loop,
    "/loop-b": _redirect_loop,
    "/endless": _endless_chunks,
    "/length-short": _length_short,
    "/length-long": _length_long,
    "/unasked-304": _unasked_304,
    "/html-type": _html_type,
    "/utf16": _utf16,
    "/bomb": _bomb,
    "/all-bad": _all_bad,
}


def _serve(listener: socket.socket) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_answer, args=(conn,), daemon=True).start()


def _answer(conn: socket.socket) -> None:
    with conn:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            path = request.split(b" ", 2)[1].decode()
            ROUTES[path](conn, path)
        except OSError:
            pass  # the client hung up, as it should on the endless body


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    """Base URL of a raw-socket server on 127.0.0.1 that answers each path its own bad way."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    threading.Thread(target=_serve, args=(listener,), daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


@pytest.fixture
def short_limits(settings):  # type: ignore[no-untyped-def]
    settings.COUNTERCLAIM_FETCH_TOTAL_TIMEOUT = 3
    settings.COUNTERCLAIM_FETCH_MAX_BYTES = 2 * 1024 * 1024
    return settings


def _fetch_then_a_good_feed(server, url: str) -> FetchLog:  # type: ignore[no-untyped-def]
    """Fetch URL as a feed, then a good feed; the good one must be stored whole."""
    feed = Feed.objects.create(url=url)
    report = feed_fetch(feed=feed)
    assert report is not None
    logs = list(FetchLog.objects.filter(feed=feed))
    assert len(logs) == 1, "every fetch leaves exactly one log row"
    good = Feed.objects.create(url=server.url("data/feeds/rss2/guardian-us.rss"))
    good_log = feed_fetch(feed=good).log
    assert (good_log.outcome, good_log.entries_new) == (FetchOutcome.OK, 55)
    return logs[0]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/loop-a", "redirects"),
        ("/endless", "byte cap"),
        ("/length-short", "reading"),
        ("/gzip-bomb", "byte cap"),
        ("/corrupt-gzip", "reading"),
        ("/bad-status", "cannot fetch"),
        ("/hang-up", "cannot fetch"),
    ],
)
def test_broken_transfers_end_as_errors_in_words(server, hostile, short_limits, path, words):
    log = _fetch_then_a_good_feed(server, hostile + path)
    assert log.outcome == FetchOutcome.ERROR
    assert words in log.error, log.error
    feed = Feed.objects.get(url=hostile + path)
    assert feed.last_error == log.error
    assert feed.consecutive_failures == 1


def test_content_length_shorter_than_the_body_reads_only_the_declared_message(server, hostile):
    log = _fetch_then_a_good_feed(server, hostile + "/length-long")
    assert (log.outcome, log.entries_new) == (FetchOutcome.OK, 1)
    assert Source.objects.filter(url="https://news.example.org/1").exists()


def test_a_304_to_a_request_without_validators_is_an_error_in_words(server, hostile):
    log = _fetch_then_a_good_feed(server, hostile + "/unasked-304")
    assert log.outcome == FetchOutcome.ERROR
    assert "304 Not Modified" in log.error, log.error
    assert "sent no validator" in log.error


def test_a_feed_served_as_text_html_is_still_read(server, hostile):
    log = _fetch_then_a_good_feed(server, hostile + "/html-type")
    assert (log.outcome, log.entries_new) == (FetchOutcome.OK, 1), log.error


def test_utf16_feed_with_a_bom_is_read(server, hostile):
    feed = Feed.objects.create(url=hostile + "/utf16")
    log = feed_fetch(feed=feed).log
    assert (log.outcome, log.entries_new) == (FetchOutcome.OK, 55), log.error
    assert Feed.objects.get(pk=feed.pk).title == "The Guardian"


def test_an_entity_bomb_is_never_expanded_and_the_log_says_why(server, hostile):
    """The DOCTYPE goes unread (tracker.ingest.xmlguard): its entities are undefined names,
    kept as text by the lenient parser and named in the log, never expanded."""
    log = _fetch_then_a_good_feed(server, hostile + "/bomb")
    assert log.outcome == FetchOutcome.PARSED_LENIENTLY
    assert "undefined entity" in log.error, log.error
    assert log.duration_ms < 2000
    bomb = Source.objects.get(url="https://news.example.org/bomb")
    assert "aaaa" not in bomb.title
    assert len(bomb.title) < 10


def test_a_feed_whose_every_entry_fails_says_so_and_is_not_healthy(server, hostile):
    log = _fetch_then_a_good_feed(server, hostile + "/all-bad")
    assert log.entries_new == 0
    assert "5 entries skipped" in log.error, log.error
    assert Feed.objects.get(url=hostile + "/all-bad").health != FeedHealth.OK


@pytest.mark.django_db(transaction=True)
def test_a_fetch_stopped_by_the_task_time_limit_leaves_a_log_row(server, settings):
    """Celery's soft time limit is a signal (SIGUSR1 in the worker process) whose handler
    raises SoftTimeLimitExceeded wherever the task is: here, mid-read from a server that drips
    its headers under a deadline far away. Outside a transaction, as in a worker."""
    settings.COUNTERCLAIM_FETCH_TOTAL_TIMEOUT = 30

    def soft_limit(signum: int, frame: object) -> None:
        raise SoftTimeLimitExceeded

    previous = signal.signal(signal.SIGUSR1, soft_limit)
    timer = threading.Timer(1.0, os.kill, args=(os.getpid(), signal.SIGUSR1))
    try:
        feed = Feed.objects.create(url=server.url("drip-headers"))
        timer.start()
        started = time.monotonic()
        log = feed_fetch(feed=feed).log
    finally:
        timer.cancel()
        signal.signal(signal.SIGUSR1, previous)
    assert time.monotonic() - started < 5
    assert log.outcome == FetchOutcome.ERROR
    assert log.error == "stopped: the task's time limit passed"
    assert Feed.objects.get(pk=feed.pk).last_error == log.error


def test_a_tag_soup_gets_the_lenient_parsers_budget_and_no_more(server, hostile, monkeypatch):
    """feedparser's loose parser costs ≈ 0.08 ms a tag: a document is cut at a budget of tags
    (lowered here from 100,000 so the test stays short), the entries before the cut kept."""
    monkeypatch.setattr(lenient, "LENIENT_MAX_TAGS", 5_000)
    log = _fetch_then_a_good_feed(server, hostile + "/tag-soup")
    assert log.outcome == FetchOutcome.PARSED_LENIENTLY
    assert "only its first 5,000 tags read (the lenient parser's budget)" in log.error, log.error
    assert Source.objects.filter(url="https://news.example.org/soup").exists()
