"""OPML feed lists (OPML 1.0/2.0 subscription exports): every outline with an xmlUrl is a feed;
the titles of the folders it sits in, and its `category` attribute, become its tags."""

from dataclasses import dataclass, field

from lxml import etree

from tracker.ingest.model import FeedParseError
from tracker.ingest.xmlguard import HostileXMLError, defuse, safe_parser


@dataclass(slots=True)
class OpmlFeed:
    url: str
    title: str
    tags: list[str] = field(default_factory=list)


def parse_opml(data: bytes) -> tuple[list[OpmlFeed], str]:
    """(feeds, note). A document that is not well-formed is read leniently (lxml recover) and
    the note says so; one with no <opml><body> at all raises FeedParseError."""
    try:
        data = defuse(data)
    except HostileXMLError as exc:
        raise FeedParseError(str(exc)) from exc
    note = ""
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        note = f"not well-formed, read leniently: {exc}"
        try:
            # Garbage before the first tag defeats even recovery: start at the first '<', inside
            # a wrapper so that sibling outlines left without their parents stay in one tree.
            start = max(data.find(b"<"), 0)
            if data.startswith(b"<?xml", start):
                start = data.find(b"?>", start) + 2
            wrapped = b"<recovered>" + data[start:] + b"</recovered>"
            root = etree.fromstring(wrapped, safe_parser(recover=True))
        except etree.XMLSyntaxError as again:
            raise FeedParseError(f"not an OPML document: {again}") from again
    feeds: list[OpmlFeed] = []
    if root is not None and root.tag == "opml" and root.find("body") is not None:
        _walk(root.find("body"), [], feeds)
    elif root is not None and note:
        # What recovery salvaged has no reliable nesting: take every feed outline in it.
        holder = etree.Element("body")
        holder.extend([o for o in root.iter("outline") if o.get("xmlUrl")] or [root])
        _walk(holder, [], feeds)
    if not feeds and (root is None or root.tag != "opml"):
        raise FeedParseError(f"not an OPML document{': ' + note if note else ''}")
    return feeds, note


def _walk(parent: etree._Element, folders: list[str], out: list[OpmlFeed]) -> None:
    for outline in parent.iterfind("outline"):
        title = (outline.get("title") or outline.get("text") or "").strip()
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            categories = [
                part.strip()
                for raw in (outline.get("category") or "").split(",")
                for part in raw.strip("/").split("/")
                if part.strip()
            ]
            tags = list(dict.fromkeys([*folders, *categories]))
            out.append(OpmlFeed(url=url, title=title, tags=[t[:100] for t in tags]))
        _walk(outline, [*folders, title] if (title and not url) else folders, out)
