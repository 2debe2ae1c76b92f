"""What every feed parser returns, whichever format or path produced it."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from tracker.enums import FeedFormat

T = TypeVar("T")


# Entries read from one document (COUNTERCLAIM_FETCH_MAX_ENTRIES): a feed of 130,000 items under
# the size cap would otherwise hold a worker for minutes and gigabytes.
DEFAULT_MAX_ENTRIES = 1000


def capped(items: list[T], max_entries: int) -> tuple[list[T], int]:
    """The first MAX_ENTRIES of ITEMS and how many were left out."""
    return items[:max_entries], max(0, len(items) - max_entries)


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
    # What was given but not kept (an unreadable date): shown in the fetch log.
    notes: list[str] = field(default_factory=list)


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
    # Entries the document held beyond the per-document cap: counted, not read.
    entries_over_cap: int = 0
