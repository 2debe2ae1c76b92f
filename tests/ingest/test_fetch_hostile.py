"""The fetch against hostile servers on 127.0.0.1: one deadline over the whole fetch, credentials
that never leak, and what the server says about moves and freshness."""

import time

import pytest

from tests.plugins.feed_server import DATA
from tracker.ingest.fetch import FetchTimeoutError, HTTPStatusError, fetch

GUARDIAN = DATA / "feeds/rss2/guardian-us.rss"


@pytest.fixture
def short_deadline(settings):  # type: ignore[no-untyped-def]
    settings.COUNTERCLAIM_FETCH_TOTAL_TIMEOUT = 2
    settings.COUNTERCLAIM_FETCH_READ_TIMEOUT = 1
    return settings


def test_dripped_headers_cannot_outlast_the_total_deadline(server, short_deadline):
    """Each header byte comes well inside the per-read timeout; the total still holds."""
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        fetch(server.url("drip-headers"))
    assert time.monotonic() - started < 2.5


def test_slow_redirect_hops_share_one_deadline(server, short_deadline):
    """Five hops of 0.6 s each: no single hop is slow, together they pass the 2 s limit."""
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        fetch(server.url("slow-redirect/5"))
    assert time.monotonic() - started < 2.5


def test_credentials_in_url_are_sent_as_basic_and_never_shown(server):
    url = server.url("auth/data/feeds/rss2/guardian-us.rss").replace(
        "http://", "http://reader:s3cret%20pass@"
    )
    result = fetch(url)
    assert result.body == GUARDIAN.read_bytes()
    assert "s3cret" not in result.url
    assert result.url == server.url("auth/data/feeds/rss2/guardian-us.rss")


def test_wrong_credentials_error_does_not_show_them(server):
    url = server.url("auth/data/feeds/rss2/guardian-us.rss").replace("http://", "http://x:hunter2@")
    with pytest.raises(HTTPStatusError) as caught:
        fetch(url)
    assert caught.value.status == 401
    assert "hunter2" not in str(caught.value)


def test_credentials_are_not_forwarded_to_another_host(server):
    """A redirect to another host name gets no Authorization header."""
    url = server.url("moved/302/localhost/data/feeds/rss2/guardian-us.rss")
    fetch(url.replace("http://", "http://reader:pw@"))
    (_, first_headers), (second, second_headers) = server.requests[-2:]
    assert first_headers["authorization"].startswith("Basic ")
    assert second == "/data/feeds/rss2/guardian-us.rss"
    assert "authorization" not in second_headers


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_reports_where_the_feed_moved(server, code):
    result = fetch(server.url(f"moved/{code}/data/feeds/rss2/guardian-us.rss"))
    assert result.moved_to == server.url("data/feeds/rss2/guardian-us.rss")


def test_temporary_redirect_is_not_a_move(server):
    assert fetch(server.url("moved/302/data/feeds/rss2/guardian-us.rss")).moved_to == ""


def test_retry_after_is_read_from_an_error(server):
    with pytest.raises(HTTPStatusError) as caught:
        fetch(server.url("retry-after/503/7200"))
    assert caught.value.retry_after == 7200


def test_cache_control_max_age_is_a_poll_hint(server):
    result = fetch(server.url("max-age/3600/data/feeds/rss2/guardian-us.rss"))
    assert result.poll_hint == 3600
