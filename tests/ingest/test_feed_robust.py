"""Feeds nobody here wrote, through the doors an operator uses (feed_fetch as the tasks run
it, the fetch_feeds command), against the real server and database: one bad entry never costs
the feed, one bad feed never stops the others, and what servers say is obeyed."""

from datetime import timedelta
from io import StringIO

import orjson
import pytest
from django.core.management import call_command
from django.utils import timezone

from tracker.enums import FeedHealth, FetchOutcome
from tracker.models import Feed, FetchLog, Source
from tracker.services.feeds import feed_create, feed_fetch
from tracker.tasks.ingest import fetch_feed, fetch_source_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_article_pages")]

LONG_LINK = "https://example.org/story?" + "x" * 2100


def _rss(*items: str, language: str = "en") -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Poison</title>'
        f"<link>https://example.org/</link><language>{language}</language>{body}"
        "</channel></rss>"
    ).encode()


def _item(n: int, *, title: str = "", date: str = "Mon, 24 Sep 2018 10:00:00 +0000") -> str:
    return (
        f"<title>{title or f'Story {n}'}</title><link>https://example.org/{n}</link>"
        f"<pubDate>{date}</pubDate><description>Body {n}</description>"
    )


POISON = _rss(
    _item(1, title="NUL\x00in the title").replace("<description>", "<description>a\x00b"),
    f"<title>Long</title><link>{LONG_LINK}</link>",
    _item(3, date="9999-12-31T23:59:59-05:00"),
    _item(4, date="0000-01-01T00:00:00Z"),
    _item(5),
)


def _serve(server, path: str, body: bytes, content_type: str = "application/rss+xml") -> Feed:
    server.overrides[f"/{path}"] = (body, content_type)
    return feed_create(url=server.url(path))[0]


def test_poison_entries_are_cleaned_or_skipped_and_the_rest_stored(server):
    feed = _serve(server, "poison.rss", POISON)
    log = feed_fetch(feed=feed).log
    assert (log.outcome, log.entries_new) == (FetchOutcome.PARSED_LENIENTLY, 4)
    assert "1 entries skipped" in log.error
    assert "a link of 2127 characters (max 2000)" in log.error
    assert "2 entries stored without a date" in log.error
    titles = dict(Source.objects.values_list("url", "title"))
    assert titles["https://example.org/1"] == "NULin the title"
    assert Source.objects.get(url="https://example.org/3").published_at is None
    feed.refresh_from_db()
    assert feed.health == FeedHealth.OK


def test_json_feed_with_nul_and_lone_surrogate_is_stored(server):
    body = orjson.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [
                {"id": "1", "url": "https://example.org/j1", "content_text": "a\x00b"},
                {"id": "2", "url": "https://example.org/j2", "title": "ok"},
            ],
        }
    ).replace(b'"ok"', b'"bad \\ud800 surrogate"')
    feed = _serve(server, "poison.json", body, "application/feed+json")
    log = feed_fetch(feed=feed).log
    assert (log.outcome, log.entries_new) == (FetchOutcome.OK, 2)
    assert Source.objects.get(url="https://example.org/j1").text == "ab"
    assert Source.objects.get(url="https://example.org/j2").title == "bad ? surrogate"


def test_fetch_feeds_all_goes_on_past_a_poison_feed(server):
    poison = _serve(server, "poison.rss", POISON)
    good = feed_create(url=server.url("data/feeds/rss2/guardian-us.rss"))[0]
    out = StringIO()
    call_command("fetch_feeds", "--all", stdout=out)
    assert FetchLog.objects.filter(feed=poison).count() == 1
    assert FetchLog.objects.get(feed=good).entries_new == 55
    assert out.getvalue().splitlines()[-1].startswith("2 feeds: 2 fetched, 0 failed; 59 new")


