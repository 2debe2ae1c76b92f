"""One entry point for every feed format: JSON Feed, the lxml fast path for well-formed XML, and
feedparser for everything else. Every XML path sees the bytes only after `defuse`."""

from tracker.ingest.fastxml import parse_fast
from tracker.ingest.jsonfeed import looks_like_json, parse_json_feed
from tracker.ingest.lenient import parse_lenient
from tracker.ingest.model import DEFAULT_MAX_ENTRIES, FeedParseError, ParsedFeed
from tracker.ingest.xmlguard import HostileXMLError, defuse


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
        raise FeedParseError("empty document")
    if looks_like_json(data, content_type):
        return parse_json_feed(data, max_entries=max_entries)
    try:
        data = defuse(data)
    except HostileXMLError as exc:
        raise FeedParseError(str(exc)) from exc
    return parse_fast(data, url=url, encoding=charset, max_entries=max_entries) or parse_lenient(
        data,
        url=url,
        headers={"content-type": content_type} if content_type else None,
        max_entries=max_entries,
    )
