"""WebSub end to end: a publisher (the feed server) and a hub served on 127.0.0.1, our callback
on the live server. The poll finds the hub, subscribes; the hub verifies; signed pushes are
ingested by the poll's own path; forged ones are refused."""

import hashlib
import hmac
import secrets
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.error import HTTPError

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.plugins.feed_server import FEEDS
from tests.plugins.workers import wait_for
from tracker.enums import FetchOutcome, WebSubState
from tracker.ingest.parse import parse_feed
from tracker.ingest.websub import hub_and_topic
from tracker.models import Feed, FetchLog, Source

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("no_article_pages")]


@dataclass
class Hub:
    port: int = 0
    # What subscribers asked (the form fields), and how each verification went.
    subscriptions: list[dict[str, str]] = field(default_factory=list)
    verifications: list[tuple[int, str, str]] = field(default_factory=list)  # status, sent, got
    deny: str = ""  # answer verification with hub.mode=denied and this reason

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _verify(self, form: dict[str, str]) -> None:
        challenge = secrets.token_hex(8)
        query = {"hub.mode": "subscribe", "hub.topic": form["hub.topic"]}
        if self.deny:
            query = {"hub.mode": "denied", "hub.topic": form["hub.topic"], "hub.reason": self.deny}
        else:
            query |= {"hub.challenge": challenge, "hub.lease_seconds": "3600"}
        url = form["hub.callback"] + "?" + urllib.parse.urlencode(query)
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:
                self.verifications.append((reply.status, challenge, reply.read().decode()))
        except HTTPError as exc:
            self.verifications.append((exc.code, challenge, exc.read().decode()))

    def publish(self, body: bytes, *, secret: str | None = None) -> tuple[int, str]:
        """Push BODY to the subscriber, signed with its secret (or SECRET)."""
        form = self.subscriptions[-1]
        key = (secret if secret is not None else form["hub.secret"]).encode()
        signature = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            form["hub.callback"],
            data=body,
            headers={"Content-Type": "application/rss+xml", "X-Hub-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, reply.read().decode()
        except HTTPError as exc:
            return exc.code, exc.read().decode()


@pytest.fixture
def hub() -> Iterator[Hub]:
    state = Hub()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(size).decode()))
            state.subscriptions.append(form)
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
            # The spec's order: accept, then verify intent asynchronously.
            threading.Thread(target=state._verify, args=(form,), daemon=True).start()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def _rss(server, hub: Hub, *titles: str) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>{server.url('story/' + t)}</link></item>" for t in titles
    )
    return (
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Desk</title>'
        f'<atom:link rel="hub" href="{hub.url}"/>'
        f'<atom:link rel="self" href="{server.url("topic.rss")}"/>{items}</channel></rss>'
    ).encode()


def _poll(feed: Feed) -> None:
    call_command("fetch_feeds", "--feed", str(feed.pk), stdout=StringIO())


def test_subscribe_verify_and_signed_pushes_ingested(server, hub, live_server, settings):
    settings.COUNTERCLAIM_WEBSUB_CALLBACK_URL = live_server.url
    server.overrides["/pub.rss"] = (_rss(server, hub, "first"), "application/rss+xml")
    feed = Feed.objects.create(url=server.url("pub.rss"))
    _poll(feed)
    [form] = hub.subscriptions
    assert form["hub.mode"] == "subscribe"
    assert form["hub.topic"] == server.url("topic.rss")  # rel=self names the topic
    assert form["hub.callback"] == f"{live_server.url}/websub/{feed.pk}/"
    assert len(form["hub.secret"]) == 64
    wait_for(lambda: hub.verifications)
    status, sent, echoed = hub.verifications[0]
    assert (status, echoed) == (200, sent)
    feed.refresh_from_db()
    assert feed.websub_state == WebSubState.SUBSCRIBED
    assert feed.websub_hub == hub.url
    # A second poll while subscribed asks the hub nothing.
    server.overrides["/pub.rss"] = (_rss(server, hub, "first", "poll"), "application/rss+xml")
    _poll(feed)
    assert len(hub.subscriptions) == 1

    status, message = hub.publish(_rss(server, hub, "first", "poll", "pushed"))
    assert (status, message) == (202, "Fetched")
    assert Source.objects.filter(title="pushed").count() == 1
    push_log = FetchLog.objects.filter(feed=feed).first()  # newest first
    assert (push_log.outcome, push_log.entries_new, push_log.entries_unchanged) == (
        FetchOutcome.OK,
        1,
        2,
    )
    assert push_log.url == server.url("topic.rss")

    status, message = hub.publish(_rss(server, hub, "forged"), secret="not-the-secret")
    assert (status, message) == (403, "missing or wrong X-Hub-Signature: content ignored")
    assert not Source.objects.filter(title="forged").exists()

    # When the renewal time comes, the next poll (a 304 here) asks the hub again, same secret.
    Feed.objects.filter(pk=feed.pk).update(websub_renew_at=timezone.now() - timedelta(seconds=1))
    _poll(feed)
    assert len(hub.subscriptions) == 2
    assert hub.subscriptions[1]["hub.secret"] == form["hub.secret"]


