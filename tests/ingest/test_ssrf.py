"""Rows 1-2: a fetch of any private, loopback or link-local address in any spelling is refused
before a socket is opened; redirects and re-resolving names cannot smuggle one in."""

import socket
import time

import pytest
from django.core.exceptions import ValidationError

from tracker.enums import FeedHealth, FetchOutcome
from tracker.ingest.fetch import fetch
from tracker.ingest.netpolicy import BlockedAddressError
from tracker.models import Feed, FetchLog, Source
from tracker.services.feeds import feed_create, feed_fetch

# host part of the URL → the address the refusal must name
PRIVATE_HOSTS = [
    ("127.0.0.1", "127.0.0.1"),
    ("10.1.2.3", "10.1.2.3"),
    ("172.16.0.9", "172.16.0.9"),
    ("172.31.255.254", "172.31.255.254"),
    ("192.168.1.1", "192.168.1.1"),
    ("169.254.169.254", "169.254.169.254"),
    ("100.64.0.1", "100.64.0.1"),
    ("[::1]", "::1"),
    ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
    ("[64:ff9b::7f00:1]", "64:ff9b::7f00:1"),
    ("2130706433", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"),
    ("localhost.", "127.0.0.1"),
]


def _resolve_localhost(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """This machine's resolver may not know "localhost." (with the root dot); most do, and
    answer loopback. Answer it as they do, so the check runs on what a resolver returns."""
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host.rstrip(".") != "localhost":
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.mark.django_db
@pytest.mark.parametrize(("host", "address"), PRIVATE_HOSTS)
def test_fetch_private_address_refused_before_connecting(
    host, address, listener, no_allowed_networks, monkeypatch
):
    if host == "localhost.":
        _resolve_localhost(monkeypatch)
    url = f"http://{host}:{listener.port}/feed.rss"
    with pytest.raises(BlockedAddressError, match=r"not public|only to blocked addresses"):
        fetch(url)
    # Not even accepted as a feed URL. ("localhost." is: the feed URL is normalised to
    # "localhost", and the fetch is refused at connect time like any other name.)
    if host in {"2130706433", "0x7f000001"}:
        with pytest.raises(ValidationError) as refused:
            feed_create(url=url)
        assert refused.value.message_dict == {"url": ["Enter a valid URL."]}
        assert listener.accepted == []
        return
    feed, _ = feed_create(url=url)
    started = time.monotonic()
    report = feed_fetch(feed=feed)
    assert time.monotonic() - started < 1.0
    log = report.log
    assert (log.outcome, log.status_code, log.bytes_received) == (FetchOutcome.ERROR, None, 0)
    assert "not public" in log.error or "only to blocked addresses" in log.error
    assert address in log.error
    feed.refresh_from_db()
    assert (feed.health, feed.consecutive_failures) == (FeedHealth.DEGRADED, 1)
    assert feed.last_error == log.error
    assert Source.objects.count() == 0
    time.sleep(0.3)  # a connection, had one been made, would have been accepted by now
    assert listener.accepted == []


@pytest.mark.django_db
def test_fetch_redirect_to_private_address_refused(server, listener, no_allowed_networks, settings):
    """The first hop is allowed (127.0.0.1 as the stand-in public host), the redirect target is
    loopback 127.0.0.2 and is refused before connecting."""
    settings.COUNTERCLAIM_FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    feed, _ = feed_create(url=server.url("redirect-private"))
    log = feed_fetch(feed=feed).log
    assert log.outcome == FetchOutcome.ERROR
    assert log.error == "address 127.0.0.2 is not public (private, loopback, ...)"
    assert server.hits("redirect-private") == 1
    assert server.hits("data/feeds/rss2/guardian-us.rss") == 0
    assert Source.objects.count() == 0


@pytest.fixture
def rebinding_resolver(monkeypatch, server):  # type: ignore[no-untyped-def]
    """A stub DNS: news.example answers 127.0.0.1 (allowed, the "public" address) the first time
    and 127.0.0.2 (private) every time after, as a rebinding attacker's server would."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def resolve(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != "news.example":
            return real(host, port, *args, **kwargs)
        answer = "127.0.0.1" if not lookups else "127.0.0.2"
        lookups.append(answer)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return lookups


@pytest.mark.django_db
def test_fetch_rebinding_name_connects_only_to_checked_address(rebinding_resolver, server):
    result = fetch(f"http://news.example:{server.port}/data/feeds/rss2/guardian-us.rss")
    assert result.status == 200
    assert len(result.body) > 10_000
    # One lookup, checked and connected to; no second lookup the attacker could answer.
    assert rebinding_resolver == ["127.0.0.1"]
    assert server.hits("data/feeds/rss2/guardian-us.rss") == 1


@pytest.mark.django_db
def test_fetch_name_resolving_private_refused(rebinding_resolver, server, listener):
    rebinding_resolver.append("first answer already used")  # the next answer is 127.0.0.2
    with pytest.raises(BlockedAddressError, match=r"news\.example resolves only to blocked"):
        fetch(f"http://news.example:{listener.port}/feed.rss")
    assert listener.accepted == []


@pytest.mark.django_db
def test_fetch_public_name_redirecting_to_private_refused(rebinding_resolver, server, listener):
    """news.example (checked, allowed) redirects to loopback 127.0.0.2: that hop is refused."""
    server.overrides.clear()
    with pytest.raises(BlockedAddressError, match=r"address 127\.0\.0\.2 is not public"):
        fetch(f"http://news.example:{server.port}/redirect-private")
    assert FetchLog.objects.count() == 0
    assert not Feed.objects.exists()
    assert listener.accepted == []
