"""WebSub subscriptions: ask a feed's hub to push, answer the hub's verification, and ingest
a signed push by the poll's own path (tracker.services.feeds.feed_ingest_result)."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tracker.enums import WebSubState
from tracker.ingest.fetch import FetchError, FetchResult, fetch
from tracker.ingest.netpolicy import BlockedAddressError
from tracker.ingest.transport import feed_fetch_options
from tracker.ingest.websub import (
    LEASE_SECONDS,
    RETRY_AFTER,
    VERIFY_WITHIN,
    renewal_time,
    signature_valid,
)
from tracker.models import Feed
from tracker.services.feed_outcome import fetch_lock
from tracker.services.feeds import FeedFetchReport, feed_fetch_now, feed_ingest_result


def websub_callback_url(feed: Feed) -> str:
    """Where the hub verifies and pushes; "" when no public address is configured."""
    base = settings.COUNTERCLAIM_WEBSUB_CALLBACK_URL.rstrip("/")
    if not base:
        return ""
    return base + reverse("tracker:websub-callback", kwargs={"feed_id": feed.pk})


def _set_state(feed: Feed, **fields: object) -> None:
    for name, value in fields.items():
        setattr(feed, name, value)
    Feed.objects.filter(pk=feed.pk).update(**fields, updated_at=timezone.now())


def websub_subscribe(*, feed: Feed) -> bool:
    """Send FEED's hub a subscription request. The state (requested, with the secret) is
    committed before the request goes out: a hub may verify before it even answers."""
    callback = websub_callback_url(feed)
    if not (feed.websub_hub and callback):
        return False
    secret = feed.websub_secret or secrets.token_hex(32)
    _set_state(
        feed,
        websub_state=WebSubState.REQUESTED,
        websub_secret=secret,
        websub_renew_at=timezone.now() + VERIFY_WITHIN,
        websub_error="",
    )
    form = {
        "hub.mode": "subscribe",
        "hub.topic": feed.websub_topic or feed.url,
        "hub.callback": callback,
        "hub.secret": secret,
        "hub.lease_seconds": str(LEASE_SECONDS),
    }
    try:
        fetch(feed.websub_hub, form=form, options=feed_fetch_options(feed))
    except (FetchError, BlockedAddressError) as exc:
        _set_state(
            feed,
            websub_state=WebSubState.FAILED,
            websub_renew_at=timezone.now() + RETRY_AFTER,
            websub_error=f"subscription request refused: {exc}"[:2000],
        )
        return False
    return True


@transaction.atomic
def websub_verify(
    *,
    feed_id: int,
    mode: str,
    topic: str,
    challenge: str,
    lease_seconds: str = "",
    reason: str = "",
) -> str | None:
    """The hub's verification of intent. The challenge to echo if we asked for this (subscribe
    to the topic we requested), None otherwise (the view answers 404)."""
    feed = Feed.objects.select_for_update().filter(pk=feed_id).first()
    if feed is None or not feed.websub_topic or topic != feed.websub_topic:
        return None
    now = timezone.now()
    if mode == "denied":
        _set_state(
            feed,
            websub_state=WebSubState.FAILED,
            websub_renew_at=now + RETRY_AFTER,
            websub_error=f"the hub denied the subscription: {reason or 'no reason given'}"[:2000],
        )
        return ""
    if mode == "subscribe" and feed.websub_state in {
        WebSubState.REQUESTED,
        WebSubState.SUBSCRIBED,
    }:
        lease = int(lease_seconds) if lease_seconds.isdigit() else LEASE_SECONDS
        _set_state(
            feed,
            websub_state=WebSubState.SUBSCRIBED,
            websub_renew_at=renewal_time(min(lease, LEASE_SECONDS), now),
            websub_error="",
        )
        return challenge
    if mode == "unsubscribe" and feed.websub_state != WebSubState.SUBSCRIBED:
        return challenge
    return None


@dataclass
class PushOutcome:
    status: int  # the HTTP status the hub gets
    message: str
    report: FeedFetchReport | None = None


def websub_receive(*, feed_id: int, body: bytes, signature: str, content_type: str) -> PushOutcome:
    """A hub's content distribution: checked against the secret we gave the hub (X-Hub-Signature
    HMAC), then parsed and stored exactly as a poll's body. A push that arrives while a poll of
    the same feed runs makes the feed due again instead of waiting for the lock."""
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None or not feed.websub_secret:
        return PushOutcome(404, "no subscription for this callback")
    if len(body) > settings.COUNTERCLAIM_FETCH_MAX_BYTES:
        return PushOutcome(413, f"over the {settings.COUNTERCLAIM_FETCH_MAX_BYTES}-byte cap")
    if not signature_valid(feed.websub_secret, body, signature):
        return PushOutcome(403, "missing or wrong X-Hub-Signature: content ignored")
    started = timezone.now()
    with fetch_lock(feed) as lock:
        if not lock.acquired:
            feed_fetch_now(feed=feed)
            return PushOutcome(202, "a fetch of this feed is running: it will be polled again")
        # The push is the topic's new content; the poll's validators stay as they were.
        result = FetchResult(
            url=feed.websub_topic or feed.url,
            status=200,
            headers={
                "content-type": content_type,
                "etag": feed.etag,
                "last-modified": feed.last_modified,
            },
            body=body,
        )
        report = feed_ingest_result(feed=feed, started=started, result=result, lock=lock)
    return PushOutcome(202, report.log.error or str(report.log.get_outcome_display()), report)
