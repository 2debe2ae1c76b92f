"""Adding a feed from whatever address a person pasted: the feed itself, or the outlet's
homepage or an article page, whose advertised feeds (tracker.ingest.discover) are offered."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from tracker.ingest.discover import Discovery, discover
from tracker.ingest.transport import feed_fetch_options
from tracker.models import Feed
from tracker.services.feeds import check_feed_settings, feed_create, feed_url_normal


class FeedChoiceNeeded(ValidationError):
    """The address is a web page that advertises several feeds: the caller picks one."""

    def __init__(self, discovery: Discovery) -> None:
        self.discovery = discovery
        listed = "; ".join(c.url for c in discovery.candidates)
        super().__init__(
            {
                "url": f"{discovery.url} is a web page, not a feed. It advertises "
                f"{len(discovery.candidates)} feeds; add one of them: {listed}"
            }
        )


@dataclass
class FeedAddress:
    url: str  # the feed to register
    title: str = ""  # the feed's (or the advertising link's) title, when discovery saw it
    # What discovery found out, in words ("" for a feed added as it is).
    note: str = ""
    # HTTP Basic "user:password" the address carried (kept for a feed on the same host).
    credentials: str = ""


def feed_address_resolve(*, url: str, settings: dict[str, Any] | None = None) -> FeedAddress:
    """The feed behind URL, whichever address a person pasted: a feed is itself; a web page
    that advertises one feed (or has one at a common path) gives that feed; a page that
    advertises several raises FeedChoiceNeeded with them. An address that cannot be reached
    now is taken as given (the first poll reports why); one that answers with neither a feed
    nor a page that leads to one is refused with the reason. A listing page with an article
    link selector (scrape_selector), or an address already registered, is taken as it is.
    SETTINGS (user agent, headers, proxy) apply to discovery's own requests; credentials in
    URL (user:password@) to those sent to its host, and go with a feed found on that host."""
    url, credentials = feed_url_normal(url)
    settings = settings or {}
    check_feed_settings(settings)
    if settings.get("scrape_selector") or Feed.objects.filter(url=url).exists():
        return FeedAddress(url, credentials=credentials)
    found = discover(url, options=feed_fetch_options(Feed(**settings)), credentials=credentials)
    if found.unreachable:
        return FeedAddress(
            url, note=f"added without checking: {found.reason}", credentials=credentials
        )
    if found.feed_url:
        return FeedAddress(url, found.title, credentials=credentials)
    if len(found.candidates) == 1:
        candidate = found.candidates[0]
        return FeedAddress(
            candidate.url,
            candidate.title,
            f"{url} is a web page; it leads to {candidate.url}",
            credentials if _same_host(candidate.url, url) else "",
        )
    if found.candidates:
        raise FeedChoiceNeeded(found)
    raise ValidationError({"url": f"{url}: {found.reason}"})


def _same_host(one: str, other: str) -> bool:
    return urlsplit(one).netloc.lower() == urlsplit(other).netloc.lower()


@dataclass
class FeedAddition:
    feed: Feed
    created: bool
    note: str = ""


def feed_add(
    *,
    url: str,
    title: str = "",
    poll_interval: timedelta = timedelta(minutes=15),
    tags: list[str] | None = None,
    settings: dict[str, Any] | None = None,
) -> FeedAddition:
    """Register the feed behind URL (feed_address_resolve), with its fetch SETTINGS."""
    address = feed_address_resolve(url=url, settings=settings)
    feed, created = feed_create(
        url=address.url,
        title=title or address.title,
        poll_interval=poll_interval,
        tags=tags,
        settings=settings,
        basic_auth=address.credentials,
    )
    return FeedAddition(feed, created, address.note)
