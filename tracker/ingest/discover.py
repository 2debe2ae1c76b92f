"""Feed discovery: given an outlet's homepage or an article URL, the feeds it advertises
(<link rel="alternate" type="application/rss+xml | atom+xml | feed+json | ...">), else the
common feed paths of the site that answer with a feed. Every request is the one guarded fetch."""

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from tracker.ingest.fetch import FetchError, FetchResult, HTTPStatusError, fetch
from tracker.ingest.model import FeedParseError, ParsedFeed
from tracker.ingest.netpolicy import BlockedAddressError
from tracker.ingest.parse import parse_feed
from tracker.ingest.transport import FetchOptions

FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/rdf+xml": "RSS 1.0",
    "application/json": "JSON Feed",
}
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
class Candidate:
    url: str
    title: str = ""
    kind: str = ""  # "RSS", "Atom", "JSON Feed", ...


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


def advertised_feeds(html: bytes, *, url: str, charset: str = "") -> list[Candidate]:
    """The feeds a page's <link rel="alternate"> elements advertise, absolute, each once."""
    parser = lxml.html.HTMLParser(encoding=charset or None, no_network=True)
    try:
        doc = lxml.html.document_fromstring(html, parser=parser, base_url=url)
    except (etree.ParserError, ValueError, LookupError):
        return []
    base = next(iter(doc.xpath("//base/@href")), "")
    found: dict[str, Candidate] = {}
    for link in doc.iterfind(".//link[@href]"):
        rels = (link.get("rel") or "").lower().split()
        kind = FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        if "alternate" not in rels or kind is None:
            continue
        href = urljoin(urljoin(url, base), link.get("href", "").strip())
        if href.startswith(("http://", "https://")) and href not in found:
            found[href] = Candidate(href, " ".join((link.get("title") or "").split()), kind)
    return list(found.values())


def advertised_hint(result: FetchResult) -> str:
    """For an error message: the feeds an HTML page RESULT advertises, if it is one."""
    if not _is_html(result):
        return ""
    found = advertised_feeds(result.body, url=result.url, charset=result.header_charset)
    if not found:
        return " (an HTML page that advertises no feed)"
    return f" (an HTML page; it advertises {', '.join(c.url for c in found)})"


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


def discover(url: str, *, options: FetchOptions | None = None) -> Discovery:
    """What URL is: a feed, a page advertising feeds, a site with a feed at a common path, or
    none of these (with the reason)."""
    found = Discovery(url)
    try:
        result = fetch(url, accept=DISCOVERY_ACCEPT, options=options)
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
        found.candidates = _common_paths(result.url, options)
    if not found.candidates:
        found.reason = (
            "an HTML page that advertises no feed, and none of the site's common feed paths "
            f"({', '.join(COMMON_PATHS)}) answered with one; for a site without a feed, set an "
            "article link selector"
        )
    return found


def _common_paths(page_url: str, options: FetchOptions | None) -> list[Candidate]:
    parts = urlsplit(page_url)
    found: dict[str, Candidate] = {}
    for path in COMMON_PATHS:
        try:
            result = fetch(
                urlunsplit((parts.scheme, parts.netloc, path, "", "")),
                accept=DISCOVERY_ACCEPT,
                options=options,
            )
        except (FetchError, BlockedAddressError):
            continue
        parsed = _as_feed(result)
        if parsed is not None and result.url not in found:
            found[result.url] = Candidate(result.url, parsed.title, str(parsed.format.label))
    return list(found.values())
