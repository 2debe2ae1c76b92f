"""Untrusted HTML made safe to show (nh3), an HTML fragment reduced to plain text, and the main
text of a whole page (trafilatura, offline)."""

import html
import re

import nh3
import trafilatura

# Block-level boundaries become line breaks so words either side do not run together.
_BLOCK = re.compile(
    r"<(?:/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|pre|hr|figure)"
    r"\b[^>]*)>",
    re.IGNORECASE,
)
# Runs of spaces to fold: two or more, or one that is not a plain space (a lone space is left
# alone, so the common case costs no replacement).
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]{2,}|[\t\r\f\v\u00a0]")
# What a page or a fragment pasted from one opens with; plain text and Markdown do not.
_HTML_HINT = re.compile(r"<(?:html|body|p|div|article|span)\b", re.IGNORECASE)
# The only characters nh3 changes in text without markup (escapes, CR and NUL rewritten, lone
# surrogates refused); text with none of them comes back from nh3 as it went in.
_NH3_REWRITES = re.compile("[<>&\r\x00\xa0\ud800-\udfff]")


def sanitise_html(raw: str) -> str:
    """HTML that is safe to render: no scripts, handlers, styles, frames or javascript: URLs."""
    if not raw:
        return ""
    if not _NH3_REWRITES.search(raw):
        return raw  # a plain-text summary (two in five in feeds): nothing for nh3 to do
    return nh3.clean(raw, link_rel="noopener noreferrer nofollow")


def html_to_text(raw: str) -> str:
    """Plain text of an HTML fragment, one line per block, spaces folded."""
    if not raw:
        return ""
    if "<" not in raw and "&" not in raw:
        return _tidy(raw)
    marked = _BLOCK.sub("\n", raw)
    return _tidy(html.unescape(nh3.clean(marked, tags=set())))


def _tidy(text: str) -> str:
    """Spaces folded in one pass over the whole text (_SPACES never matches a line break), then
    each line stripped and blank ones dropped: no blank line, and nothing to strip, is left."""
    lines = (line.strip() for line in _SPACES.sub(" ", text).split("\n"))
    return "\n".join(line for line in lines if line)


def main_text(page: str | bytes, *, url: str = "") -> str:
    """The main text of an article page, paragraphs on their own lines; "" if none found.
    Precision over recall: boilerplate in a Source's text would be read as the article's."""
    text = trafilatura.extract(
        page,
        url=url or None,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    return (text or "").strip()


def looks_like_html(raw: str) -> bool:
    return bool(_HTML_HINT.search(raw[:20000]))
