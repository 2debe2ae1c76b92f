"""Which encoding a fetched document is in, when its bytes, its declaration and the HTTP header
disagree or are silent. Pure: bytes in, an encoding name out.

In order: a byte-order mark; then, if the bytes are valid UTF-8 and not plain ASCII, UTF-8
whatever the prolog, <meta> or header claims (text in another encoding is valid UTF-8 by
accident only in contrived cases, while "encoding=iso-8859-1" on UTF-8 is a common CMS
mistake); then the header's charset, the XML prolog's or <meta>'s, if the bytes decode in it;
last, detection by charset-normalizer, which needs no declaration at all."""

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^[^>]{0,200}?encoding=["']([A-Za-z0-9._:-]+)["']""")
_PROLOG = re.compile(rb"^(\s*<\?xml[^>]*?)\s+encoding=[\"'][^\"']*[\"']")
# How much charset-normalizer looks at: enough text for a verdict, bounded cost on 10 MB.
_DETECT_BYTES = 64 * 1024


def declared_encoding(body: bytes) -> str:
    """The encoding the document itself names (XML prolog, else <meta charset>), or ""."""
    head = body[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else ""


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
        body.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return False
    return True


def document_encoding(body: bytes, header_charset: str = "") -> str:
    """The encoding BODY is really in (see the module's docstring for the order)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding
    if body.isascii():
        return "utf-8"
    if _decodes(body, "utf-8"):
        return "utf-8"
    for candidate in (header_charset.strip().lower(), declared_encoding(body)):
        utf8_or_ascii = candidate.replace("-", "") in {"utf8", "ascii", "usascii"}
        if candidate and not utf8_or_ascii and _decodes(body, candidate):
            return candidate
    best = from_bytes(body[:_DETECT_BYTES]).best()
    if best is not None and _decodes(body, best.encoding):
        return best.encoding
    return "windows-1252" if _decodes(body, "windows-1252") else "latin-1"


def as_utf8_xml(body: bytes, encoding: str) -> bytes:
    """BODY (an XML document in ENCODING) as UTF-8 with its prolog saying so, so that every
    parser downstream reads the same characters."""
    text_bytes = body if encoding == "utf-8" else body.decode(encoding).encode("utf-8")
    if text_bytes.startswith(codecs.BOM_UTF8):
        text_bytes = text_bytes[len(codecs.BOM_UTF8) :]
    return _PROLOG.sub(rb'\1 encoding="utf-8"', text_bytes, count=1)
