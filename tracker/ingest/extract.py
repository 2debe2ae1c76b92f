"""An article page reduced to what a Source keeps: main text (trafilatura), the page's own
canonical URL, and the raw bytes compressed as the archived snapshot."""

import hashlib
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from tld import get_fld

from tracker.text.html import main_text
from tracker.text.normalise import canonical_url, fold_spaces


@dataclass(slots=True)
class Article:
    text: str
    title: str
    canonical_url: str  # as the page declares it; "" when it declares none (see canonical_for)
    snapshot: bytes  # zlib-compressed raw page
    snapshot_sha256: str  # of the raw page, so a copy can be verified without decompressing


def registrable_domain(url: str) -> str:
    """The domain a registrant controls (public-suffix aware: bbc.co.uk, foo.github.io); the
    host itself for an IP address or a name outside the public suffix list."""
    host = (urlsplit(url).hostname or "").lower()
    return get_fld(url, fail_silently=True) or host


def canonical_for(page_url: str, declared: str) -> tuple[str, str]:
    """(the canonical URL to honour, "") or ("", why not). A page may only name an address
    of its own registrable domain, absolute and well-formed: otherwise any page could claim
    another outlet's URL (and push the real entry out as "unchanged"). A relative canonical
    is refused too: it is the commonest CMS mistake (every page naming the home page)."""
    declared = declared.strip()
    if not declared:
        return "", ""
    if not declared.lower().startswith(("http://", "https://")):
        return "", f"canonical ignored: {declared[:200]!r} is not an absolute http(s) URL"
    try:
        url = canonical_url(declared)
    except ValueError as exc:
        return "", f"canonical ignored: {exc}"[:300]
    if any(c.isspace() or ord(c) < 32 for c in declared) or len(url) > 2000:
        return "", f"canonical ignored: {declared[:200]!r} is malformed"
    if registrable_domain(url) != registrable_domain(page_url):
        return "", (
            f"canonical ignored: {url[:200]} is not on the page's own domain "
            f"({registrable_domain(page_url)})"
        )
    return url, ""


def _head_facts(html: str) -> tuple[str, str]:
    """(rel=canonical href as written, <title>) of the page, from the head only."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return "", ""
    hrefs = doc.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
    title = doc.findtext(".//title") or ""
    return (str(hrefs[0]) if hrefs else ""), fold_spaces(title)


def extract_article(html: str, raw: bytes, *, url: str) -> Article:
    canonical, title = _head_facts(html)
    return Article(
        text=main_text(html, url=url),
        title=title,
        canonical_url=canonical,
        snapshot=zlib.compress(raw, 6),
        snapshot_sha256=hashlib.sha256(raw).hexdigest(),
    )
