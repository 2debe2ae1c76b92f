"""Make XML from outside harmless before any parser sees it.

The DOCTYPE is removed, internal subset and all: feeds have no use for entity declarations, and
they are how billion-laughs, quadratic blow-up and external-entity (local file, SSRF) attacks
work. Without declarations an entity reference is just an undefined name: the strict parser
rejects the document, the lenient one keeps it as text. Parsers are also configured to never
resolve entities, load a DTD or touch the network, as a second line."""

import codecs
import re

from lxml import etree

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding=)(["'])[^"']*\2""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# A DOCTYPE longer than this is not a feed's: refuse rather than scan on.
_MAX_DOCTYPE = 64 * 1024


class HostileXMLError(ValueError):
    """The document cannot be made safe to parse."""


_SAFE_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "strip_cdata": True,
}


def safe_parser(*, recover: bool = False, encoding: str | None = None) -> etree.XMLParser:
    """Never resolves entities, loads a DTD or uses the network. ENCODING (from the HTTP
    header) overrides the document's declaration, as RFC 7303 says it should."""
    return etree.XMLParser(encoding=encoding or None, recover=recover, **_SAFE_OPTIONS)


def safe_pull_parser(*, base_url: str | None = None) -> etree.XMLPullParser:
    """safe_parser's options, fed piece by piece: the elements read so far are a tree."""
    return etree.XMLPullParser(events=("start",), base_url=base_url, **_SAFE_OPTIONS)


def _to_utf8(data: bytes) -> bytes:
    """UTF-16/32 documents (BOM) become UTF-8 so the byte-level DOCTYPE scan below sees them."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace").encode("utf-8")
            return _XML_DECL_ENCODING.sub(rb"\1\2utf-8\2", text, count=1)
    return data


def _doctype_end(data: bytes, start: int) -> int:
    """Index just past the DOCTYPE starting at START, honouring quotes, comments and the
    bracketed internal subset (whose entity values may contain '>')."""
    i, depth, quote = start + len(b"<!DOCTYPE"), 0, 0
    limit = min(len(data), start + _MAX_DOCTYPE)
    while i < limit:
        c = data[i]
        if quote:
            if c == quote:
                quote = 0
        elif data.startswith(b"<!--", i):
            close = data.find(b"-->", i + 4, limit)
            if close < 0:
                break
            i = close + 3
            continue
        elif c in b"\"'":
            quote = c
        elif c == ord("["):
            depth += 1
        elif c == ord("]"):
            depth -= 1
        elif c == ord(">") and depth <= 0:
            return i + 1
        i += 1
    raise HostileXMLError("the document's DOCTYPE never ends (or is over 64 KiB): refused")


def defuse(data: bytes) -> bytes:
    """DATA without its DOCTYPE (only one before the root element is possible)."""
    data = _to_utf8(data)
    match = _DOCTYPE.search(data, 0, 4096 + _MAX_DOCTYPE)
    if match is None:
        return data
    # Only a DOCTYPE in the prolog matters; one inside an element is character data.
    prolog_end = _first_element(data)
    if prolog_end != -1 and match.start() > prolog_end:
        return data
    end = _doctype_end(data, match.start())
    return data[: match.start()] + data[end:]


def _first_element(data: bytes) -> int:
    """Offset of the root element's '<' (skipping declarations, comments and PIs), or -1."""
    i = 0
    while True:
        i = data.find(b"<", i)
        if i < 0 or i + 1 >= len(data):
            return -1
        nxt = data[i + 1 : i + 2]
        if nxt == b"?":
            i = data.find(b"?>", i) + 2 if data.find(b"?>", i) >= 0 else len(data)
        elif data.startswith(b"<!--", i):
            close = data.find(b"-->", i)
            i = close + 3 if close >= 0 else len(data)
        elif nxt == b"!":
            i += 2
        else:
            return i
