"""Fast path for well-formed RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 1.0: one lxml tree walk.

Anything this does not recognise, or cannot parse strictly, returns None and goes to feedparser
(tracker.ingest.lenient), which is slower but forgives what real feeds get wrong."""

from urllib.parse import urljoin

from lxml import etree

from tracker.enums import FeedFormat
from tracker.ingest.dates import DateReader
from tracker.ingest.media import xml_media
from tracker.ingest.model import DEFAULT_MAX_ENTRIES, ParsedEntry, ParsedFeed, capped, cut_at_cap
from tracker.ingest.xmlguard import safe_parser, safe_pull_parser
from tracker.text.html import html_to_text
from tracker.text.normalise import fold_spaces

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_fast(
    data: bytes, *, url: str = "", encoding: str = "", max_entries: int = DEFAULT_MAX_ENTRIES
) -> ParsedFeed | None:
    head, over_cap = cut_at_cap(data, max_entries)
    try:
        if over_cap:
            root = _partial_root(head, url)
        else:
            root = etree.fromstring(data, safe_parser(encoding=encoding), base_url=url or None)
    except (etree.XMLSyntaxError, ValueError, LookupError):
        return None
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == "rss" and not root.nsmap.get(None):
        feed = _rss(root, max_entries)
    elif tag == f"{RDF}RDF":
        feed = _rdf(root, max_entries)
    elif tag == f"{ATOM}feed":
        feed = _atom(root, max_entries)
    else:
        return None
    if feed is not None:
        feed.entries_over_cap += over_cap
    return feed


def _partial_root(head: bytes, url: str) -> etree._Element:
    """The tree of HEAD, a document cut before an entry past the cap: the elements it holds
    (its open ancestors included), without parsing the thousands of entries after it. The
    rest of the document is not read, so not checked either."""
    parser = safe_pull_parser(base_url=url or None)
    parser.feed(head)
    for _, element in parser.read_events():
        return element
    raise ValueError("no root element")


def _children(el: etree._Element) -> dict[object, etree._Element]:
    """The first child of each tag, in one pass over EL: an item reads about ten of them, and
    a find() per tag costs a path lookup each (a third of the tree walk)."""
    first: dict[object, etree._Element] = {}
    for child in el:
        first.setdefault(child.tag, child)
    return first


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    if not len(el):  # no children (most elements): its text is all of it
        return (el.text or "").strip()
    return "".join(el.itertext()).strip()


def _plain(el: etree._Element | None) -> str:
    raw = _text(el)
    return html_to_text(raw) if ("<" in raw or "&" in raw) else fold_spaces(raw)


def _lang(raw: str) -> str:
    return raw.strip().lower().replace("_", "-")[:16]


def _rss(root: etree._Element, max_entries: int) -> ParsedFeed | None:
    channel = root.find("channel")
    if channel is None:
        return None
    version = root.get("version", "")
    language = _lang(_text(channel.find("language")) or _text(channel.find(f"{DC}language")))
    feed = ParsedFeed(
        format=FeedFormat.RSS,
        version={"2.0": "rss20", "0.91": "rss091", "0.92": "rss092"}.get(version, "rss"),
        parser="lxml",
        title=_plain(channel.find("title")),
        link=_text(channel.find("link")),
        language=language,
    )
    items, feed.entries_over_cap = capped(
        channel.findall("item") or root.findall("item"), max_entries
    )
    dates = DateReader(language)
    feed.entries = [_rss_item(item, language, dates) for item in items]
    _websub_links(feed, channel)
    return feed


def _websub_links(feed: ParsedFeed, scope: etree._Element) -> None:
    """rel=hub and rel=self atom:links of a channel or feed element."""
    for link in scope.findall(f"{ATOM}link"):
        href = urljoin(link.base or "", link.get("href", "").strip())
        if link.get("rel") == "hub" and href:
            feed.hubs.append(href)
        elif link.get("rel") == "self" and href and not feed.self_url:
            feed.self_url = href


def _rss_item(item: etree._Element, language: str, dates: DateReader) -> ParsedEntry:
    child = _children(item)
    link = _text(child.get("link"))
    guid = _text(child.get("guid"))
    date = dates.read(_text(child.get("pubDate")) or _text(child.get(f"{DC}date")))
    return ParsedEntry(
        guid=guid or link,
        link=link or (guid if guid.startswith(("http://", "https://")) else ""),
        title=_plain(child.get("title")),
        author=_text(child.get("author")) or _text(child.get(f"{DC}creator")),
        published_at=date.at,
        published_offset_minutes=date.offset_minutes,
        summary_html=_text(child.get("description")),
        content_html=_text(child.get(f"{CONTENT}encoded")),
        language=_lang(_text(child.get(f"{DC}language"))) or language,
        tags=_all_texts(item, "category", child),
        notes=[date.note] if date.note else [],
        enclosures=xml_media(item, child),
    )


