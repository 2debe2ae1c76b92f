"""Enclosures and thumbnails of a feed entry, kept as links (URL, type, size), never downloaded:
RSS <enclosure>, Media RSS (media:content, media:thumbnail, media:group), Atom
link rel="enclosure", iTunes image, JSON Feed attachments / image / banner_image, and what
feedparser found for the lenient path."""

from collections.abc import Collection, Iterable, Mapping
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from tracker.enums import EnclosureRel

MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
# A lot of media on one entry is a podcast archive or a gallery: the first ones are enough.
MAX_PER_ENTRY = 20
Media = dict[str, str | int | None]


def media_item(url: Any, kind: Any = "", length: Any = None, *, rel: str, base: str = "") -> Media:
    """One media link, normalised: absolute http(s) URL, a type of at most 200 characters and
    the size in bytes as an integer (None when absent or not a number)."""
    link = urljoin(base, str(url or "").strip())
    size = str(length or "").strip()
    return {
        "url": link[:2000] if link.startswith(("http://", "https://")) else "",
        "type": str(kind or "").strip()[:200],
        "length": int(size) if size.isdigit() and len(size) < 19 else None,
        "rel": rel,
    }


def unique_media(items: Iterable[Media]) -> list[Media]:
    """Items with a URL, each URL once (the first mention wins), at most MAX_PER_ENTRY."""
    seen: set[str | int | None] = set()
    kept = []
    for item in items:
        if item["url"] and item["url"] not in seen:
            seen.add(item["url"])
            kept.append(item)
    return kept[:MAX_PER_ENTRY]


# The child elements that may carry media: an item with none of them has none (most do not).
_MEDIA_TAGS: frozenset[object] = frozenset(
    {
        "enclosure",
        f"{ATOM}link",
        f"{MEDIA}group",
        f"{MEDIA}content",
        f"{MEDIA}thumbnail",
        f"{ITUNES}image",
    }
)


def xml_media(item: etree._Element, child_tags: Collection[object]) -> list[Media]:
    """The media of an RSS item or Atom entry element whose children have CHILD_TAGS (the
    caller has them already)."""
    if _MEDIA_TAGS.isdisjoint(child_tags):
        return []
    base = item.base or ""
    found = [
        media_item(
            e.get("url"), e.get("type"), e.get("length"), rel=EnclosureRel.ENCLOSURE, base=base
        )
        for e in item.findall("enclosure")
    ]
    found += [
        media_item(
            e.get("href"), e.get("type"), e.get("length"), rel=EnclosureRel.ENCLOSURE, base=base
        )
        for e in item.findall(f"{ATOM}link")
        if e.get("rel") == "enclosure"
    ]
    for scope in (item, *item.findall(f"{MEDIA}group")):
        found += [
            media_item(
                e.get("url"),
                e.get("type") or e.get("medium"),
                e.get("fileSize"),
                rel=EnclosureRel.ENCLOSURE,
                base=base,
            )
            for e in scope.findall(f"{MEDIA}content")
        ]
        found += [
            media_item(e.get("url"), rel=EnclosureRel.THUMBNAIL, base=base)
            for e in scope.findall(f"{MEDIA}thumbnail")
        ]
    found += [
        media_item(e.get("href"), rel=EnclosureRel.THUMBNAIL, base=base)
        for e in item.findall(f"{ITUNES}image")
    ]
    return unique_media(found)


def json_media(item: Mapping[str, Any], base: str = "") -> list[Media]:
    """The media of a JSON Feed item."""
    attachments = item.get("attachments")
    found = (
        [
            media_item(
                a.get("url"),
                a.get("mime_type"),
                a.get("size_in_bytes"),
                rel=EnclosureRel.ENCLOSURE,
                base=base,
            )
            for a in attachments
            if isinstance(a, dict)
        ]
        if isinstance(attachments, list)
        else []
    )
    found += [
        media_item(item.get(key), rel=EnclosureRel.THUMBNAIL, base=base)
        for key in ("image", "banner_image")
        if isinstance(item.get(key), str)
    ]
    return unique_media(found)


def feedparser_media(raw: Mapping[str, Any]) -> list[Media]:
    """The media feedparser found on an entry (its links are already absolute)."""
    found = [
        media_item(e.get("href"), e.get("type"), e.get("length"), rel=EnclosureRel.ENCLOSURE)
        for e in raw.get("enclosures") or []
    ]
    found += [
        media_item(
            e.get("url"),
            e.get("type") or e.get("medium"),
            e.get("filesize"),
            rel=EnclosureRel.ENCLOSURE,
        )
        for e in raw.get("media_content") or []
    ]
    found += [
        media_item(e.get("url"), rel=EnclosureRel.THUMBNAIL)
        for e in raw.get("media_thumbnail") or []
    ]
    return unique_media(found)
