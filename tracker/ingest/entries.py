"""A parsed feed entry turned into what a Source stores: canonical URL, sanitised summary, plain
text, hashes, fingerprint and language. Pure: no database."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from tracker.ingest.model import ParsedEntry
from tracker.ingest.simhash import simhash
from tracker.ingest.text import detect_language, html_to_text, sanitise_html
from tracker.normalise import canonical_url, text_sha256

# A feed body shorter than this is a teaser: the article page is fetched for the full text.
FULL_TEXT_MIN_CHARS = 600


@dataclass(slots=True)
class EntryRecord:
    url: str
    guid: str
    title: str
    author: str
    published_at: datetime | None
    published_offset_minutes: int | None
    language: str
    summary: str  # sanitised HTML
    text: str  # plain text
    content_hash: str
    simhash: int | None
    entry_hash: str
    tags: list[str]
    has_full_text: bool


class EntrySkipped(ValueError):
    """The entry cannot become a Source (no usable link); the message says why."""


def entry_record(entry: ParsedEntry, *, feed_url: str = "") -> EntryRecord:
    link = urljoin(feed_url, entry.link) if feed_url and entry.link else entry.link
    if not link:
        raise EntrySkipped(f"entry {entry.guid or entry.title or '?'!r} has no link")
    try:
        url = canonical_url(link)
    except ValueError as exc:
        raise EntrySkipped(str(exc)) from exc
    body = entry.content_html or entry.summary_html
    text = html_to_text(body)
    summary_source = entry.summary_html or entry.content_html
    title = entry.title[:1000]
    author = entry.author[:500]
    published = entry.published_at.isoformat() if entry.published_at else ""
    entry_hash = hashlib.sha256(
        "\x1f".join((url, title, author, published, entry.summary_html, entry.content_html)).encode(
            "utf-8", errors="surrogatepass"
        )
    ).hexdigest()
    return EntryRecord(
        url=url,
        guid=(entry.guid or url)[:2000],
        title=title,
        author=author,
        published_at=entry.published_at,
        published_offset_minutes=entry.published_offset_minutes,
        language=detect_language(f"{title}\n{text}", entry.language),
        summary=sanitise_html(summary_source),
        text=text,
        content_hash=text_sha256(text),
        simhash=simhash(f"{title}\n{text}"),
        entry_hash=entry_hash,
        tags=[tag[:100] for tag in entry.tags],
        has_full_text=bool(entry.content_html) and len(text) >= FULL_TEXT_MIN_CHARS,
    )
