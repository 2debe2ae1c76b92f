"""Per-feed settings honoured by the fetch, against servers and proxies on 127.0.0.1: user
agent and extra headers (feed and article page), HTTP and SOCKS5 proxies (with credentials, and
the address policy still applied), ignore-cache, article pages on/off, keep/block rules."""

import base64

import pytest

from tests.plugins.proxies import running
from tracker.enums import FetchOutcome
from tracker.models import Feed, Source
from tracker.services.feeds import feed_fetch
from tracker.services.intake import source_fetch_page

pytestmark = pytest.mark.django_db

RSS = "data/feeds/rss2/guardian-us.rss"


def _rss(server, *items: tuple[str, str]) -> bytes:
    """A feed whose items (title, description) link to pages on SERVER."""
    body = "".join(
        f"<item><title>{title}</title><link>{server.url(f'page/{n}')}</link>"
        f"<guid>{server.url(f'page/{n}')}</guid><description>{text}</description></item>"
        for n, (title, text) in enumerate(items)
    )
    return f'<rss version="2.0"><channel><title>Desk</title>{body}</channel></rss>'.encode()


def _feed(url: str, **settings: object) -> Feed:
    return Feed.objects.create(url=url, **settings)


def test_user_agent_and_extra_headers_go_with_the_feed_and_its_article_pages(server):
    server.overrides["/desk.rss"] = (_rss(server, ("Shelling reported", "short")), "text/xml")
    article = server.url("x")[: -len("x")] + "data/articles/newspaper4k/cnn_article.html"
    feed = _feed(
        server.url("desk.rss"),
        user_agent="DeskBot/2 (+https://desk.example)",
        extra_headers={"Authorization": "Bearer k-123", "X-Desk": "caucasus"},
    )
    feed_fetch(feed=feed)
    _, sent = server.requests[-1]
    assert sent["user-agent"] == "DeskBot/2 (+https://desk.example)"
    assert (sent["authorization"], sent["x-desk"]) == ("Bearer k-123", "caucasus")
    source = Source.objects.get()
    Source.objects.filter(pk=source.pk).update(url=article)
    source_fetch_page(source=Source.objects.get(pk=source.pk))
    path, sent = server.requests[-1]
    assert path == "/data/articles/newspaper4k/cnn_article.html"
    assert (sent["user-agent"], sent["authorization"]) == (
        "DeskBot/2 (+https://desk.example)",
        "Bearer k-123",
    )
    assert Source.objects.get().snapshot_sha256


def test_ignore_cache_never_sends_validators(server, no_article_pages):
    cached = _feed(server.url(RSS))
    feed_fetch(feed=cached)
    assert feed_fetch(feed=cached).log.outcome == FetchOutcome.NOT_MODIFIED
    assert "if-none-match" in server.requests[-1][1]
    cached.delete()
    fresh = _feed(server.url(RSS), ignore_cache=True)
    feed_fetch(feed=fresh)
    log = feed_fetch(feed=fresh).log
    assert (log.outcome, log.status_code, log.entries_unchanged) == (FetchOutcome.OK, 200, 55)
    assert "if-none-match" not in server.requests[-1][1]
    assert "if-modified-since" not in server.requests[-1][1]


def test_article_pages_switch(server):
    server.overrides["/desk.rss"] = (_rss(server, ("a", "teaser"), ("b", "teaser")), "text/xml")
    on = _feed(server.url("desk.rss"))
    assert len(feed_fetch(feed=on).awaiting_page_ids) == 2
    Source.objects.all().delete()
    on.delete()
    off = _feed(server.url("desk.rss"), fetch_full_page=False)
    report = feed_fetch(feed=off)
    assert report.awaiting_page_ids == []
    assert list(Source.objects.values_list("awaiting_page", flat=True)) == [False, False]


def test_keep_and_block_rules_choose_entries_and_the_log_says_so(server, no_article_pages):
    server.overrides["/desk.rss"] = (
        _rss(
            server,
            ("Armenia says border calm", "statement"),
            ("Football results", "sport in Baku"),
            ("Weather", "rain"),
            ("Ministry statement", "<p>AZERBAIJAN reports <b>shelling</b></p>"),
            ("Azerbaijan sport news", "sport"),
        ),
        "text/xml",
    )
    feed = _feed(server.url("desk.rss"), keep_rule=r"armenia|azerbaijan", block_rule=r"\bsport\b")
    log = feed_fetch(feed=feed).log
    assert sorted(Source.objects.values_list("title", flat=True)) == [
        "Armenia says border calm",
        "Ministry statement",
    ]
    assert log.entries_new == 2
    assert log.error == "3 entries left out by the feed's keep/block rules"


def test_a_runaway_rule_keeps_the_entry_and_says_why(server, no_article_pages):
    server.overrides["/desk.rss"] = (_rss(server, ("x" * 60, "y")), "text/xml")
    feed = _feed(server.url("desk.rss"), block_rule=r"(x|xx)+z")
    log = feed_fetch(feed=feed).log
    assert Source.objects.count() == 1
    assert log.error == "1 entries kept: a rule took longer than 0.05 s"


@pytest.mark.parametrize("kind", ["http", "socks5"])
def test_feed_fetched_through_a_proxy_with_credentials(server, no_article_pages, kind):
    with running(kind) as proxy:
        feed = _feed(server.url(RSS), proxy_url=f"{kind}://desk:pa55@127.0.0.1:{proxy.port}")
        log = feed_fetch(feed=feed).log
        assert (log.outcome, log.entries_new) == (FetchOutcome.OK, 55)
        target, seen = proxy.requests[0]
    if kind == "http":
        assert target == server.url(RSS)
        assert seen["proxy-authorization"] == "Basic " + base64.b64encode(b"desk:pa55").decode()
    else:
        assert target == f"127.0.0.1:{server.port}"
        assert seen == {"username": "desk"}
    assert server.requests[-1][0] == "/" + RSS  # the origin got the request through the proxy


@pytest.mark.parametrize("kind", ["http", "socks5"])
def test_a_proxy_is_held_to_the_address_policy(server, no_article_pages, kind):
    # 127.0.0.2 is loopback outside the suite's allowed 127.0.0.1/32.
    feed = _feed(server.url(RSS), proxy_url=f"{kind}://desk:pa55@127.0.0.2:3128")
    log = feed_fetch(feed=feed).log
    assert log.outcome == FetchOutcome.ERROR
    assert "address 127.0.0.2 is not public" in log.error
    assert "pa55" not in log.error
    assert server.requests == []


def test_through_a_proxy_a_blocked_target_is_still_refused(server, no_article_pages):
    with running("http") as proxy:
        feed = _feed(
            f"http://127.0.0.2:{server.port}/{RSS}", proxy_url=f"http://127.0.0.1:{proxy.port}"
        )
        log = feed_fetch(feed=feed).log
        assert proxy.requests == []
    assert log.outcome == FetchOutcome.ERROR
    assert "127.0.0.2" in log.error
