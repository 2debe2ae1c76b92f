"""The one fetch function, against a real server on 127.0.0.1."""

import gzip
import hashlib

import pytest

from tests.plugins.feed_server import DATA, LAST_MODIFIED
from tracker.ingest.fetch import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
    fetch,
)
from tracker.ingest.netpolicy import BlockedAddressError

GUARDIAN = DATA / "feeds/rss2/guardian-us.rss"


def test_fetch_file_returns_body_and_validators(server):
    result = fetch(server.url("data/feeds/rss2/guardian-us.rss"))
    body = GUARDIAN.read_bytes()
    assert result.status == 200
    assert result.body == body
    assert result.headers["etag"] == '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    assert result.headers["last-modified"] == LAST_MODIFIED
    assert result.content_type == "application/rss+xml"


def test_fetch_sends_user_agent_and_accept_encoding(server, settings):
    fetch(server.url("data/feeds/rss2/guardian-us.rss"), accept="application/rss+xml")
    _, headers = server.requests[-1]
    assert headers["user-agent"] == settings.COUNTERCLAIM_FETCH_USER_AGENT
    assert headers["accept"] == "application/rss+xml"
    assert "gzip" in headers["accept-encoding"]


def test_fetch_with_etag_gets_304_and_no_body(server):
    first = fetch(server.url("data/feeds/rss2/guardian-us.rss"))
    again = fetch(server.url("data/feeds/rss2/guardian-us.rss"), etag=first.headers["etag"])
    assert again.not_modified
    assert again.body == b""
    assert server.requests[-1][1]["if-none-match"] == first.headers["etag"]


def test_fetch_with_last_modified_gets_304(server):
    result = fetch(server.url("data/feeds/rss2/guardian-us.rss"), last_modified=LAST_MODIFIED)
    assert result.status == 304


def test_fetch_gzip_body_is_decoded(server):
    result = fetch(server.url("gzip/data/feeds/rss2/guardian-us.rss"))
    assert result.body == GUARDIAN.read_bytes()
    assert gzip.compress(GUARDIAN.read_bytes()) != result.body


@pytest.mark.parametrize("status", [404, 500])
def test_fetch_error_status_raises_with_status(server, status):
    with pytest.raises(HTTPStatusError) as info:
        fetch(server.url(f"status/{status}"))
    assert info.value.status == status
    assert str(info.value) == f"HTTP {status} from {server.url(f'status/{status}')}"


def test_fetch_follows_five_redirects(server):
    result = fetch(server.url("redirect/5"))
    assert result.status == 200
    assert result.url == server.url("data/feeds/rss2/guardian-us.rss")
    assert len(result.redirects) == 5


def test_fetch_refuses_a_sixth_redirect(server):
    with pytest.raises(TooManyRedirectsError, match="more than 5 redirects"):
        fetch(server.url("redirect/6"))


def test_fetch_redirect_to_private_address_is_blocked_before_connecting(server):
    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.2"):
        fetch(server.url("redirect-private"))
    assert server.hits("data/feeds/rss2/guardian-us.rss") == 0


def test_fetch_slow_body_stops_at_total_timeout(server, settings):
    settings.COUNTERCLAIM_FETCH_TOTAL_TIMEOUT = 1
    with pytest.raises(FetchTimeoutError, match="total time limit"):
        fetch(server.url("slow"))


def test_fetch_oversized_streamed_body_is_cut_at_cap(server, settings):
    settings.COUNTERCLAIM_FETCH_MAX_BYTES = 1024 * 1024
    with pytest.raises(TooLargeError, match="more than the 1048576-byte cap"):
        fetch(server.url("huge"))


def test_fetch_oversized_declared_body_is_refused_unread(server, settings):
    settings.COUNTERCLAIM_FETCH_MAX_BYTES = 1024 * 1024
    with pytest.raises(TooLargeError, match="declares 3145728 bytes"):
        fetch(server.url("huge-declared"))


def test_fetch_text_uses_header_charset_then_document(server):
    result = fetch(server.url("data/feeds/rss2/golem-de-iso-8859-1.xml"))
    assert "Golem" in result.text()
    assert "ä" in result.text() or "ü" in result.text()


def test_fetch_refuses_non_http_scheme():
    with pytest.raises(FetchError, match="only http and https"):
        fetch("file:///etc/passwd")
