"""One entry point for every feed format: JSON Feed, the lxml fast path for well-formed XML, and
feedparser for everything else. Every XML path sees the bytes only after `defuse`."""

from tracker.ingest.fastxml import parse_fast
from tracker.ingest.jsonfeed import looks_like_json, parse_json_feed
from tracker.ingest.lenient import parse_lenient
from tracker.ingest.model import FeedParseError, ParsedFeed
from tracker.ingest.xmlguard import HostileXMLError, defuse


def parse_feed(
    data: bytes, *, url: str = "", content_type: str = "", charset: str = ""
) -> ParsedFeed:
    """Parse DATA or raise FeedParseError with the reason. CHARSET is the HTTP header's."""
    if not data.strip():
        raise FeedParseError("empty document")
    if looks_like_json(data, content_type):
        return parse_json_feed(data)
    try:
        data = defuse(data)
    except HostileXMLError as exc:
        raise FeedParseError(str(exc)) from exc
    return parse_fast(data, url=url, encoding=charset) or parse_lenient(
        data, url=url, headers={"content-type": content_type} if content_type else None
    )
