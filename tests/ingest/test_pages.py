"""Article pages: fetched where the feed has only a summary, text extracted, raw page archived."""

import hashlib
import json
import zlib
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command

from tests.plugins.feed_server import DATA
from tracker.ingest.extract import canonical_for
from tracker.models import Feed, Source
from tracker.services.feeds import feed_create, feed_fetch
from tracker.services.intake import source_fetch_page
from tracker.text.html import main_text as extract_text

CNN = DATA / "articles/newspaper4k/cnn_article.html"


def _feed_linking_to(server, path: str) -> Feed:
    body = (
        '<rss version="2.0"><channel><title>t</title><item><title>Thanksgiving weather</title>'
        f"<link>{server.url(path)}</link><description>Short teaser.</description></item>"
        "</channel></rss>"
    ).encode()
    server.overrides["/teaser.xml"] = (body, "application/rss+xml")
    return feed_create(url=server.url("teaser.xml"))[0]


@pytest.mark.django_db
def test_summary_only_entry_gets_page_text_and_snapshot(server):
    server.overrides["/page/cnn"] = (CNN.read_bytes(), "text/html; charset=utf-8")
    report = feed_fetch(feed=_feed_linking_to(server, "page/cnn"))
    source = Source.objects.get()
    assert report.awaiting_page_ids == [source.pk]
    assert source.text == "Short teaser."
    archived = source_fetch_page(source=source)
    raw = CNN.read_bytes()
    assert zlib.decompress(archived.snapshot) == raw
    assert archived.snapshot_sha256 == hashlib.sha256(raw).hexdigest()
    assert archived.snapshot_retrieved_at is not None
    assert archived.awaiting_page is False
    expected = (DATA / "articles/newspaper4k/cnn_article.txt").read_text()
    assert expected.split("\n")[0][:60] in archived.text
    assert archived.language == "en"
    # The page (served from 127.0.0.1) names a canonical address on cnn.com: refused.
    assert archived.url == server.url("page/cnn")
    assert archived.page_error == (
        "canonical ignored: http://www.cnn.com/2013/11/27/travel/weather-thanksgiving/index.html"
        " is not on the page's own domain (127.0.0.1)"
    )
    assert archived.content_hash != hashlib.sha256(b"Short teaser.").hexdigest()


@pytest.mark.django_db
def test_page_fetch_failure_keeps_feed_text_and_records_error(server):
    feed_fetch(feed=_feed_linking_to(server, "status/404"))
    source = Source.objects.get()
    assert source_fetch_page(source=source) is None
    source.refresh_from_db()
    assert (source.text, source.awaiting_page) == ("Short teaser.", False)
    assert source.page_error == f"HTTP 404 from {server.url('status/404')}"
    assert source.snapshot is None


@pytest.mark.django_db
def test_page_that_is_not_html_is_not_archived(server):
    server.overrides["/page/pdf"] = (b"%PDF-1.4", "application/pdf")
    feed_fetch(feed=_feed_linking_to(server, "page/pdf"))
    source = Source.objects.get()
    source_fetch_page(source=source)
    source.refresh_from_db()
    assert source.page_error.startswith("not an HTML page: application/pdf")


def test_extraction_finds_expected_text_of_trafilatura_eval_pages():
    """Measured against the 'with' / 'without' snippets of trafilatura's own evaluation set."""
    folder = DATA / "articles/trafilatura"
    cases = json.loads((folder / "evaldata-subset.json").read_text())
    found = missing_ok = total_with = total_without = 0
    for url, case in cases.items():
        text = extract_text((folder / case["file"]).read_bytes(), url=url)
        found += sum(snippet in text for snippet in case["with"])
        missing_ok += sum(snippet not in text for snippet in case["without"])
        total_with += len(case["with"])
        total_without += len(case["without"])
    assert (found, total_with) == (33, 33)
    assert (missing_ok, total_without) == (33, 34)


def _page_with_canonical(server, href: str) -> Source:
    html = CNN.read_bytes().replace(
        b"<head>", b'<head><link rel="canonical" href="' + href.encode() + b'">', 1
    )
    server.overrides["/page/canon"] = (html, "text/html; charset=utf-8")
    feed_fetch(feed=_feed_linking_to(server, "page/canon"))
    return source_fetch_page(source=Source.objects.get())


@pytest.mark.django_db
def test_canonical_on_the_same_host_is_honoured(server):
    # CNN's own canonical link comes later in the head: the first one counts.
    source = _page_with_canonical(server, server.url("stories/thanksgiving"))
    assert (source.url, source.page_error) == (server.url("stories/thanksgiving"), "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("href", "why"),
    [
        ("https://www.reuters.com/world/story", "is not on the page's own domain"),
        ("/stories/thanksgiving", "is not an absolute http(s) URL"),
        ("http://exa mple.org/x", "is malformed"),
        ("javascript:alert(1)", "is not an absolute http(s) URL"),
    ],
)
def test_foreign_relative_or_malformed_canonical_keeps_the_entry_url(server, href, why):
    source = _page_with_canonical(server, href)
    assert source.url == server.url("page/canon")
    assert source.page_error.startswith("canonical ignored: ")
    assert why in source.page_error


@pytest.mark.parametrize(
    ("page", "canonical", "same"),
    [
        ("https://www.bbc.co.uk/news/1", "https://bbc.co.uk/news/1", True),
        ("https://news.example.org/a", "https://www.example.org/a", True),
        ("https://alice.github.io/a", "https://bob.github.io/a", False),
        ("https://example.co.uk/a", "https://other.co.uk/a", False),
        ("https://reuters.com.evil.example/a", "https://reuters.com/a", False),
    ],
)
def test_registrable_domain_is_public_suffix_aware(page, canonical, same):
    assert (canonical_for(page, canonical)[0] != "") is same


@pytest.mark.django_db
def test_article_pages_of_one_host_are_fetched_a_slot_apart(server, settings):
    """fetch_feeds --pages (and the page task) wait for the host's slot: three new stories on
    one host are fetched at least COUNTERCLAIM_PAGE_HOST_INTERVAL apart."""
    settings.COUNTERCLAIM_PAGE_HOST_INTERVAL = 1
    items = "".join(
        f"<item><title>Story {n}</title><link>{server.url(f'page/{n}')}</link>"
        "<description>Short teaser.</description></item>"
        for n in range(3)
    )
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    server.overrides["/three.xml"] = (body, "application/rss+xml")
    for n in range(3):
        server.overrides[f"/page/{n}"] = (CNN.read_bytes(), "text/html; charset=utf-8")
    feed_create(url=server.url("three.xml"))
    call_command("fetch_feeds", "--all", "--pages", stdout=StringIO())
    pages = [
        t
        for (path, _), t in zip(server.requests, server.arrivals, strict=True)
        if path.startswith("/page/")
    ]
    assert len(pages) == 3
    assert all(b - a >= 0.95 for a, b in pairwise(pages))