def test_entries_over_the_cap_are_counted_not_read(server, settings):
    settings.COUNTERCLAIM_FETCH_MAX_ENTRIES = 10
    feed = feed_create(url=server.url("data/feeds/rss2/guardian-us.rss"))[0]
    log = feed_fetch(feed=feed).log
    assert log.entries_new == 10
    assert "45 entries over the cap of 10 per document not read" in log.error


def test_entry_cap_holds_on_the_lenient_path(server, settings):
    settings.COUNTERCLAIM_FETCH_MAX_ENTRIES = 3
    feed = _serve(server, "poison.rss", POISON)  # NUL: not well-formed, read by feedparser
    log = feed_fetch(feed=feed).log
    assert log.parser == "feedparser"
    assert "2 entries over the cap of 3" in log.error


def test_localised_dates_are_read_and_unreadable_ones_noted(server):
    pt = _rss(_item(1, date="Seg, 24 Set 2018"), language="pt-BR")
    ru = _rss(_item(2, date="23 сентября 2022"), _item(3, date="когда-нибудь"), language="ru")
    feed_fetch(feed=_serve(server, "pt.rss", pt))
    log = feed_fetch(feed=_serve(server, "ru.rss", ru)).log
    dates = dict(Source.objects.values_list("url", "published_at"))
    assert dates["https://example.org/1"].date().isoformat() == "2018-09-24"
    assert dates["https://example.org/2"].date().isoformat() == "2022-09-23"
    assert dates["https://example.org/3"] is None
    assert "1 entries stored without a date (date 'когда-нибудь' not understood)" in log.error


def test_410_gone_deactivates_the_feed_with_its_reason(server):
    feed = feed_create(url=server.url("status/410"))[0]
    feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert feed.is_active is False
    assert "HTTP 410 Gone" in feed.last_error
    assert "polling stopped" in feed.last_error


def test_retry_after_stretches_the_next_attempt(server):
    feed = feed_create(url=server.url("retry-after/503/7200"))[0]
    feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert feed.next_fetch_at - timezone.now() > timedelta(minutes=110)


def test_max_age_stretches_the_next_poll(server):
    feed = feed_create(url=server.url("max-age/3600/data/feeds/rss2/guardian-us.rss"))[0]
    feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert feed.next_fetch_at - timezone.now() > timedelta(minutes=55)


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_moves_the_feed_after_consistent_hits(server, settings, code):
    settings.COUNTERCLAIM_FEED_MOVED_AFTER = 3
    feed = feed_create(url=server.url(f"moved/{code}/data/feeds/rss2/guardian-us.rss"))[0]
    for _ in range(2):
        feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert feed.url.endswith(f"/moved/{code}/data/feeds/rss2/guardian-us.rss")
    assert feed.moved_hits == 2
    feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert feed.url == server.url("data/feeds/rss2/guardian-us.rss")
    assert feed.moved_hits == 0


def test_temporary_redirect_never_moves_the_feed(server):
    url = server.url("moved/302/data/feeds/rss2/guardian-us.rss")
    feed = feed_create(url=url)[0]
    for _ in range(4):
        feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert (feed.url, feed.moved_hits) == (url, 0)


def test_feed_credentials_are_sent_and_never_shown(server):
    url = server.url("auth/data/feeds/rss2/guardian-us.rss")
    feed = feed_create(url=url.replace("http://", "http://reader:s3cret%20pass@"))[0]
    assert feed.url == url
    log = feed_fetch(feed=feed).log
    assert (log.outcome, log.entries_new, log.url) == (FetchOutcome.OK, 55, url)