@pytest.mark.parametrize(
    ("path", "hub"),
    [
        ("atom/sam-ruby-intertwingly.atom", "http://pubsubhubbub.appspot.com/"),
        ("rss2/golem-de-iso-8859-1.xml", "http://golem.superfeedr.com/"),
        ("atom/allthis.atom", "http://pubsubhubbub.appspot.com"),
    ],
)
def test_hubs_advertised_by_real_feeds_are_found(path, hub):
    parsed = parse_feed((FEEDS / path).read_bytes())
    assert parsed.hubs[0] == hub
    assert parsed.self_url.startswith("http")


def test_json_feed_hubs_are_found():
    doc = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", '
        b'"feed_url": "https://x.example/feed.json", "items": [], "hubs": ['
        b'{"type": "rssCloud", "url": "https://cloud.example/"}, '
        b'{"type": "WebSub", "url": "https://hub.example/"}]}'
    )
    parsed = parse_feed(doc)
    assert hub_and_topic(parsed, feed_url="https://x.example/other") == (
        "https://hub.example/",
        "https://x.example/feed.json",
    )


def test_verification_of_something_we_never_asked_for_is_refused(live_server, server):
    feed = Feed.objects.create(url=server.url("pub.rss"), websub_topic=server.url("topic.rss"))
    query = urllib.parse.urlencode(
        {"hub.mode": "subscribe", "hub.topic": "https://elsewhere.example/", "hub.challenge": "x"}
    )
    with pytest.raises(HTTPError) as caught:
        urllib.request.urlopen(f"{live_server.url}/websub/{feed.pk}/?{query}")
    assert caught.value.code == 404
    # Nor a subscription we never requested for our own topic.
    query = urllib.parse.urlencode(
        {"hub.mode": "subscribe", "hub.topic": server.url("topic.rss"), "hub.challenge": "x"}
    )
    with pytest.raises(HTTPError):
        urllib.request.urlopen(f"{live_server.url}/websub/{feed.pk}/?{query}")
    # A push to a feed without a subscription.
    request = urllib.request.Request(f"{live_server.url}/websub/{feed.pk}/", data=b"<rss/>")
    with pytest.raises(HTTPError) as caught:
        urllib.request.urlopen(request)
    assert (caught.value.code, caught.value.read()) == (404, b"no subscription for this callback")


def test_a_denied_subscription_is_shown_in_words(server, hub, live_server, settings):
    settings.COUNTERCLAIM_WEBSUB_CALLBACK_URL = live_server.url
    hub.deny = "topic not served here"
    server.overrides["/pub.rss"] = (_rss(server, hub, "first"), "application/rss+xml")
    feed = Feed.objects.create(url=server.url("pub.rss"))
    _poll(feed)
    wait_for(lambda: hub.verifications)
    feed.refresh_from_db()
    assert feed.websub_state == WebSubState.FAILED
    assert feed.websub_error == "the hub denied the subscription: topic not served here"


def test_without_a_public_callback_nothing_is_subscribed(server, hub, settings):
    settings.COUNTERCLAIM_WEBSUB_CALLBACK_URL = ""
    server.overrides["/pub.rss"] = (_rss(server, hub, "first"), "application/rss+xml")
    feed = Feed.objects.create(url=server.url("pub.rss"))
    _poll(feed)
    feed.refresh_from_db()
    assert (feed.websub_hub, feed.websub_state) == (hub.url, WebSubState.NONE)
    assert hub.subscriptions == []
