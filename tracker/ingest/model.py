"""What every feed parser returns, whichever format or path produced it."""

from dataclasses import dataclass, field
from datetime import datetime

from tracker.enums import FeedFormat


class FeedParseError(ValueError):
    """The bytes are not a feed we can read; the message is what the operator sees."""


@dataclass(slots=True)
class ParsedEntry:
    guid: str
    link: str
    title: str = ""
    author: str = ""
    published_at: datetime | None = None
    published_offset_minutes: int | None = None
    summary_html: str = ""  # as the feed gave it: untrusted
    content_html: str = ""  # full body when the feed carries one: untrusted
    language: str = ""
    tags: list[str] = field(default_factory=list)
    # Media links, never downloaded: {"url", "type", "length", "rel"} (tracker.ingest.media).
    enclosures: list[dict[str, str | int | None]] = field(default_factory=list)


@dataclass(slots=True)
class ParsedFeed:
    format: FeedFormat
    version: str  # e.g. "rss20", "atom10", "json11"
    parser: str  # "lxml", "json" or "feedparser"
    title: str = ""
    link: str = ""
    language: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    # Why a lenient parse was needed (feedparser's bozo exception), empty for a clean parse.
    bozo_reason: str = ""
    # WebSub: the hubs the feed advertises (rel=hub, JSON Feed "hubs") and its own URL
    # (rel=self, JSON Feed "feed_url"), the topic a subscription names.
    hubs: list[str] = field(default_factory=list)
    self_url: str = ""
