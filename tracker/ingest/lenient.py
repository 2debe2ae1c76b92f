"""feedparser as the lenient fallback: ill-formed XML, odd encodings, Atom 0.3, RSS 0.9x quirks.
Its bozo reason is kept so the operator sees why the fast path was not enough."""

from typing import Any

import feedparser

from tracker.enums import FeedFormat
from tracker.ingest.dates import DateReader
from tracker.ingest.media import feedparser_media
from tracker.ingest.model import (
    DEFAULT_MAX_ENTRIES,
    FeedParseError,
    ParsedEntry,
    ParsedFeed,
    cut_at_cap,
)
from tracker.text.normalise import fold_spaces

# feedparser must never fetch anything itself: we hand it bytes and stop it resolving URLs.
feedparser.RESOLVE_RELATIVE_URIS = True
feedparser.SANITIZE_HTML = False  # nh3 sanitises everything later, once, for every path


# feedparser's loose parser costs ≈ 0.08 ms a tag: a few hundred KB of nested tags took
# seconds, 10 MB of them would take minutes. A document gets this many, the rest is cut.
LENIENT_MAX_TAGS = 100_000


def cut_at_tag_budget(data: bytes) -> tuple[bytes, bool]:
    """DATA up to its LENIENT_MAX_TAGS-th '<', and whether anything was cut."""
    if data.count(b"<") <= LENIENT_MAX_TAGS:
        return data, False
    position = -1
    for _ in range(LENIENT_MAX_TAGS):
        position = data.find(b"<", position + 1)
    return data[:position], True


def _format(version: str) -> FeedFormat:
    if version.startswith("atom"):
        return FeedFormat.ATOM
    if version in {"rss090", "rss10"}:
        return FeedFormat.RDF
    if version.startswith("rss"):
        return FeedFormat.RSS
    return FeedFormat.UNKNOWN


def _entry(raw: Any, language: str, dates: DateReader) -> ParsedEntry:
    link = raw.get("link", "") or ""
    date = dates.read(raw.get("published") or raw.get("updated"))
    content = raw.get("content") or []
    detail = raw.get("summary_detail") or {}
    return ParsedEntry(
        guid=(raw.get("id") or link or "").strip(),
        link=link.strip(),
        title=fold_spaces(raw.get("title") or ""),
        author=(raw.get("author") or "").strip(),
        published_at=date.at,
        published_offset_minutes=date.offset_minutes,
        summary_html=raw.get("summary", "") or "",
        content_html=content[0].get("value", "") if content else "",
        language=((detail.get("language") or language or "").lower().replace("_", "-"))[:16],
        tags=[t["term"].strip() for t in raw.get("tags") or [] if (t.get("term") or "").strip()],
        notes=[date.note] if date.note else [],
        enclosures=feedparser_media(raw),
    )


def parse_lenient(
    data: bytes,
    *,
    url: str = "",
    headers: dict[str, str] | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> ParsedFeed:
    # Without a content type feedparser flags every document as bozo; bytes of unknown type are
    # judged as XML, their own declaration deciding the encoding.
    data, over_cap = cut_at_cap(data, max_entries)
    data, over_budget = cut_at_tag_budget(data)
    result = feedparser.parse(
        data,
        response_headers={"content-type": "application/xml", "content-location": url}
        | (headers or {}),
        sanitize_html=False,
    )
    reason = str(result.get("bozo_exception", "")) if result.bozo else ""
    if over_budget:
        budget = f"only its first {LENIENT_MAX_TAGS:,} tags read (the lenient parser's budget)"
        reason = f"{reason}; {budget}" if reason else budget
    if not result.version and not result.entries:
        raise FeedParseError(f"not a feed{': ' + reason if reason else ''}")
    if reason and not result.entries:
        raise FeedParseError(f"malformed feed, no entry could be read: {reason}")
    language = (result.feed.get("language") or "").lower()
    dates = DateReader(language)
    links = result.feed.get("links") or []
    return ParsedFeed(
        format=_format(result.version),
        version=result.version or "unknown",
        parser="feedparser",
        title=fold_spaces(result.feed.get("title") or ""),
        link=result.feed.get("link", "") or "",
        language=language[:16],
        entries=[_entry(e, language, dates) for e in result.entries],
        bozo_reason=reason,
        entries_over_cap=over_cap,
        hubs=[link["href"] for link in links if link.get("rel") == "hub" and link.get("href")],
        self_url=next((link["href"] for link in links if link.get("rel") == "self"), ""),
    )