def test_feed_with_wrong_credentials_logs_no_secret(server):
    feed = feed_create(url=server.url("auth/x").replace("http://", "http://reader:hunter2@"))[0]
    log = feed_fetch(feed=feed).log
    feed.refresh_from_db()
    assert "401" in log.error
    assert "hunter2" not in log.error + log.url + feed.last_error + feed.url


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("HTTP://Example.ORG:80/feed.xml#top", "http://example.org/feed.xml"),
        ("https://example.org:443/rss?b=1&a", "https://EXAMPLE.org/rss?b=1&a"),
        ("http://münchen.de/rss", "http://xn--mnchen-3ya.de/rss"),
        ("http://[2001:DB8::1]:8080/feed", "http://[2001:db8::1]:8080/feed"),
    ],
)
def test_one_feed_cannot_be_registered_twice_under_another_spelling(first, second):
    feed, created = feed_create(url=first)
    again, created_again = feed_create(url=second)
    assert (created, created_again, again.pk) == (True, False, feed.pk)


def test_ipv6_feed_url_keeps_its_brackets():
    feed = feed_create(url="http://[2001:db8::1]:8080/feed")[0]
    assert feed.url == "http://[2001:db8::1]:8080/feed"


def test_dripping_feed_server_ends_as_a_logged_timeout(server, settings):
    settings.COUNTERCLAIM_FETCH_TOTAL_TIMEOUT = 2
    feed = feed_create(url=server.url("drip-headers"))[0]
    log = feed_fetch(feed=feed).log
    assert log.outcome == FetchOutcome.ERROR
    assert "took longer than the total time limit" in log.error


def test_fetch_tasks_have_soft_and_hard_time_limits(settings):
    for task in (fetch_feed, fetch_source_page):
        assert task.soft_time_limit == settings.COUNTERCLAIM_FETCH_TASK_SOFT_LIMIT
        assert task.time_limit == settings.COUNTERCLAIM_FETCH_TASK_HARD_LIMIT
        assert task.soft_time_limit > settings.COUNTERCLAIM_FETCH_TOTAL_TIMEOUT


def _error_of(server, path: str) -> str:
    feed = feed_create(url=server.url(path))[0]
    log = feed_fetch(feed=feed).log
    feed.refresh_from_db()
    assert (log.outcome, feed.last_error) == (FetchOutcome.ERROR, log.error)
    return log.error


def test_html_page_error_names_the_feed_it_advertises(server):
    html = (
        b"<!DOCTYPE html><html><head><title>Outlet</title>"
        b'<link rel="alternate" type="application/rss+xml" href="/news/feed.rss">'
        b'<link rel="alternate" type="application/atom+xml" href="https://example.org/a.atom">'
        b"</head><body>Home</body></html>"
    )
    server.overrides["/home"] = (html, "text/html")
    assert _error_of(server, "home") == (
        f"not a feed: an HTML page; it advertises the feed {server.url('news/feed.rss')} "
        "(and 1 more)"
    )


def test_html_page_without_feeds_says_so(server):
    error = _error_of(server, "data/feeds/malformed/node-feedparser-notafeed.html")
    assert error == "not a feed: an HTML page that advertises no feed"


def test_gzip_body_without_content_encoding_says_so(server):
    error = _error_of(server, "gzip-raw/data/feeds/rss2/guardian-us.rss")
    assert error.startswith("not a feed: the body is gzip-compressed but the server did not say")


def test_empty_body_says_so(server):
    server.overrides["/empty"] = (b"", "application/rss+xml")
    assert _error_of(server, "empty") == "not a feed: the server sent an empty body"


def test_admin_feed_page_shows_errors_and_never_the_password(server, admin_client):
    feed = feed_create(url=server.url("status/410").replace("http://", "http://ed:hunter2@"))[0]
    feed_fetch(feed=feed)
    page = admin_client.get(f"/admin/tracker/feed/{feed.pk}/change/").content.decode()
    assert "HTTP 410 Gone" in page
    assert "user &#x27;ed&#x27;, password set" in page
    assert "hunter2" not in page


def test_ipv6_entry_link_keeps_its_brackets(server):
    body = _rss("<title>v6</title><link>http://[2001:DB8::1]:8080/story?id=1</link>")
    feed_fetch(feed=_serve(server, "v6.rss", body))
    assert Source.objects.get().url == "http://[2001:db8::1]:8080/story?id=1"
