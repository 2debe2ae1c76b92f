"""What a feed entry keeps besides its text: enclosures and thumbnails (links, never
downloaded), the entry's categories, and every feed the story appeared in. Plus sites without a
feed: a listing page read with a CSS selector."""

import pytest

from tests.plugins.feed_server import FEEDS
from tracker.enums import FeedFormat, FetchOutcome
from tracker.ingest.parse import parse_feed
from tracker.models import Feed, Source, SourceAppearance
from tracker.services.feeds import feed_fetch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_article_pages")]

GUARDIAN = "data/feeds/rss2/guardian-us.rss"
STORY = "https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord"


def _fetch(server, path: str, **fields: object) -> Feed:
    feed = Feed.objects.create(url=server.url(path), **fields)
    assert feed_fetch(feed=feed).log.outcome in {FetchOutcome.OK, FetchOutcome.PARSED_LENIENTLY}
    return feed


def test_podcast_enclosure_kept_with_type_and_size(server):
    _fetch(server, "data/feeds/rss2/bbc-in-our-time.xml")
    source = Source.objects.get(url="http://www.bbc.co.uk/programmes/m000sjxt")
    assert source.enclosures == [
        {
            "url": "http://open.live.bbc.co.uk/mediaselector/6/redir/version/2.0/mediaset/"
            "audio-nondrm-download/proto/http/vpid/p097wt5b.mp3",
            "type": "audio/mpeg",
            "length": 50496000,
            "rel": "enclosure",
        }
    ]


def test_media_rss_thumbnails_and_contents_kept(server):
    _fetch(server, GUARDIAN)
    media = Source.objects.get(url=STORY).enclosures
    assert [m["rel"] for m in media] == ["enclosure", "enclosure"]
    assert [m["url"].split("?w=")[1][:3] for m in media] == ["140", "460"]
    _fetch(server, "data/feeds/rss2/bbc-urdu-utf8.xml")
    thumbnails = [
        m for s in Source.objects.filter(feed__url__contains="urdu") for m in s.enclosures
    ]
    assert thumbnails
    assert {m["rel"] for m in thumbnails} == {"thumbnail"}
    assert all(m["url"].startswith("http://c.files.bbci.co.uk/") for m in thumbnails)


def test_json_feed_images_and_attachments_parsed():
    parsed = parse_feed((FEEDS / "jsonfeed/gofeed-version-1.1.json").read_bytes())
    assert parsed.entries[0].enclosures == [
        {
            "url": "https://sample-json-feed.com/attachment",
            "type": "audio/mpeg",
            "length": 100,
            "rel": "enclosure",
        },
        {
            "url": "https://sample-json-feed.com/image.png",
            "type": "",
            "length": None,
            "rel": "thumbnail",
        },
        {
            "url": "https://sample-json-feed.com/banner_image.png",
            "type": "",
            "length": None,
            "rel": "thumbnail",
        },
    ]
    doc = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": "1", '
        b'"url": "https://x.example/1", "attachments": [{"url": "https://x.example/a.mp3", '
        b'"mime_type": "audio/mpeg", "size_in_bytes": 1234}, {"url": "javascript:alert(1)"}]}]}'
    )
    assert parse_feed(doc).entries[0].enclosures == [
        {"url": "https://x.example/a.mp3", "type": "audio/mpeg", "length": 1234, "rel": "enclosure"}
    ]


def test_lenient_path_keeps_enclosures():
    broken = (
        b'<rss version="2.0"><channel><title>t & broken</title><item><title>a</title>'
        b"<link>https://x.example/a</link>"
        b'<enclosure url="https://x.example/a.mp4" type="video/mp4" length="99"/></item>'
        b"</channel></rss>"
    )
    parsed = parse_feed(broken)
    assert parsed.parser == "feedparser"
    assert parsed.entries[0].enclosures == [
        {"url": "https://x.example/a.mp4", "type": "video/mp4", "length": 99, "rel": "enclosure"}
    ]


def test_categories_kept(server):
    _fetch(server, GUARDIAN)
    assert Source.objects.get(url=STORY).tags[:3] == [
        "Donald Trump",
        "State of the Union address",
        "US news",
    ]


def test_every_feed_a_story_appeared_in_is_kept(server):
    first = _fetch(server, GUARDIAN)
    second = _fetch(server, "gzip/" + GUARDIAN)
    source = Source.objects.get(url=STORY)
    assert source.feed == first
    assert list(source.appearances.values_list("feed", flat=True)) == [second.pk]
    assert SourceAppearance.objects.count() == Source.objects.count() == 55
    feed_fetch(feed=Feed.objects.get(pk=second.pk))  # seen again: still one row per feed
    assert SourceAppearance.objects.count() == 55


LISTING = b"""<!doctype html><html lang="hy"><head><title>Ministry news</title>
<base href="/mod/"></head><body>
<nav><a href="/about">About</a></nav>
<ul class="news">
  <li><h3><a href="2022/09/13-border">Border clashes overnight</a></h3><p>teaser</p></li>
  <li><h3><a href="https://mod.example/2022/09/14-ceasefire"> Cease-fire
      holds </a></h3></li>
  <li><h3><a href="2022/09/13-border">Border clashes overnight</a></h3></li>
  <li><h3>No link here</h3></li>
  <li><h3><a href="javascript:void(0)">Share</a></h3></li>
</ul></body></html>"""


def test_a_listing_page_with_a_selector_becomes_a_feed(server):
    server.overrides["/mod/news"] = (LISTING, "text/html; charset=utf-8")
    feed = _fetch(server, "mod/news", scrape_selector="ul.news h3")
    assert feed.format == FeedFormat.HTML
    assert feed.title == "Ministry news"
    rows = list(Source.objects.order_by("url").values_list("url", "title", "language"))
    assert rows == [
        (server.url("mod/2022/09/13-border"), "Border clashes overnight", "hy"),
        ("https://mod.example/2022/09/14-ceasefire", "Cease-fire holds", "hy"),
    ]
    # A second poll of the same page (no 304: the cache is ignored) stores nothing twice.
    Feed.objects.filter(pk=feed.pk).update(ignore_cache=True)
    log = feed_fetch(feed=feed).log
    assert (log.entries_new, log.entries_unchanged) == (0, 2)


def test_a_selector_that_matches_nothing_is_an_error_in_words(server):
    server.overrides["/mod/news"] = (LISTING, "text/html")
    feed = Feed.objects.create(url=server.url("mod/news"), scrape_selector="article h2 a")
    log = feed_fetch(feed=feed).log
    assert log.outcome == FetchOutcome.ERROR
    assert log.error == (
        f"the article link selector 'article h2 a' matched nothing on {server.url('mod/news')}"
    )
    feed.scrape_selector = "li h3"
    feed.save()
    assert Source.objects.count() == 0


def test_a_listing_page_is_fetched_under_the_address_policy(server):
    feed = Feed.objects.create(
        url=f"http://127.0.0.2:{server.port}/mod/news", scrape_selector="ul.news h3"
    )
    log = feed_fetch(feed=feed).log
    assert log.outcome == FetchOutcome.ERROR
    assert "127.0.0.2 is not public" in log.error
    assert server.requests == []
