"""Sites without a feed: an HTML listing page whose article links a CSS selector picks becomes
a feed (what FreshRSS calls web scraping). Each link is an entry with the link's text as its
title; its text comes from the article page, fetched like any teaser's."""

import lxml.html
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from tracker.enums import FeedFormat
from tracker.ingest.model import FeedParseError, ParsedEntry, ParsedFeed
from tracker.text.normalise import fold_spaces


def _link_of(element: etree._Element) -> etree._Element | None:
    """The matched element if it is a link, else the first link inside it."""
    if element.tag == "a" and element.get("href"):
        return element
    return next(iter(element.iterfind(".//a[@href]")), None)


def parse_listing(data: bytes, *, url: str, selector: str, charset: str = "") -> ParsedFeed:
    """The article links SELECTOR picks on the listing page DATA, in page order, each once."""
    try:
        compiled = CSSSelector(selector)
    except SelectorError as exc:
        raise FeedParseError(f"not a valid CSS selector {selector!r}: {exc}") from exc
    parser = lxml.html.HTMLParser(encoding=charset or None, no_network=True)
    try:
        doc = lxml.html.document_fromstring(data, parser=parser, base_url=url)
    except (etree.ParserError, ValueError, LookupError) as exc:
        raise FeedParseError(f"not an HTML page: {exc}") from exc
    feed = ParsedFeed(
        format=FeedFormat.HTML,
        version="html",
        parser="css",
        title=fold_spaces(doc.findtext(".//title") or ""),
        link=url,
        language=(doc.get("lang") or "").lower()[:16],
    )
    # Relative links resolved against <base href> when the page has one, else the page URL.
    doc.make_links_absolute(url, resolve_base_href=True, handle_failures="discard")
    seen: set[str] = set()
    matched = compiled(doc)
    for element in matched:
        anchor = _link_of(element)
        if anchor is None:
            continue
        link = anchor.get("href", "").strip()
        if not link.startswith(("http://", "https://")) or link in seen:
            continue
        seen.add(link)
        title = fold_spaces(anchor.text_content()) or anchor.get("title", "")
        feed.entries.append(ParsedEntry(guid=link, link=link, title=title, language=feed.language))
    if not feed.entries:
        found = f"{len(matched)} elements, none with a link" if matched else "nothing"
        raise FeedParseError(f"the article link selector {selector!r} matched {found} on {url}")
    return feed
