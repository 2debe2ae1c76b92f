"""Feed discovery: given an outlet's homepage or an article URL, the feeds it advertises
(<link rel="alternate" type="application/rss+xml | atom+xml | feed+json | ...">), else the
common feed paths of the site that answer with a feed. Every request is the one guarded fetch."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from tracker.ingest.fetch import FetchError, FetchResult, HTTPStatusError, fetch
from tracker.ingest.model import FeedParseError, ParsedFeed
from tracker.ingest.netpolicy import BlockedAddressError
from tracker.ingest.parse import Candidate, advertised_feeds, parse_feed
from tracker.ingest.transport import FetchOptions

# Tried, in order, on the site's root when a page advertises nothing (WordPress, Ghost, Hugo,
# Jekyll, Blogger, Drupal and most CMSs use one of these).
COMMON_PATHS = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/rss/index.xml",
)
DISCOVERY_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass
class Discovery:
    url: str  # as asked
    feed_url: str = ""  # set when URL is itself a feed (after redirects)
    title: str = ""
    candidates: list[Candidate] = field(default_factory=list)
    # Why nothing was found, in words; empty when a feed or candidates were found.
    reason: str = ""
    # The URL could not be fetched now (network, server): nothing is known about it yet.
    unreachable: bool = False


def _as_feed(result: FetchResult) -> ParsedFeed | None:
    """RESULT's body parsed, if it is a feed we can read."""
    try:
        return parse_feed(
            result.body,
            url=result.url,
            content_type=result.content_type,
            charset=result.header_charset,
        )
    except FeedParseError:
        return None


def _is_html(result: FetchResult) -> bool:
    head = result.body[:1024].lstrip().lower()
    return result.content_type in HTML_TYPES or head.startswith((b"<!doctype html", b"<html"))


def discover(url: str, *, options: FetchOptions | None = None, credentials: str = "") -> Discovery:
    """What URL is: a feed, a page advertising feeds (parse.advertised_feeds), a site with a
    feed at a common path, or none of these (with the reason). CREDENTIALS ("user:password")
    go as HTTP Basic to URL's own host."""
    found = Discovery(url)
    try:
        result = fetch(url, accept=DISCOVERY_ACCEPT, options=options, credentials=credentials)
    except BlockedAddressError as exc:  # not a passing fault: the address is refused
        found.reason = str(exc)
        return found
    except FetchError as exc:
        # A 4xx (but 429) says the address is wrong; anything else may pass.
        wrong = isinstance(exc, HTTPStatusError) and 400 <= exc.status < 500 and exc.status != 429
        found.reason, found.unreachable = str(exc), not wrong
        return found
    parsed = _as_feed(result)
    if parsed is not None:
        found.feed_url, found.title = result.url, parsed.title
        return found
    if not _is_html(result):
        kind = result.content_type or "no content type"
        found.reason = f"not a feed and not a web page ({kind}, {len(result.body)} bytes)"
        return found
    found.candidates = advertised_feeds(result.body, url=result.url, charset=result.header_charset)
    if not found.candidates:
        found.candidates = _common_paths(result.url, options, credentials)
    if not found.candidates:
        found.reason = (
            "an HTML page that advertises no feed, and none of the site's common feed paths "
            f"({', '.join(COMMON_PATHS)}) answered with one; for a site without a feed, set an "
            "article link selector"
        )
    return found


def _common_paths(page_url: str, options: FetchOptions | None, credentials: str) -> list[Candidate]:
    parts = urlsplit(page_url)
    found: dict[str, Candidate] = {}
    for path in COMMON_PATHS:
        try:
            result = fetch(
                urlunsplit((parts.scheme, parts.netloc, path, "", "")),
                accept=DISCOVERY_ACCEPT,
                options=options,
                credentials=credentials,
            )
        except (FetchError, BlockedAddressError):
            continue
        parsed = _as_feed(result)
        if parsed is not None and result.url not in found:
            found[result.url] = Candidate(result.url, parsed.title, str(parsed.format.label))
    return list(found.values())
