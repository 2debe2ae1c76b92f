"""One entry point for every feed format: JSON Feed, the lxml fast path for well-formed XML, and
feedparser for everything else. Every XML path sees the bytes only after `defuse`."""

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from tracker.ingest.charset import as_utf8_xml, declared_encoding, document_encoding
from tracker.ingest.fastxml import parse_fast
from tracker.ingest.jsonfeed import looks_like_json, parse_json_feed
from tracker.ingest.lenient import parse_lenient
from tracker.ingest.model import DEFAULT_MAX_ENTRIES, FeedParseError, ParsedFeed
from tracker.ingest.xmlguard import HostileXMLError, defuse
from tracker.text.normalise import fold_spaces


def parse_feed(
    data: bytes,
    *,
    url: str = "",
    content_type: str = "",
    charset: str = "",
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> ParsedFeed:
    """Parse DATA or raise FeedParseError with the reason. CHARSET is the HTTP header's. At
    most MAX_ENTRIES entries are read; the rest are counted in `entries_over_cap`."""
    if not data.strip():
        raise FeedParseError("not a feed: the server sent an empty body")
    if data[:2] == GZIP_MAGIC:
        raise FeedParseError(
            "not a feed: the body is gzip-compressed but the server did not say so "
            "(no Content-Encoding: gzip); ask the publisher to fix it, or use the uncompressed URL"
        )
    if _HTML_START.match(data[:2048]):
        raise FeedParseError(_html_page_error(data, url, charset))
    if looks_like_json(data, content_type):
        return parse_json_feed(data, max_entries=max_entries)
    data, encoding_note = _utf8(data, charset)
    try:
        data = defuse(data)
    except HostileXMLError as exc:
        raise FeedParseError(str(exc)) from exc
    parsed = parse_fast(data, url=url, encoding="utf-8", max_entries=max_entries) or parse_lenient(
        data,
        url=url,
        headers={"content-type": content_type} if content_type else None,
        max_entries=max_entries,
    )
    if encoding_note:
        parsed.bozo_reason = "; ".join(filter(None, (encoding_note, parsed.bozo_reason)))
    return parsed


GZIP_MAGIC = b"\x1f\x8b"
# An HTML page, not a feed: its doctype or root element first (after a BOM, blanks, comments).
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
# The types a page's <link rel="alternate"> names a feed with, and what to call each.
FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/rdf+xml": "RSS 1.0",
    "application/json": "JSON Feed",
}


@dataclass
class Candidate:
    """A feed a page advertises."""

    url: str
    title: str = ""
    kind: str = ""  # "RSS", "Atom", "JSON Feed", ...


def advertised_feeds(html: bytes, *, url: str, charset: str = "") -> list[Candidate]:
    """The feeds an HTML page advertises (<link rel="alternate" type=...>): absolute (against
    URL and the page's <base>), http(s) only, each once, in the page's order."""
    try:
        parser = lxml.html.HTMLParser(encoding=charset or None, no_network=True)
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
            found[href] = Candidate(href, fold_spaces(link.get("title") or ""), kind)
    return list(found.values())


def _html_page_error(data: bytes, url: str, charset: str) -> str:
    feeds = advertised_feeds(data, url=url, charset=charset)
    if not feeds:
        return "not a feed: an HTML page that advertises no feed"
    more = f" (and {len(feeds) - 1} more)" if len(feeds) > 1 else ""
    return f"not a feed: an HTML page; it advertises the feed {feeds[0].url}{more}"


def _utf8(data: bytes, charset: str) -> tuple[bytes, str]:
    """DATA as UTF-8 with a prolog that says so, whatever it was in and claimed, and a note
    when a declaration was wrong: every parser then reads the same characters (an undeclared
    koi8-r feed is not read as mojibake, a UTF-8 feed whose prolog claims iso-8859-1 not as
    Latin-1). Free for the common case, a UTF-8 document that says so or says nothing."""
    encoding = document_encoding(data, charset)
    declared = charset.strip().lower() or declared_encoding(data)
    if encoding == "utf-8" and declared in {"", "utf-8", "utf8"}:
        return data, ""
    note = ""
    if declared and _codec(declared) != _codec(encoding):
        note = f"declared encoding {declared!r} is wrong; read as {encoding}"
    return as_utf8_xml(data, encoding), note


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name
