"""An article page reduced to what a Source keeps: main text (trafilatura), the page's own
canonical URL, and the raw bytes compressed as the archived snapshot."""

import hashlib
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
import trafilatura
from lxml import etree


@dataclass(slots=True)
class Article:
    text: str
    title: str
    canonical_url: str  # absolute, as the page declares it; "" when it declares none
    snapshot: bytes  # zlib-compressed raw page
    snapshot_sha256: str  # of the raw page, so a copy can be verified without decompressing


def extract_text(html: str | bytes, *, url: str = "") -> str:
    """The main text of an article page, paragraphs on their own lines; "" if none found."""
    text = trafilatura.extract(
        html,
        url=url or None,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    return (text or "").strip()


def _head_facts(html: str, base: str) -> tuple[str, str]:
    """(rel=canonical URL, <title>) of the page, from the head only."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return "", ""
    hrefs = doc.xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href')
    title = doc.findtext(".//title") or ""
    canonical = urljoin(base, str(hrefs[0]).strip()) if hrefs and str(hrefs[0]).strip() else ""
    return canonical, " ".join(title.split())


def extract_article(html: str, raw: bytes, *, url: str) -> Article:
    canonical, title = _head_facts(html, url)
    return Article(
        text=extract_text(html, url=url),
        title=title,
        canonical_url=canonical,
        snapshot=zlib.compress(raw, 6),
        snapshot_sha256=hashlib.sha256(raw).hexdigest(),
    )
