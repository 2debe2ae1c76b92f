"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), parsed by hand: the format is small
and the maintained Python libraries add nothing we need."""

import json
import re
from typing import Any

import orjson

from tracker.enums import FeedFormat
from tracker.ingest.dates import DateReader
from tracker.ingest.media import json_media
from tracker.ingest.model import (
    DEFAULT_MAX_ENTRIES,
    FeedParseError,
    ParsedEntry,
    ParsedFeed,
    capped,
)

# The spec's URL form; a bare "1.1" (seen in the wild) is accepted too.
VERSION = re.compile(r"^(?:https?://jsonfeed\.org/version/)?(1(?:\.\d+)?)/?$")


def looks_like_json(data: bytes, content_type: str = "") -> bool:
    return "json" in content_type or data.lstrip()[:1] == b"{"


def _str(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _author(obj: dict[str, Any]) -> str:
    authors = obj.get("authors")
    if isinstance(authors, list):
        names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
        if any(names):
            return ", ".join(n for n in names if n)
    author = obj.get("author")
    return _str(author.get("name")) if isinstance(author, dict) else ""


def _with_lone_surrogates(data: bytes, error: orjson.JSONDecodeError) -> Any:
    """orjson refuses a lone surrogate escape (\\ud800) anywhere in the document, which would
    cost the whole feed for one bad character: the standard parser reads it, and every string
    is re-encoded with such characters replaced."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        raise FeedParseError(f"not a feed: invalid JSON ({error})") from error
    return json.loads(json.dumps(doc, ensure_ascii=False).encode("utf-8", "replace"))


def parse_json_feed(data: bytes, *, max_entries: int = DEFAULT_MAX_ENTRIES) -> ParsedFeed:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        doc = _with_lone_surrogates(data, exc)
    version = VERSION.match(_str(doc.get("version")) if isinstance(doc, dict) else "")
    if version is None:
        raise FeedParseError("not a feed: JSON without a jsonfeed.org version")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedParseError("not a feed: JSON Feed without an items list")
    language = _str(doc.get("language")).lower()[:16]
    feed = ParsedFeed(
        format=FeedFormat.JSON_FEED,
        version="json" + version.group(1).replace(".", ""),
        parser="json",
        title=_str(doc.get("title")),
        link=_str(doc.get("home_page_url")),
        language=language,
        self_url=_str(doc.get("feed_url")),
        hubs=[
            _str(hub.get("url"))
            for hub in doc.get("hubs") or []
            if isinstance(hub, dict) and _str(hub.get("type")).lower() == "websub"
        ],
    )
    feed_author = _author(doc)
    dates = DateReader(language)
    items, feed.entries_over_cap = capped(items, max_entries)
    for item in items:
        if not isinstance(item, dict):
            continue
        link = _str(item.get("url")) or _str(item.get("external_url"))
        date = dates.read(_str(item.get("date_published")) or _str(item.get("date_modified")))
        text = _str(item.get("content_text"))
        feed.entries.append(
            ParsedEntry(
                guid=_str(item.get("id")) or link,
                link=link,
                title=_str(item.get("title")),
                author=_author(item) or feed_author,
                published_at=date.at,
                published_offset_minutes=date.offset_minutes,
                summary_html=_str(item.get("summary")),
                # content_text is plain: escape nothing, the text path treats it as such.
                content_html=_str(item.get("content_html")) or text.replace("<", "&lt;"),
                language=_str(item.get("language")).lower()[:16] or language,
                tags=[_str(t) for t in item.get("tags") or [] if _str(t)],
                notes=[date.note] if date.note else [],
                enclosures=json_media(item, feed.self_url),
            )
        )
    return feed
