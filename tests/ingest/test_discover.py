"""Feed discovery through every door that adds a feed: the add_feed command, the API and the
admin's add form, against pages served on 127.0.0.1."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.plugins.feed_server import ATOM, FEEDS, JSON, RSS, outlet_homepage, outlet_page
from tracker.enums import FetchOutcome
from tracker.models import Feed
from tracker.services.feeds import feed_fetch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_article_pages")]


def _add(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("add_feed", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_feed_given_a_feed_adds_it_as_is(server):
    out, err = _add(server.url(RSS))
    feed = Feed.objects.get()
    assert feed.url == server.url(RSS)
    assert feed.title == "The Guardian"
    assert out.startswith(f"Added feed #{feed.pk} {server.url(RSS)}")
    assert err == ""


def test_add_feed_given_a_homepage_adds_the_one_feed_it_advertises(server):
    page = outlet_homepage(server, ("application/rss+xml", "/" + RSS, "All stories"))
    _, err = _add(page)
    feed = Feed.objects.get()
    assert feed.url == server.url(RSS)
    assert feed.title == "All stories"
    assert err == f"{page} is a web page; it leads to {server.url(RSS)}\n"


def test_add_feed_given_a_page_with_several_feeds_lists_them_and_adds_the_picked_one(server):
    page = outlet_homepage(
        server,
        ("application/rss+xml", "/" + RSS, "RSS"),
        ("application/atom+xml", server.url(ATOM), "Atom"),
        ("application/feed+json", "../" + JSON, "JSON"),
    )
    with pytest.raises(CommandError) as caught:
        _add(page)
    assert str(caught.value) == (
        f"{page} is a web page that advertises 3 feeds:\n"
        f"  1. {server.url(RSS)}  (RSS: RSS)\n"
        f"  2. {server.url(ATOM)}  (Atom: Atom)\n"
        f"  3. {server.url(JSON)}  (JSON Feed: JSON)\n"
        "Run again with one of these URLs, or with --pick N."
    )
    assert Feed.objects.count() == 0
    _add(page, "--pick", "3")
    assert list(Feed.objects.values_list("url", flat=True)) == [server.url(JSON)]


def test_add_feed_falls_back_to_the_common_feed_paths(server):
    server.overrides["/blog/"] = (outlet_page(""), "text/html")
    server.overrides["/feed"] = ((FEEDS / "rss2/cloudflare-blog.xml").read_bytes(), "text/xml")
    _add(server.url("blog/"))
    assert Feed.objects.get().url == server.url("feed")
    assert "/rss" in [path for path, _ in server.requests]  # the paths were tried in turn


def test_add_feed_refuses_a_page_without_feed_in_words(server):
    server.overrides["/plain/"] = (outlet_page(""), "text/html")
    with pytest.raises(CommandError, match="an HTML page that advertises no feed, and none of"):
        _add(server.url("plain/"))
    server.overrides["/logo.png"] = (b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
    with pytest.raises(CommandError, match=r"not a feed and not a web page \(image/png, 72 bytes"):
        _add(server.url("logo.png"))
    assert Feed.objects.count() == 0


def test_add_feed_refuses_an_address_the_policy_blocks(server):
    # 127.0.0.2 is loopback outside the suite's allowed 127.0.0.1/32.
    with pytest.raises(CommandError, match=r"address 127\.0\.0\.2 is not public"):
        _add(f"http://127.0.0.2:{server.port}/{RSS}")
    assert server.requests == []
    with pytest.raises(CommandError, match=r"HTTP 404 from http://127\.0\.0\.1:\d+/status/404$"):
        _add(server.url("status/404"))
    assert Feed.objects.count() == 0


def test_add_feed_of_an_unreachable_address_registers_it_with_a_note(server):
    _, err = _add(server.url("status/503"))
    assert Feed.objects.get().url == server.url("status/503")
    assert err.startswith("added without checking: HTTP 503")


def _admin_form(url: str) -> dict[str, str]:
    """The admin's add form as a browser posts it, with URL and defaults elsewhere."""
    return {
        "url": url,
        "title": "",
        "tags": "",
        "poll_interval": "00:15:00",
        "extra_headers": "{}",
        "fetch_full_page": "on",
        "fetch_logs-TOTAL_FORMS": "0",
        "fetch_logs-INITIAL_FORMS": "0",
    }


def test_admin_add_form_offers_the_discovered_feeds(server, admin_client):
    page = outlet_homepage(
        server, ("application/rss+xml", "/" + RSS, "R"), ("application/atom+xml", "/" + ATOM, "A")
    )
    form = _admin_form(page)
    response = admin_client.post("/admin/tracker/feed/add/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is a web page, not a feed. It advertises 2 feeds" in html
    assert f'type="radio" name="discovered_feed" value="{server.url(ATOM)}"' in html
    assert Feed.objects.count() == 0
    response = admin_client.post(
        "/admin/tracker/feed/add/", {**form, "discovered_feed": server.url(ATOM)}
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert (feed.url, feed.title) == (server.url(ATOM), "Sam Ruby")


def test_a_feed_that_became_a_page_says_which_feed_it_advertises(server):
    page = outlet_homepage(server, ("application/atom+xml", "/" + ATOM, "Atom"))
    feed = Feed.objects.create(url=page)
    log = feed_fetch(feed=feed).log
    assert log.outcome == FetchOutcome.ERROR
    assert log.error == f"not a feed: an HTML page; it advertises the feed {server.url(ATOM)}"
    feed.refresh_from_db()
    assert feed.last_error == log.error


def test_admin_add_form_normalises_the_address_and_keeps_credentials_apart(server, admin_client):
    url = server.url("auth/data/feeds/rss2/guardian-us.rss")
    typed = url.replace("http://127.0.0.1", "HTTP://reader:s3cret%20pass@127.0.0.1") + "#top"
    form = _admin_form(typed)
    response = admin_client.post("/admin/tracker/feed/add/", form)
    assert response.status_code == 302
    feed = Feed.objects.get()
    # Discovery sent the credentials (the feed was recognised, its title taken).
    assert (feed.url, feed.basic_auth, feed.title) == (url, "reader:s3cret pass", "The Guardian")
    page = admin_client.get(f"/admin/tracker/feed/{feed.pk}/change/").content.decode()
    assert "user &#x27;reader&#x27;, password set" in page
    assert "s3cret" not in page


def test_add_feed_refuses_malformed_addresses_in_words():
    for url in ("http://[::1/", "http://a:99999/"):
        with pytest.raises(CommandError, match="Not a valid address"):
            _add(url)
    assert Feed.objects.count() == 0
