"""A parsed feed entry turned into what a Source stores: canonical URL, sanitised summary, plain
text, hashes, fingerprint and language. Pure: no database.

In two steps: an EntryDraft (canonical URL, GUID, hash of the raw entry) is enough to recognise
an entry already stored unchanged, the usual case of a re-fetched feed; only new or changed
entries pay for the rest (text, sanitising, SimHash, language) in `EntryDraft.record()`."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

import orjson

from tracker.ingest.model import ParsedEntry
from tracker.ingest.simhash import simhash
from tracker.text.html import html_to_text, sanitise_html
from tracker.text.language import language_or_declared
from tracker.text.normalise import canonical_url, text_sha256

# A feed body shorter than this is a teaser: the article page is fetched for the full text.
FULL_TEXT_MIN_CHARS = 600
# Source.url and Source.guid are varchar(2000): a longer link cannot be stored (a longer GUID is
# cut, it only has to be stable).
MAX_URL_CHARS = 2000


def clean_text(text: str) -> str:
    """TEXT without NUL characters, which PostgreSQL text cannot hold (JSON Feed may carry
    \u0000; feedparser passes them through). Costs one scan when there is none."""
    return text.replace("\x00", "") if "\x00" in text else text


def _clean_entry(entry: ParsedEntry) -> None:
    for name in ("guid", "link", "title", "author", "summary_html", "content_html", "language"):
        setattr(entry, name, clean_text(getattr(entry, name)))
    entry.tags = [clean_text(tag) for tag in entry.tags]


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
    enclosures: list[dict[str, str | int | None]]

    def record(self) -> "EntryRecord":
        """Already complete (the same interface as EntryDraft)."""
        return self


class EntrySkipped(ValueError):
    """The entry cannot become a Source (no usable link); the message says why."""


@dataclass(slots=True)
class EntryDraft:
    entry: ParsedEntry
    url: str  # canonical
    guid: str
    title: str
    author: str
    entry_hash: str  # SHA-256 of the entry as the feed gave it: equal means unchanged

    def record(self) -> EntryRecord:
        """The costly rest of the entry: text, sanitised summary, hashes, SimHash, language."""
        entry = self.entry
        text = html_to_text(entry.content_html or entry.summary_html)
        return EntryRecord(
            url=self.url,
            guid=self.guid,
            title=self.title,
            author=self.author,
            published_at=entry.published_at,
            published_offset_minutes=entry.published_offset_minutes,
            language=language_or_declared(f"{self.title}\n{text}", entry.language),
            summary=sanitise_html(entry.summary_html or entry.content_html),
            text=text,
            content_hash=text_sha256(text),
            simhash=simhash(f"{self.title}\n{text}"),
            entry_hash=self.entry_hash,
            tags=[tag[:100] for tag in entry.tags],
            has_full_text=bool(entry.content_html) and len(text) >= FULL_TEXT_MIN_CHARS,
            enclosures=entry.enclosures,
        )


def entry_draft(entry: ParsedEntry, *, feed_url: str = "") -> EntryDraft:
    _clean_entry(entry)
    if not entry.link:
        raise EntrySkipped(f"entry {entry.guid or entry.title or '?'!r} has no link")
    try:
        url = canonical_url(entry.link, base=feed_url)
    except ValueError as exc:
        raise EntrySkipped(str(exc)[:200]) from exc
    if len(url) > MAX_URL_CHARS:
        raise EntrySkipped(f"entry {url[:80]!r}… has a link of {len(url)} characters (max 2000)")
    title = entry.title[:1000]
    author = entry.author[:500]
    published = entry.published_at.isoformat() if entry.published_at else ""
    parts = [url, title, author, published, entry.summary_html, entry.content_html]
    if entry.enclosures:  # only then: the hashes of entries without media stay as they were
        parts.append(orjson.dumps(entry.enclosures).decode())
    entry_hash = hashlib.sha256(
        "\x1f".join(parts).encode("utf-8", errors="surrogatepass")
    ).hexdigest()
    return EntryDraft(entry, url, (entry.guid or url)[:2000], title, author, entry_hash)