def _all_texts(el: etree._Element, tag: str, child: dict[object, etree._Element]) -> list[str]:
    """The non-empty texts of EL's children tagged TAG (CHILD: its _children)."""
    if tag not in child:
        return []
    return [t for t in (_text(c) for c in el.findall(tag)) if t]


def _rdf(root: etree._Element, max_entries: int) -> ParsedFeed | None:
    for ns, version in ((RSS1, "rss10"), (RSS090, "rss090")):
        channel = root.find(f"{ns}channel")
        items = root.findall(f"{ns}item")
        if channel is None and not items:
            continue
        language = _lang(_text(channel.find(f"{DC}language")) if channel is not None else "")
        feed = ParsedFeed(
            format=FeedFormat.RDF,
            version=version,
            parser="lxml",
            title=_plain(channel.find(f"{ns}title")) if channel is not None else "",
            link=_text(channel.find(f"{ns}link")) if channel is not None else "",
            language=language,
        )
        dates = DateReader(language)
        items, feed.entries_over_cap = capped(items, max_entries)
        for item in items:
            child = _children(item)
            link = _text(child.get(f"{ns}link"))
            date = dates.read(_text(child.get(f"{DC}date")))
            feed.entries.append(
                ParsedEntry(
                    guid=item.get(f"{RDF}about") or link,
                    link=link,
                    title=_plain(child.get(f"{ns}title")),
                    author=_text(child.get(f"{DC}creator")),
                    published_at=date.at,
                    published_offset_minutes=date.offset_minutes,
                    summary_html=_text(child.get(f"{ns}description")),
                    content_html=_text(child.get(f"{CONTENT}encoded")),
                    language=_lang(_text(child.get(f"{DC}language"))) or language,
                    tags=_all_texts(item, f"{DC}subject", child),
                    notes=[date.note] if date.note else [],
                    enclosures=xml_media(item, child),
                )
            )
        return feed
    return ParsedFeed(format=FeedFormat.RDF, version="rss10", parser="lxml")


def _atom_content(el: etree._Element | None) -> str:
    """Atom text constructs: xhtml content is markup (serialise the div's children), html and
    text are character data."""
    if el is None:
        return ""
    if el.get("type") == "xhtml":
        div = el[0] if len(el) else el
        parts = [div.text or ""]
        parts += [etree.tostring(child, encoding="unicode", with_tail=True) for child in div]
        return "".join(parts).strip()
    return _text(el)


def _atom_link(entry: etree._Element) -> str:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return urljoin(link.base or "", link.get("href", "").strip())
    return ""


def _atom(root: etree._Element, max_entries: int) -> ParsedFeed:
    language = _lang(root.get(XML_LANG, ""))
    feed = ParsedFeed(
        format=FeedFormat.ATOM,
        version="atom10",
        parser="lxml",
        title=html_to_text(_atom_content(root.find(f"{ATOM}title"))),
        link=_atom_link(root),
        language=language,
    )
    feed_author = _text(root.find(f"{ATOM}author/{ATOM}name"))
    dates = DateReader(language)
    entries, feed.entries_over_cap = capped(root.findall(f"{ATOM}entry"), max_entries)
    for entry in entries:
        child = _children(entry)
        date = dates.read(
            _text(child.get(f"{ATOM}published")) or _text(child.get(f"{ATOM}updated"))
        )
        guid = _text(child.get(f"{ATOM}id"))
        # An entry without an alternate link is still addressable by a URL-shaped id.
        link = _atom_link(entry) or (guid if guid.startswith(("http://", "https://")) else "")
        title = child.get(f"{ATOM}title")
        author = child.get(f"{ATOM}author")
        feed.entries.append(
            ParsedEntry(
                guid=guid or link,
                link=link,
                title=html_to_text(_atom_content(title)) if title is not None else "",
                author=(_text(author.find(f"{ATOM}name")) if author is not None else "")
                or feed_author,
                published_at=date.at,
                published_offset_minutes=date.offset_minutes,
                summary_html=_atom_content(child.get(f"{ATOM}summary")),
                content_html=_atom_content(child.get(f"{ATOM}content")),
                language=_lang(entry.get(XML_LANG, "")) or language,
                tags=[
                    c.get("term", "").strip()
                    for c in entry.findall(f"{ATOM}category")
                    if c.get("term", "").strip()
                ],
                notes=[date.note] if date.note else [],
                enclosures=xml_media(entry, child),
            )
        )
    _websub_links(feed, root)
    return feed
