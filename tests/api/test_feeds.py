"""The feeds API: editors add a feed from any address (a page's feeds are offered), change
its fetch settings, and discover a page's feeds; credentials are never returned."""

import pytest

from tests.plugins.feed_server import ATOM, JSON, RSS, outlet_homepage
from tracker.models import Feed

pytestmark = pytest.mark.django_db


def test_api_adds_from_a_homepage_and_offers_several(server, editor_api):
    one = outlet_homepage(server, ("application/atom+xml", "/" + ATOM, "Atom"))
    response = editor_api.post("/api/v1/feeds/", {"url": one}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["url"] == server.url(ATOM)
    assert response.json()["note"] == f"{one} is a web page; it leads to {server.url(ATOM)}"
    # The same feed again: present, 200.
    assert editor_api.post("/api/v1/feeds/", {"url": one}, format="json").status_code == 200
    several = outlet_homepage(
        server, ("application/rss+xml", "/" + RSS, "R"), ("application/feed+json", "/" + JSON, "J")
    )
    response = editor_api.post("/api/v1/feeds/", {"url": several}, format="json")
    assert response.status_code == 400
    assert response.json()["candidates"] == [
        {"url": server.url(RSS), "title": "R", "kind": "RSS"},
        {"url": server.url(JSON), "title": "J", "kind": "JSON Feed"},
    ]
    assert "advertises 2 feeds" in response.json()["url"][0]
    response = editor_api.post("/api/v1/feeds/discover/", {"url": several}, format="json")
    assert response.status_code == 200
    assert [c["url"] for c in response.json()["candidates"]] == [server.url(RSS), server.url(JSON)]
    assert response.json()["feed_url"] == ""


def test_api_feeds_are_for_editors_only(server, api, read_key):
    assert api.get("/api/v1/feeds/").status_code in {401, 403}
    api.credentials(HTTP_AUTHORIZATION=f"Token {read_key}")
    assert api.post("/api/v1/feeds/", {"url": server.url(RSS)}, format="json").status_code == 403


def test_api_settings_are_validated_and_credentials_never_returned(server, editor_api):
    response = editor_api.post(
        "/api/v1/feeds/",
        {
            "url": server.url(RSS),
            "extra_headers": {"Authorization": "Bearer s3cret"},
            "proxy_url": "socks5://desk:pa55@127.0.0.1:1080",
            "keep_rule": "armenia|azerbaijan",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "s3cret" not in response.content.decode()
    assert "pa55" not in response.content.decode()
    assert body["extra_header_names"] == ["Authorization"]
    assert body["proxy"] == "socks5://desk:***@127.0.0.1:1080"
    assert body["keep_rule"] == "armenia|azerbaijan"
    feed_id = body["id"]
    bad = editor_api.patch(
        f"/api/v1/feeds/{feed_id}/",
        {"keep_rule": "(unclosed", "proxy_url": "ftp://x", "extra_headers": {"Host": "x"}},
        format="json",
    )
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert errors["keep_rule"][0].startswith("Not a valid regular expression: missing )")
    assert errors["proxy_url"] == [
        "A proxy is scheme://host:port with a scheme among "
        "http, https, socks4, socks4a, socks5, socks5h."
    ]
    assert errors["extra_headers"] == ["Host is set by the fetch itself and cannot be overridden."]
    ok = editor_api.patch(
        f"/api/v1/feeds/{feed_id}/", {"ignore_cache": True, "user_agent": "Desk/1"}, format="json"
    )
    assert ok.status_code == 200, ok.json()
    feed = Feed.objects.get(pk=feed_id)
    assert (feed.ignore_cache, feed.user_agent, feed.keep_rule) == (
        True,
        "Desk/1",
        "armenia|azerbaijan",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1/", "Not a valid address: 'http://[::1/' (Invalid IPv6 URL)"),
        ("http://a:99999/", "Not a valid address: 'http://a:99999/' (Port out of range 0-65535)"),
        ("http://" + "a" * 70 + ".example/", "Not a valid address: URL host is not a valid name"),
        ("ftp://example.org/feed", "Not an http(s) feed address: 'ftp://example.org/feed'"),
    ],
)
def test_api_malformed_addresses_are_refused_in_words(editor_api, url, message):
    for endpoint in ("/api/v1/feeds/", "/api/v1/feeds/discover/"):
        response = editor_api.post(endpoint, {"url": url}, format="json")
        # The address is a string as the schema says; the data refuses it: 422 (docs/api.md)
        assert response.status_code == 422
        assert response.json()["errors"]["url"][0].startswith(message)
    assert Feed.objects.count() == 0
