"""WebSub (https://www.w3.org/TR/websub/) for a subscriber, the pure parts: which hub and topic
a fetched feed names, when a subscription is due, and whether a push is signed by the secret
we gave the hub."""

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings

from tracker.enums import WebSubState
from tracker.ingest.model import ParsedFeed

# Lease we ask for; hubs may grant less. Renewed this long before it ends.
LEASE_SECONDS = 10 * 24 * 3600
RENEW_BEFORE = timedelta(days=1)
# A hub that has not verified a request by then is asked again (at the next poll after it).
VERIFY_WITHIN = timedelta(hours=1)
# After a hub refused or failed, wait this long before asking again.
RETRY_AFTER = timedelta(days=1)
# Signature algorithms the spec allows (X-Hub-Signature: method=hex).
SIGNATURE_METHODS = {"sha1", "sha256", "sha384", "sha512"}


def hub_and_topic(parsed: ParsedFeed, *, feed_url: str) -> tuple[str, str]:
    """(hub, topic) the feed advertises: its first http(s) hub and its self URL (the feed's
    own URL if it names none); ("", "") without a hub."""
    hub = next((h for h in parsed.hubs if h.startswith(("http://", "https://"))), "")
    if not hub:
        return "", ""
    topic = parsed.self_url if parsed.self_url.startswith(("http://", "https://")) else feed_url
    return hub[:2000], topic[:2000]


def subscription_due(hub: str, state: str, renew_at: datetime | None, now: datetime) -> bool:
    """Whether to (re)send a subscription request: there is a hub and a public callback, and
    we never asked, or the time to renew, to ask again or to retry has come."""
    if not (hub and settings.COUNTERCLAIM_WEBSUB_CALLBACK_URL):
        return False
    return state == WebSubState.NONE or renew_at is None or renew_at <= now


def renewal_time(lease_seconds: int, now: datetime) -> datetime:
    """When to renew a lease granted NOW: RENEW_BEFORE its end, or halfway for a short one."""
    lease = timedelta(seconds=lease_seconds)
    return now + lease - min(RENEW_BEFORE, lease / 2)


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    """HEADER ("sha256=<hex>") is the HMAC of BODY with SECRET."""
    method, _, received = header.strip().partition("=")
    method = method.lower()
    if not secret or method not in SIGNATURE_METHODS or not received:
        return False
    expected = hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()
    return hmac.compare_digest(expected, received.strip().lower())
